import { z } from 'zod';
import type { Logger } from '../../log';
import { requireCourseKey } from '../../courses/naming';
import { EdxImportFailed, EdxPermanentError, EdxTransientError } from './errors';
import type { StudioApi } from './studio-api';

export interface CourseArchive {
  /** Must end in .tar.gz (Studio refuses anything else). */
  filename: string;
  data: Uint8Array<ArrayBuffer>;
}

export interface ImportOptions {
  /** Give up (transiently: re-importing is safe) after this long. Default 30 minutes. */
  timeoutMs?: number;
  /** Between status polls. Default 5 s. */
  pollIntervalMs?: number;
  /** Called on every poll, e.g. to extend the engine's lease on the step. */
  heartbeat?: () => Promise<void>;
}

export interface ImportDeps {
  api: StudioApi;
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  log: Logger;
}

export interface ImportResult {
  taskId: string;
  state: 'Succeeded';
}

const uploadAnswer = z.object({ task_id: z.string().min(1) });
const statusAnswer = z.object({ state: z.string() });

const FAILED_STATES = new Set(['Failed', 'Canceled']);
/**
 * A 502 from a proxy during a long import should not throw away the upload and start again,
 * so a few consecutive transient poll failures are absorbed here (the GET is idempotent).
 * Anything beyond that goes to the engine's retry like every other transient error.
 */
const POLL_FAILURES_TOLERATED = 3;

/**
 * Imports a course tarball into an existing run (it overwrites the content, so re-running
 * is safe): multipart upload to `POST /api/courses/v0/import/{key}/`, then polls
 * `GET ...?task_id=&filename=` until the task Succeeded (returns) or Failed (EdxImportFailed).
 */
export async function importCourseTarball(deps: ImportDeps, key: string, archive: CourseArchive, options: ImportOptions = {}): Promise<ImportResult> {
  requireCourseKey(key);
  if (!archive.filename.endsWith('.tar.gz')) {
    throw new EdxPermanentError(`import into ${key}: "${archive.filename}" must be a .tar.gz file`);
  }
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  const pollIntervalMs = options.pollIntervalMs ?? 5_000;
  const path = `/api/courses/v0/import/${key}/`;

  const form = new FormData();
  form.append('course_data', new Blob([archive.data], { type: 'application/gzip' }), archive.filename);
  // Encoded here rather than by axios: its http and fetch adapters disagree on FormData headers.
  const multipart = new Response(form);
  const contentType = multipart.headers.get('content-type') ?? 'multipart/form-data';
  const started = deps.clock();
  const { task_id: taskId } = await deps.api.call(uploadAnswer, {
    method: 'POST',
    path,
    data: await multipart.arrayBuffer(),
    headers: { 'Content-Type': contentType },
    what: `upload ${archive.filename} to ${key}`,
  });
  deps.log.info('edx import started', { courseKey: key, taskId });

  let failures = 0;
  for (;;) {
    await options.heartbeat?.();
    let state: string | undefined;
    try {
      ({ state } = await deps.api.call(statusAnswer, { method: 'GET', path, params: { task_id: taskId, filename: archive.filename }, what: `read import status of ${key}` }));
      failures = 0;
    } catch (err) {
      if (!(err instanceof EdxTransientError) || ++failures > POLL_FAILURES_TOLERATED) throw err;
    }
    if (state === 'Succeeded') {
      deps.log.info('edx import succeeded', { courseKey: key, taskId });
      return { taskId, state };
    }
    if (state && FAILED_STATES.has(state)) throw new EdxImportFailed(key, state);
    if (deps.clock() - started >= timeoutMs) {
      throw new EdxTransientError(`import into ${key}: still "${state ?? 'unknown'}" after ${Math.round(timeoutMs / 1000)} s; it will be re-imported`);
    }
    await deps.sleep(pollIntervalMs);
  }
}
