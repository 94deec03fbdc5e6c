import { and, asc, eq } from 'drizzle-orm';
import { ticketNotes } from '../db/schema';
import type { Db } from '../db/types';

/**
 * The notes of a ticket that the outbox gave up on (a permanent refusal, or every attempt
 * spent): shown in the sidebar and by `orcoursetrion plan`, so an agent sees what the ticket
 * was never told and can retry (`retryNotes`), instead of finding out from the requester.
 */
export interface FailedNote {
  id: number;
  /** The note's first line as text, enough to recognise it. */
  firstLine: string;
  public: boolean;
  error: string | null;
  createdAt: string;
}

export interface FailedNotes {
  count: number;
  /** Why the latest one was refused (Zendesk's answer; for a closed ticket, what to do instead). */
  reason: string;
  /** "N notes could not be posted to the ticket: <reason>", the words the sidebar and the CLI show. */
  headline: string;
  notes: FailedNote[];
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&nbsp;': ' ' };
const FIRST_LINE_MAX = 160;

/** The first non-empty line of a note's HTML, as plain text (block ends and <br> end a line). */
export function firstLineOf(html: string): string {
  const text = html
    .replace(/<br\s*\/?>|<\/(p|li|h\d|div|tr)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (e) => ENTITIES[e] ?? e);
  const line = text.split('\n').map((l) => l.replace(/\s+/g, ' ').trim()).find((l) => l.length > 0) ?? '';
  return line.length > FIRST_LINE_MAX ? `${line.slice(0, FIRST_LINE_MAX - 1)}…` : line;
}

/** Which rows are a ticket's failed notes (shown, retried or dismissed by an agent). */
export const failedNotesOfTicket = (ticketId: number) => and(eq(ticketNotes.ticketId, ticketId), eq(ticketNotes.status, 'failed'));

/** The failed notes of a ticket, oldest first; undefined when there are none (or no ticket). */
export async function failedNotesOf(db: Db, ticketId: number | null): Promise<FailedNotes | undefined> {
  if (ticketId === null) return undefined;
  const rows = await db
    .select()
    .from(ticketNotes)
    .where(failedNotesOfTicket(ticketId))
    .orderBy(asc(ticketNotes.id));
  const last = rows.at(-1);
  if (!last) return undefined;
  const reason = last.error ?? 'no reason was recorded';
  return {
    count: rows.length,
    reason,
    headline: `${rows.length} ${rows.length === 1 ? 'note' : 'notes'} could not be posted to the ticket: ${reason}`,
    notes: rows.map((n) => ({ id: n.id, firstLine: firstLineOf(n.html), public: n.public, error: n.error, createdAt: new Date(n.createdAt).toISOString() })),
  };
}
