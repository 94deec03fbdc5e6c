import { and, eq, isNotNull } from 'drizzle-orm';
import { requests, steps, type RequestRow, type StepRow } from '../db/schema';
import type { Db } from '../db/types';
import type { Clock, EngineHooks } from '../engine/types';
import { commentMarker } from '../integrations/zendesk/marker';
import type { TicketDesk } from './desk';
import { stepDoneNote, stepFailedNote, stepWaitingNote } from './messages';
import { notePoster, oweComment } from './outbox';

/**
 * The ticket story told by the engine: an internal note per finished automatic step, the
 * instructions when a manual step starts waiting, the error when a step fails. Markers make
 * a resumed step post nothing twice (a failure's marker carries the attempt, so a failure
 * after a Retry is told again). Done and waiting notes are posted inside the step, which is
 * retried until they are; a failed step is not retried, so its note is owed through the outbox.
 */
export function storyHooks(desk: TicketDesk | undefined, outbox: { db: Db; clock: Clock }): Pick<EngineHooks, 'stepDone' | 'stepWaiting' | 'stepFailed' | 'postNote'> {
  if (!desk) return {};
  return {
    async stepDone(ctx, result) {
      const ticketId = ctx.request.ticketId;
      if (ticketId === null || result.silent === true) return;
      await desk.post(ticketId, { html: stepDoneNote(ctx.step.title, result), public: false, marker: commentMarker(ctx.request.id, `done.${ctx.step.key}`), status: 'open' });
    },
    async stepWaiting(ctx, instructions) {
      const ticketId = ctx.request.ticketId;
      if (ticketId === null) return;
      await desk.post(ticketId, { html: stepWaitingNote(ctx.step.title, instructions), public: false, marker: commentMarker(ctx.request.id, `wait.${ctx.step.key}`), status: 'open' });
    },
    stepFailed: (ctx, error) => oweFailureNote(outbox.db, outbox.clock(), ctx.request, { ...ctx.step, error }),
    postNote: notePoster(desk, outbox.db),
  };
}

/** Owes the ticket the note of a step's failure (once per failed attempt). */
async function oweFailureNote(db: Db, now: number, request: Pick<RequestRow, 'id' | 'ticketId'>, step: Pick<StepRow, 'key' | 'title' | 'startedAt' | 'attempts' | 'error'>): Promise<void> {
  if (request.ticketId === null) return;
  const marker = commentMarker(request.id, `fail.${step.key}.${step.startedAt ?? 0}.${step.attempts}`);
  await oweComment(db, now, { ticketId: request.ticketId, requestId: request.id, html: stepFailedNote(step.title, step.error ?? 'unknown error'), public: false, marker, status: 'open' });
}

/**
 * Owes the failure note of every failed step that has none: a crash between the step's failure
 * and the note being written. The marker makes a note already owed (or posted) a no-op.
 */
export async function resumeFailureNotes(db: Db, clock: Clock): Promise<void> {
  const failed = await db
    .select({ step: steps, requestId: requests.id, ticketId: requests.ticketId })
    .from(steps)
    .innerJoin(requests, eq(requests.id, steps.requestId))
    .where(and(eq(steps.status, 'failed'), isNotNull(requests.ticketId)));
  for (const { step, requestId, ticketId } of failed) await oweFailureNote(db, clock(), { id: requestId, ticketId }, step);
}
