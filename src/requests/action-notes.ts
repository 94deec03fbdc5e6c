import { and, eq, gt, gte, inArray, isNotNull, notExists, sql } from 'drizzle-orm';
import { z } from 'zod';
import { events, steps, ticketNotes, type EventRow } from '../db/schema';
import type { Db } from '../db/types';
import { commentMarker } from '../integrations/zendesk/marker';
import { actionNote, ruleApprovedNote, type ActionTold } from '../story/messages';
import { oweComment } from '../story/outbox';

/**
 * Every agent action on a request is told on its ticket: one internal note per action event
 * (who, what, the note or reason), owed through the outbox so the action's answer never waits
 * on Zendesk. A cancellation is told by its own notice step (with what to undo), not here.
 */
export const TOLD_ACTIONS = ['approved', 'rejected', 'step_completed', 'step_finished_by_hand', 'step_skipped', 'step_retried', 'rescheduled', 'started_now', 'notes_retried'] as const;
type ToldAction = (typeof TOLD_ACTIONS)[number];
const isTold = (action: string): action is ToldAction => (TOLD_ACTIONS as readonly string[]).includes(action);

/** The parts of an action event's detail a note tells (written by `actions.ts`; read back defensively). */
const detailSchema = z.object({
  step: z.string().optional(),
  note: z.string().optional(),
  reason: z.string().optional(),
  previousError: z.string().nullish(),
  startAt: z.union([z.number(), z.string()]).nullish(),
  notes: z.number().optional(),
});

const instant = (value: number | string | null | undefined): number | undefined => {
  const ms = typeof value === 'string' ? Date.parse(value) : value;
  return typeof ms === 'number' && Number.isFinite(ms) ? ms : undefined;
};

async function toldOf(db: Db, event: EventRow & { action: ToldAction; requestId: number }): Promise<ActionTold> {
  const d = detailSchema.safeParse(event.detail ?? {}).data ?? {};
  const stepTitle = async () => {
    if (!d.step) return 'a step';
    const [row] = await db.select({ title: steps.title }).from(steps).where(and(eq(steps.requestId, event.requestId), eq(steps.key, d.step)));
    return row?.title ?? d.step;
  };
  const previousError = d.previousError ?? undefined;
  switch (event.action) {
    case 'approved':
      return { action: 'approved', startAt: instant(d.startAt) };
    case 'rejected':
      return { action: 'rejected', reason: d.reason ?? '' };
    case 'step_completed':
    case 'step_finished_by_hand':
    case 'step_skipped':
      return { action: event.action, step: await stepTitle(), note: d.note, previousError };
    case 'step_retried':
      return { action: 'step_retried', step: await stepTitle(), previousError };
    case 'rescheduled':
      return { action: 'rescheduled', startAt: instant(d.startAt) ?? event.at };
    case 'started_now':
      return { action: 'started_now' };
    case 'notes_retried':
      return { action: 'notes_retried', notes: d.notes ?? 0, previousError };
  }
}

/** Owes the ticket the note of one action event (nothing for an event that is not an action told, or has no ticket). */
export async function tellAction(db: Db, timeZone: string, event: EventRow): Promise<void> {
  const { ticketId, requestId } = event;
  if (ticketId === null || requestId === null || !isTold(event.action)) return;
  const by = event.actorName ?? event.actor;
  const rule = event.actor.startsWith('rule:') ? event.actor.slice('rule:'.length) : undefined;
  const html = event.action === 'approved' && rule !== undefined ? ruleApprovedNote(rule) : actionNote(by, await toldOf(db, { ...event, action: event.action, requestId }), timeZone);
  await oweComment(db, event.at, { ticketId, requestId, eventId: event.id, marker: commentMarker(requestId, `action.${event.id}`), html, public: false });
}

/**
 * Owes the notes a crash kept from being written: an action's event is recorded, then its note
 * (two writes; D1 has no transactions). Only events after the first note ever owed are looked
 * at, so a database from before the outbox does not tell its old actions again. `since` bounds
 * the walk to the events recorded from then on (the Worker's cron, every minute, looks at a
 * window instead of the whole history; events_at finds where it starts). Returns how many.
 */
export async function resumeActionNotes(db: Db, timeZone: string, since?: number): Promise<number> {
  const firstOwed = sql`(select min(${ticketNotes.eventId}) from ${ticketNotes})`;
  const untold = await db
    .select()
    .from(events)
    .where(
      and(
        inArray(events.action, [...TOLD_ACTIONS]),
        isNotNull(events.ticketId),
        // One lower bound on the id, so SQLite walks the primary key from it: ids follow time
        // (events are appended), so the window is the ids from its first event on (found by events_at).
        since === undefined ? gt(events.id, firstOwed) : gte(events.id, sql`max(${firstOwed} + 1, (select min(${events.id}) from ${events} where ${events.at} >= ${since}))`),
        notExists(db.select({ one: sql`1` }).from(ticketNotes).where(eq(ticketNotes.eventId, events.id))),
      ),
    );
  for (const event of untold) await tellAction(db, timeZone, event);
  return untold.length;
}
