import type { Actor } from '../requests/events';
import { approveBatch, prepareBatch, waitForBatch, type BatchEntry, type RequestProgress } from './batch';
import { rolloverCourses, type CourseSource, type SkippedRepo } from './courses';
import type { Store } from './runtime';

export interface RolloverRun {
  from: string;
  to: string;
  courses: string[] | 'all';
  dryRun: boolean;
  concurrency: number;
  actor: Actor;
  pollMs: number;
  /** Told once the courses are known, before any request is made. */
  onCourses?(source: CourseSource, count: number): void;
  onProgress?(progress: RequestProgress[]): void;
  /**
   * Agents at work while the batch runs (a bench, a test, a demo): called when every request
   * has stopped, some on a manual step; when it returns true the batch waits again.
   */
  onWaiting?(progress: RequestProgress[]): Promise<boolean>;
}

export interface RolloverResult {
  source: CourseSource;
  /** Repos of the term left out because their course number could not be established. */
  skipped: SkippedRepo[];
  entries: BatchEntry[];
  /** Where each request stands at the end (empty for a dry run). */
  progress: RequestProgress[];
}

/** A rollover from the course list to the point where no request has automatic work left. */
export async function runRollover(store: Store, run: RolloverRun): Promise<RolloverResult> {
  const found = await rolloverCourses({ db: store.handle.db, github: store.services.flow.github, edx: store.services.flow.edx, config: store.services.flow.config, concurrency: run.concurrency }, run.from, run.courses);
  run.onCourses?.(found.source, found.courses.length);
  // Running the rollover is the operator's approval: each request is approved as soon as it is made.
  const onEntry = run.dryRun ? undefined : (entry: BatchEntry) => approveBatch(store.requestDeps, [entry], run.actor);
  const entries = await prepareBatch(store.createDeps, found.courses, { from: run.from, to: run.to, dryRun: run.dryRun, concurrency: run.concurrency, actor: run.actor, onEntry });
  if (run.dryRun) return { source: found.source, skipped: found.skipped, entries, progress: [] };
  const ids = entries.flatMap((e) => (e.requestId === undefined ? [] : [e.requestId]));
  for (;;) {
    const progress = await waitForBatch(store.handle.db, ids, { pollMs: run.pollMs, onProgress: run.onProgress });
    const waiting = progress.some((p) => p.status === 'waiting_on_agent');
    if (!waiting || !run.onWaiting || !(await run.onWaiting(progress))) return { source: found.source, skipped: found.skipped, entries, progress };
  }
}
