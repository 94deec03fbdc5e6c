import { and, eq, inArray } from 'drizzle-orm';
import { steps, type RequestRow } from '../db/schema';
import type { Db } from '../db/types';
import type { WorkflowResolver } from '../engine/types';

/**
 * Writes a request's plan as step rows. Idempotent: rows that exist are kept as they are, so
 * a repeated approval (or one resumed after a crash) never resets a step.
 */
export async function materialisePlan(db: Db, workflows: WorkflowResolver, request: RequestRow, now: number): Promise<void> {
  const defs = workflows(request);
  if (defs.length === 0) return;
  await db
    .insert(steps)
    .values(
      defs.map((def, position) => ({
        requestId: request.id,
        key: def.key,
        position,
        title: def.title,
        kind: def.kind,
        status: def.skipReason ? ('skipped' as const) : ('pending' as const),
        note: def.skipReason ?? null,
        completedBy: def.skipReason ? 'system' : null,
        nextRunAt: 0,
        updatedAt: now,
      })),
    )
    .onConflictDoNothing({ target: [steps.requestId, steps.key] });
}

/** Removes plan rows that never started and are not in `keep` (a plan replaced before it ran). */
export async function dropUnstartedSteps(db: Db, requestId: number, keep: string[]): Promise<void> {
  const rows = await db.select({ id: steps.id, key: steps.key, status: steps.status, attempts: steps.attempts }).from(steps).where(eq(steps.requestId, requestId));
  const drop = rows.filter((r) => !keep.includes(r.key) && r.status === 'pending' && r.attempts === 0).map((r) => r.id);
  if (drop.length > 0) await db.delete(steps).where(and(eq(steps.requestId, requestId), inArray(steps.id, drop)));
}
