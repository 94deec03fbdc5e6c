import { and, eq, getTableColumns, inArray } from 'drizzle-orm';
import { steps, type RequestRow } from '../db/schema';
import type { Db } from '../db/types';
import type { StepDefinition, WorkflowResolver } from '../engine/types';

// D1 refuses a statement with more than 100 bound parameters; an insert binds at most one per column and row.
const STEPS_PER_INSERT = Math.floor(100 / Object.keys(getTableColumns(steps)).length);

/**
 * Writes a request's plan as step rows. Idempotent: rows that exist are kept as they are, so
 * a repeated approval (or one resumed after a crash part way through) never resets a step.
 */
export async function materialisePlan(db: Db, workflows: WorkflowResolver, request: RequestRow, now: number): Promise<void> {
  await insertPlan(db, request, workflows(request), 0, now);
}

/**
 * Writes a request's plan ahead of the rows it has (negative positions), so its steps run first
 * whatever state the earlier plan's rows are in: a cancelled request's notice. Idempotent.
 */
export async function materialiseAhead(db: Db, workflows: WorkflowResolver, request: RequestRow, now: number): Promise<void> {
  const defs = workflows(request);
  await insertPlan(db, request, defs, -defs.length, now);
}

/** `defs` as rows from position `first` on, in inserts D1 accepts. */
async function insertPlan(db: Db, request: RequestRow, defs: StepDefinition[], first: number, now: number): Promise<void> {
  for (let start = 0; start < defs.length; start += STEPS_PER_INSERT) {
    await insertSteps(db, request, defs.slice(start, start + STEPS_PER_INSERT), first + start, now);
  }
}

async function insertSteps(db: Db, request: RequestRow, defs: StepDefinition[], first: number, now: number): Promise<void> {
  await db
    .insert(steps)
    .values(
      defs.map((def, i) => ({
        requestId: request.id,
        key: def.key,
        position: first + i,
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
