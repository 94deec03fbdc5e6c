import { inArray } from 'drizzle-orm';
import pLimit from 'p-limit';
import { byRequest } from '../db/by-request';
import { requests, steps, type RequestStatus } from '../db/schema';
import type { Db } from '../db/types';
import { approveRequest, type RequestDeps } from '../requests/actions';
import { assessDraft, createRequest, findActiveRequest, type CreateDeps } from '../requests/create';
import { validateDraft, type Problem } from '../requests/draft';
import type { Actor } from '../requests/events';
import { decidePlan } from '../workflows/plan';
import type { RolloverCourse } from './courses';

/**
 * A term rollover as one batch: a rerun request per course (validated like any request), approved
 * by the operator who ran it, then run by the engine. Running the same rollover again picks up
 * the requests it made before instead of asking for duplicates, so a batch interrupted half way
 * is finished by running it again.
 */

export interface BatchEntry {
  course: RolloverCourse;
  requestId?: number;
  /** org/name of the new run's repo. */
  repo?: string;
  courseKey?: string;
  problems: Problem[];
  /** Made by an earlier run of this rollover and picked up again. */
  reused: boolean;
}

export function rerunDraft(course: RolloverCourse, from: string, to: string): Record<string, unknown> {
  return {
    type: 'rerun',
    kind: course.kind,
    courseNumber: course.courseNumber,
    courseTitle: course.title,
    term: from,
    newTerm: to,
    instructor: course.instructor,
  };
}

/** The request an earlier run of this rollover made for the course, if any. */
async function earlierRequest(deps: CreateDeps, draft: Record<string, unknown>) {
  const { fields } = validateDraft(draft);
  return fields ? findActiveRequest(deps.db, 'rerun', decidePlan(fields, deps.config).courseKey) : undefined;
}

/**
 * Validates every course's rerun; with `dryRun` nothing is written. `onEntry` sees each entry
 * as soon as it is made (the rollover approves it there, so the engine starts on the first
 * courses while the rest are still being validated).
 */
export async function prepareBatch(
  deps: CreateDeps,
  list: RolloverCourse[],
  options: { from: string; to: string; dryRun: boolean; concurrency: number; actor: Actor; onEntry?: (entry: BatchEntry) => Promise<void> },
): Promise<BatchEntry[]> {
  const prepare = async (course: RolloverCourse): Promise<BatchEntry> => {
    const draft = rerunDraft(course, options.from, options.to);
    if (!options.dryRun) {
      const earlier = await earlierRequest(deps, draft);
      if (earlier) return { course, requestId: earlier.id, repo: earlier.repo ?? undefined, courseKey: earlier.courseKey ?? undefined, problems: [], reused: true };
    }
    const outcome = options.dryRun ? { created: false as const, assessment: await assessDraft(deps, draft) } : await createRequest(deps, draft, options.actor);
    const { plan, problems } = outcome.assessment;
    return { course, requestId: outcome.created ? outcome.request.id : undefined, repo: plan && `${plan.org}/${plan.repo}`, courseKey: plan?.courseKey, problems, reused: false };
  };
  return pLimit(options.concurrency).map(list, async (course) => {
    const entry = await prepare(course);
    await options.onEntry?.(entry);
    return entry;
  });
}

/** Approves the batch's requests that still wait for approval (a picked-up request may be past it). */
export async function approveBatch(deps: RequestDeps, entries: BatchEntry[], actor: Actor): Promise<void> {
  const ids = entries.flatMap((e) => (e.requestId === undefined ? [] : [e.requestId]));
  if (ids.length === 0) return;
  const rows = await deps.db.select({ id: requests.id, status: requests.status }).from(requests).where(inArray(requests.id, ids));
  for (const row of rows) if (row.status === 'pending_approval') await approveRequest(deps, row.id, actor, 'rollover');
}

export interface RequestProgress {
  id: number;
  status: RequestStatus;
  stepsTotal: number;
  /** Done or skipped. */
  stepsFinished: number;
  /** The manual step an agent must do now, and how many manual steps come after it. */
  waiting?: { key: string; title: string; manualAfter: number };
  failed?: { key: string; error: string };
}

/** Where a request stops without an agent: anything but running work. */
export const isSettled = (p: Pick<RequestProgress, 'status'>) => p.status !== 'in_progress';

export async function batchProgress(db: Db, ids: number[]): Promise<RequestProgress[]> {
  if (ids.length === 0) return [];
  const [rows, stepRows] = await Promise.all([
    db.select({ id: requests.id, status: requests.status }).from(requests).where(inArray(requests.id, ids)),
    db.select({ requestId: steps.requestId, key: steps.key, title: steps.title, kind: steps.kind, status: steps.status, error: steps.error, position: steps.position }).from(steps).where(inArray(steps.requestId, ids)),
  ]);
  const stepsOf = byRequest(stepRows);
  return rows.map((r) => {
    const own = (stepsOf.get(r.id) ?? []).sort((a, b) => a.position - b.position);
    const waiting = own.find((s) => s.status === 'waiting');
    const failed = own.find((s) => s.status === 'failed');
    return {
      id: r.id,
      status: r.status,
      stepsTotal: own.length,
      stepsFinished: own.filter((s) => s.status === 'done' || s.status === 'skipped').length,
      waiting: waiting && { key: waiting.key, title: waiting.title, manualAfter: own.filter((s) => s.kind === 'manual' && s.position > waiting.position && s.status === 'pending').length },
      failed: failed && { key: failed.key, error: failed.error ?? 'failed' },
    };
  });
}

/** Statuses nothing moves on from: their progress is read once. */
const FINAL = new Set(['completed', 'rejected', 'cancelled']);

/** Polls the batch until no request has running work; reports each poll. */
export async function waitForBatch(db: Db, ids: number[], options: { pollMs: number; onProgress?: (progress: RequestProgress[]) => void }): Promise<RequestProgress[]> {
  // Finished requests are not read again: a poll's cost shrinks as the batch completes.
  const finished = new Map<number, RequestProgress>();
  for (;;) {
    const fresh = new Map((await batchProgress(db, ids.filter((id) => !finished.has(id)))).map((p) => [p.id, p]));
    for (const p of fresh.values()) if (FINAL.has(p.status)) finished.set(p.id, p);
    const progress = ids.flatMap((id) => finished.get(id) ?? fresh.get(id) ?? []);
    options.onProgress?.(progress);
    if (progress.every(isSettled)) return progress;
    await new Promise((r) => setTimeout(r, options.pollMs));
  }
}
