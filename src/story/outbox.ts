import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { PermanentError } from '../errors';
import { isFinished, requests, ticketNotes, type NoteRow } from '../db/schema';
import type { Db } from '../db/types';
import { TICKET_STATUSES } from '../integrations/zendesk/schemas';
import type { StoryComment, TicketDesk } from './desk';

/**
 * The ticket's outbox. Code that decides a comment (an agent's action, intake, a failed step)
 * writes it here, a database write that does not wait on Zendesk; the engine posts it with
 * backoff (`EngineHooks.postNote`). The marker is unique in the table, so writing the same
 * comment again (a retried delivery, a recovery) is a no-op, and the desk looks for it on the
 * ticket before posting, so a post whose answer was lost is not repeated.
 */
export interface OwedComment extends StoryComment {
  ticketId: number;
  requestId: number | null;
  /** The audit event the comment tells, when it tells one (an agent's action). */
  eventId?: number;
}

/** Owes the ticket a comment; nothing happens if a comment with its marker (or for its event) is owed or posted already. */
export async function oweComment(db: Db, now: number, comment: OwedComment): Promise<void> {
  await db
    .insert(ticketNotes)
    .values({
      requestId: comment.requestId,
      ticketId: comment.ticketId,
      eventId: comment.eventId ?? null,
      marker: comment.marker,
      html: comment.html,
      public: comment.public,
      ticketStatus: comment.status ?? null,
      createdAt: now,
      nextRunAt: now,
    })
    .onConflictDoNothing();
}

const ticketStatusSchema = z.enum(TICKET_STATUSES).nullable();

/**
 * Posts an owed comment through the desk (the engine's `postNote` hook). A note owed before its
 * request's last step solved the ticket (the plan note, posted late after a conflict or an
 * outage) must not reopen it: a note of a request that has finished is posted without its
 * status, and one posted while the last step runs leaves a ticket solved at the moment of its
 * write as it is (`keepSolved`, decided on the read its safe update is checked against).
 */
export function notePoster(desk: TicketDesk, db: Db): (note: NoteRow) => Promise<void> {
  return async (note) => {
    // The column is free text in SQL: a value that is not a Zendesk status is a bug, and says which.
    const status = ticketStatusSchema.safeParse(note.ticketStatus);
    if (!status.success) throw new PermanentError(`ticket note ${note.id} has ticket_status ${JSON.stringify(note.ticketStatus)}; expected one of ${TICKET_STATUSES.join(', ')}`);
    const stale = status.data !== null && note.requestId !== null && (await requestFinished(db, note.requestId));
    await desk.post(note.ticketId, { html: note.html, public: note.public, marker: note.marker, status: stale ? undefined : (status.data ?? undefined), keepSolved: true });
  };
}

async function requestFinished(db: Db, requestId: number): Promise<boolean> {
  const [request] = await db.select({ status: requests.status }).from(requests).where(eq(requests.id, requestId));
  return request !== undefined && isFinished(request.status);
}
