import { and, eq, inArray, isNull, lt, lte, notExists, notInArray, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { requests, steps, webhookDeliveries, type DeliveryRow, type StepRow } from '../db/schema';
import type { Db } from '../db/types';

/** Requests whose steps may run (given their start time has come); a rejection runs its notification steps. */
export const RUNNABLE_REQUEST_STATUSES = ['scheduled', 'in_progress', 'waiting_on_agent', 'failed', 'rejected'] as const;

const stepDue = (now: number) =>
  or(
    and(eq(steps.status, 'pending'), lte(steps.nextRunAt, now)),
    and(eq(steps.status, 'running'), lte(steps.leaseExpiresAt, now)),
  );

const deliveryDue = (now: number) =>
  or(
    and(eq(webhookDeliveries.status, 'pending'), lte(webhookDeliveries.nextRunAt, now)),
    and(eq(webhookDeliveries.status, 'running'), lte(webhookDeliveries.leaseExpiresAt, now)),
  );

/**
 * Claims the most overdue runnable step with one conditional UPDATE ... RETURNING: the step
 * must be due (pending and past its backoff, or running with an expired lease, i.e. its worker
 * died), its request must be running, and every earlier step of the request finished. The
 * WHERE is re-checked on the row being updated, so two claimers never both win, on SQLite or
 * D1, without an interactive transaction.
 */
export async function claimStep(db: Db, now: number, workerId: string, leaseMs: number): Promise<StepRow | undefined> {
  const prev = alias(steps, 'prev');
  const candidate = db
    .select({ id: steps.id })
    .from(steps)
    .innerJoin(requests, eq(requests.id, steps.requestId))
    .where(
      and(
        inArray(requests.status, [...RUNNABLE_REQUEST_STATUSES]),
        or(isNull(requests.startAt), lte(requests.startAt, now)),
        stepDue(now),
        notExists(
          db
            .select({ one: sql`1` })
            .from(prev)
            .where(
              and(
                eq(prev.requestId, steps.requestId),
                lt(prev.position, steps.position),
                notInArray(prev.status, ['done', 'skipped']),
              ),
            ),
        ),
      ),
    )
    .orderBy(steps.nextRunAt, steps.id)
    .limit(1);

  const rows = await db
    .update(steps)
    .set({
      status: 'running',
      leaseOwner: workerId,
      leaseExpiresAt: now + leaseMs,
      attempts: sql`${steps.attempts} + 1`,
      startedAt: sql`coalesce(${steps.startedAt}, ${now})`,
      updatedAt: now,
    })
    .where(and(inArray(steps.id, candidate), stepDue(now)))
    .returning();
  return rows[0];
}

/**
 * Claims the oldest due webhook delivery. Deliveries of one ticket are processed in order,
 * one at a time, so two quick edits of a ticket never race each other through intake.
 */
export async function claimDelivery(db: Db, now: number, workerId: string, leaseMs: number): Promise<DeliveryRow | undefined> {
  const earlier = alias(webhookDeliveries, 'earlier');
  const candidate = db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(
      and(
        deliveryDue(now),
        notExists(
          db
            .select({ one: sql`1` })
            .from(earlier)
            .where(
              and(
                eq(earlier.ticketId, webhookDeliveries.ticketId),
                lt(earlier.id, webhookDeliveries.id),
                inArray(earlier.status, ['pending', 'running']),
              ),
            ),
        ),
      ),
    )
    .orderBy(webhookDeliveries.id)
    .limit(1);

  const rows = await db
    .update(webhookDeliveries)
    .set({
      status: 'running',
      leaseOwner: workerId,
      leaseExpiresAt: now + leaseMs,
      attempts: sql`${webhookDeliveries.attempts} + 1`,
    })
    .where(and(inArray(webhookDeliveries.id, candidate), deliveryDue(now)))
    .returning();
  return rows[0];
}

/** The earliest time something becomes due (a backoff ends, a lease expires, a request's start comes). */
export async function nextDueAt(db: Db): Promise<number | undefined> {
  const rows = await db.all<{ at: number | null }>(sql`
    SELECT min(at) AS at FROM (
      SELECT min(max(s.next_run_at, coalesce(r.start_at, 0))) AS at
        FROM steps s JOIN requests r ON r.id = s.request_id
        WHERE s.status = 'pending' AND r.status IN ('scheduled','in_progress','waiting_on_agent','failed','rejected')
          AND NOT EXISTS (SELECT 1 FROM steps p WHERE p.request_id = s.request_id
                          AND p.position < s.position AND p.status NOT IN ('done','skipped'))
      UNION ALL SELECT min(lease_expires_at) FROM steps WHERE status = 'running'
      UNION ALL SELECT min(next_run_at) FROM webhook_deliveries WHERE status = 'pending'
      UNION ALL SELECT min(lease_expires_at) FROM webhook_deliveries WHERE status = 'running'
    )`);
  const at = rows[0]?.at;
  return typeof at === 'number' ? at : undefined;
}
