import { and, eq, gte, inArray, isNotNull, ne, notExists, sql } from 'drizzle-orm';
import { events, requests, steps, type RequestRow } from '../db/schema';
import type { Db } from '../db/types';
import { tellAction } from './action-notes';
import { oweScheduledNote } from './actions';
import { deciderActor } from './approval';
import { recordEventOnce, type EventEntry } from './events';

/**
 * An agent's decision or finished step is written to its row first, then to the audit log and
 * the outbox (separate statements; D1 has no transactions), so a crash in between leaves a row
 * whose event is missing, and the retried action gets a 409. The row holds what the event says
 * (who, when, the note or reason), so recovery rebuilds the event from it, marked `recovered`,
 * and owes its note. The events_action_once index keeps the action and a recovery from both
 * recording it. `since` bounds the rows looked at (the Worker's cron window; requests_decided
 * and steps_finished find them). Returns how many events it recorded.
 */
export async function recoverActionEvents(db: Db, timeZone: string, since?: number): Promise<number> {
  const entries = [...(await lostDecisions(db, since)), ...(await lostFinishedSteps(db, since))];
  let recorded = 0;
  for (const { at, entry, request } of entries) {
    // What approveRequest owes before its event, in case the kill came first.
    if (request) await oweScheduledNote(db, timeZone, at, request);
    const event = await recordEventOnce(db, at, entry);
    if (!event) continue;
    await tellAction(db, timeZone, event);
    recorded++;
  }
  return recorded;
}

type Lost = { at: number; entry: EventEntry; request?: RequestRow };

/** Requests approved or rejected with no event of that decision at its time. */
async function lostDecisions(db: Db, since: number | undefined): Promise<Lost[]> {
  const rows = await db
    .select()
    .from(requests)
    .where(
      and(
        since === undefined ? isNotNull(requests.decidedAt) : gte(requests.decidedAt, since),
        isNotNull(requests.decision),
        isNotNull(requests.decidedBy),
        notExists(
          db
            .select({ one: sql`1` })
            .from(events)
            .where(and(eq(events.requestId, requests.id), eq(events.at, requests.decidedAt), eq(events.action, requests.decision))),
        ),
      ),
    );
  return rows.map((r) => ({
    at: r.decidedAt!,
    request: r,
    entry: {
      requestId: r.id,
      ticketId: r.ticketId,
      actor: deciderActor(r.decidedBy!),
      action: r.decision!,
      // What approveRequest/rejectRequest record, as far as the row keeps it (not `via`).
      detail: r.decision === 'approved' ? { recovered: true, startAt: r.startAt } : { recovered: true, reason: r.reason ?? '' },
    },
  }));
}

const STEP_ACTIONS = ['step_completed', 'step_finished_by_hand', 'step_skipped'];

/**
 * Steps an agent marked done or skipped (completedBy names them; the plan's own skips say
 * "system") with no such event for that step at its finishing time.
 */
async function lostFinishedSteps(db: Db, since: number | undefined): Promise<Lost[]> {
  const rows = await db
    .select({ step: steps, ticketId: requests.ticketId })
    .from(steps)
    .innerJoin(requests, eq(requests.id, steps.requestId))
    .where(
      and(
        since === undefined ? isNotNull(steps.finishedAt) : gte(steps.finishedAt, since),
        inArray(steps.status, ['done', 'skipped']),
        isNotNull(steps.completedBy),
        ne(steps.completedBy, 'system'),
        notExists(
          db
            .select({ one: sql`1` })
            .from(events)
            .where(
              and(
                eq(events.requestId, steps.requestId),
                eq(events.at, steps.finishedAt),
                inArray(events.action, STEP_ACTIONS),
                sql`coalesce(json_extract(${events.detail}, '$.step'), '') = ${steps.key}`,
              ),
            ),
        ),
      ),
    );
  return rows.map(({ step, ticketId }) => {
    // The same rule as completeStep: an automatic step marked done was finished by hand.
    const byHand = step.kind === 'auto';
    const action = step.status === 'skipped' ? 'step_skipped' : byHand ? 'step_finished_by_hand' : 'step_completed';
    const by = step.completedBy!;
    return {
      at: step.finishedAt!,
      entry: {
        requestId: step.requestId,
        ticketId,
        actor: { id: by, name: by },
        action,
        detail: { recovered: true, step: step.key, note: step.note ?? undefined, previousError: action === 'step_finished_by_hand' ? step.error : undefined },
      },
    };
  });
}
