import { and, desc, eq, inArray, ne } from 'drizzle-orm';
import { events, steps, type RequestRow } from '../db/schema';
import type { Db } from '../db/types';
import { stepsOf } from '../engine/engine';
import type { StepDefinition } from '../engine/types';
import { commentMarker } from '../integrations/zendesk/marker';
import { cancellationNote, cancellationReply } from '../story/messages';
import { undoInstruction } from '../story/undo';
import type { FlowDeps } from './context';

export const CANCELLATION_STEP = 'notify-cancellation';
/** The note on a step that was running when its request was cancelled: its effect is uncertain. */
export const CANCELLED_WHILE_RUNNING = 'Was running when the request was cancelled: it may have taken effect';

/**
 * Cancels every step of a request that has not finished, except the cancellation notice. A
 * running step is cancelled too: its worker's late settle is fenced out (it expects
 * "running" and its lease), so it is never claimed again nor able to move the request.
 * Idempotent; run by the cancel action and again by the notice (a crash may come between).
 */
export async function cancelOpenSteps(db: Db, requestId: number, by: string, now: number): Promise<void> {
  const mine = and(eq(steps.requestId, requestId), ne(steps.key, CANCELLATION_STEP));
  const cancelled = { status: 'cancelled' as const, completedBy: by, finishedAt: now, updatedAt: now, leaseOwner: null, leaseExpiresAt: null };
  await db.update(steps).set({ ...cancelled, note: CANCELLED_WHILE_RUNNING }).where(and(mine, eq(steps.status, 'running')));
  await db.update(steps).set(cancelled).where(and(mine, inArray(steps.status, ['pending', 'waiting', 'failed'])));
}

/**
 * A cancelled request's only step: finish cancelling its steps, then tell the ticket: an
 * internal note listing what was already done and how to undo each, and a public reply with
 * the reason that solves the ticket. A closed ticket takes no comments, so it is told nothing.
 */
export function cancellationFlow(d: Pick<FlowDeps, 'db' | 'clock' | 'desk'>, request: RequestRow): StepDefinition[] {
  return [
    {
      key: CANCELLATION_STEP,
      title: 'Tell the requester the request was cancelled, and the agents what to undo',
      kind: 'auto',
      async run() {
        const reason = request.reason ?? '';
        const [event] = await d.db
          .select({ actor: events.actor, actorName: events.actorName })
          .from(events)
          .where(and(eq(events.requestId, request.id), eq(events.action, 'cancelled')))
          .orderBy(desc(events.id))
          .limit(1);
        const by = event?.actorName ?? event?.actor ?? 'an agent';
        await cancelOpenSteps(d.db, request.id, by, d.clock());
        const taken = (await stepsOf(d.db, request.id))
          .filter((s) => s.status === 'done' || (s.status === 'cancelled' && s.note === CANCELLED_WHILE_RUNNING))
          .map((s) => ({ title: s.title, undo: undoInstruction(s), uncertain: s.status === 'cancelled' }));
        const ticketId = request.ticketId;
        if (ticketId !== null && d.desk && (await d.desk.readTicket(ticketId)).status !== 'closed') {
          await d.desk.post(ticketId, { html: cancellationNote(by, reason, taken), public: false, marker: commentMarker(request.id, 'cancelled.undo') });
          await d.desk.post(ticketId, { html: cancellationReply(reason), public: true, marker: commentMarker(request.id, 'cancelled'), status: 'solved' });
        }
        return { silent: true, summary: `Cancelled: ${reason}`, undo: taken };
      },
    },
  ];
}
