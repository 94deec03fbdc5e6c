import { z } from 'zod';
import type { TeamRole } from '../../courses/edx';
import { courseKey, requireCourseKey } from '../../courses/naming';
import type { Logger } from '../../log';
import { addCourseTeam } from './course-team';
import { courseRunSchema, type CourseRun } from './schemas';
import { EdxPermanentError, EdxTransientError } from './errors';
import type { StudioApi } from './studio-api';

const courseRunPageSchema = z.object({ results: z.array(courseRunSchema), next: z.string().nullish() });

export interface Schedule {
  /** ISO datetimes; edX requires both start and end when a schedule is sent. */
  start: string;
  end: string;
  enrollment_start?: string;
  enrollment_end?: string;
}

export interface NewCourseRun {
  org: string;
  number: string;
  run: string;
  title: string;
  schedule?: Schedule;
  pacingType?: 'instructor_paced' | 'self_paced';
  team?: { user: string; role: TeamRole }[];
}

export interface CourseRerun {
  sourceKey: string;
  run: string;
  /** Defaults to the source's number (edX keeps the source org always). */
  number?: string;
  /** Defaults to the source's title. */
  title?: string;
  schedule?: Schedule;
  team?: { user: string; role: TeamRole }[];
}

export interface CourseRunResult {
  run: CourseRun;
  /** `adopted`: the run already existed (an earlier attempt, or it was made by hand). */
  outcome: 'created' | 'adopted';
}

const runPath = (key: string) => `/api/v1/course_runs/${key}/`;

/**
 * The run with exactly this key, or undefined (404): also the duplicate check. A run differing
 * only by letter case is not found (that would mean listing every run); Studio itself refuses
 * to create one (modulestore has_course with ignore_case), and createCourseRun says so.
 */
export async function getCourseRun(api: StudioApi, key: string): Promise<CourseRun | undefined> {
  requireCourseKey(key);
  try {
    return await api.call(courseRunSchema, { method: 'GET', path: runPath(key), what: `read course run ${key}` });
  } catch (err) {
    if (err instanceof EdxPermanentError && err.status === 404) return undefined;
    throw err;
  }
}

/**
 * One page of runs, at most `pageSize` (Studio caps it at 100). Never every run: Studio pages
 * by 10 by default and each page walks the whole modulestore (edx-platform
 * cms/djangoapps/api/v1/views/course_runs.py list), so a full listing costs a page's walk per
 * 10 runs. A preflight reads one run (page_size=1) to prove the service user is global staff.
 */
export async function listCourseRuns(api: StudioApi, pageSize = 1): Promise<CourseRun[]> {
  const answer = await api.call(courseRunPageSchema, { method: 'GET', path: `/api/v1/course_runs/?page_size=${Math.min(Math.max(1, Math.trunc(pageSize)), 100)}`, what: 'list course runs (one page)' });
  return answer.results;
}

/**
 * Create-or-adopt. A run with exactly this key is adopted. When the create fails in a way
 * that may hide a duplicate (400 "already exists", a 500 HTML page from DuplicateCourseError,
 * a timeout after Studio committed), the run is re-read before giving up.
 */
async function createOrAdopt(
  api: StudioApi,
  key: string,
  create: () => Promise<CourseRun>,
  team: NewCourseRun['team'],
  log: Logger,
): Promise<CourseRunResult> {
  const existing = await getCourseRun(api, key);
  if (existing) return adopt(api, existing, team, log);
  try {
    const run = await create();
    log.info('edx course run created', { courseKey: run.id });
    return { run, outcome: 'created' };
  } catch (err) {
    // The create may have committed before the answer was lost: re-read the exact key.
    const found = await getCourseRun(api, key);
    if (found) return adopt(api, found, team, log);
    // DuplicateCourseError (a 500 page) or "already exists" with no run at this exact key: a
    // run differing by letter case is the likely cause. Said, not searched: that needs a listing.
    const hint = `(Studio refuses a run whose key equals an existing one ignoring letter case; look for a run like ${key} in Studio, and use it or choose another course number or term)`;
    if (err instanceof EdxTransientError && err.status === 500) throw new EdxTransientError(`${err.message} ${hint}`, err.status, err.retryAfterMs);
    if (err instanceof EdxPermanentError && /already exists/.test(err.message)) throw new EdxPermanentError(`${err.message} ${hint}`, err.status);
    throw err;
  }
}

async function adopt(api: StudioApi, run: CourseRun, team: NewCourseRun['team'], log: Logger): Promise<CourseRunResult> {
  log.info('edx course run adopted', { courseKey: run.id });
  // An adopted run may predate the team (made by hand, or a crash after create): converge.
  if (team?.length) await addCourseTeam(api, run.id, team);
  return { run: (team?.length ? await getCourseRun(api, run.id) : run) ?? run, outcome: 'adopted' };
}

/** `POST /api/v1/course_runs/` (create or adopt). */
export function createCourseRun(api: StudioApi, input: NewCourseRun, log: Logger): Promise<CourseRunResult> {
  const key = courseKey(input.org, input.number, input.run);
  return createOrAdopt(
    api,
    key,
    () =>
      api.call(courseRunSchema, {
        method: 'POST',
        path: '/api/v1/course_runs/',
        data: {
          org: input.org,
          number: input.number,
          run: input.run,
          title: input.title,
          ...(input.schedule && { schedule: input.schedule }),
          ...(input.pacingType && { pacing_type: input.pacingType }),
          ...(input.team?.length && { team: input.team }),
        },
        what: `create course run ${key}`,
      }),
    input.team,
    log,
  );
}

/** `POST /api/v1/course_runs/{source}/rerun/`: a split rerun (create or adopt the new run). */
export function rerunCourseRun(api: StudioApi, input: CourseRerun, log: Logger): Promise<CourseRunResult> {
  const source = requireCourseKey(input.sourceKey);
  const key = courseKey(source.org, input.number ?? source.number, input.run);
  return createOrAdopt(
    api,
    key,
    () =>
      api.call(courseRunSchema, {
        method: 'POST',
        path: `${runPath(input.sourceKey)}rerun/`,
        data: {
          run: input.run,
          ...(input.number && { number: input.number }),
          ...(input.title && { title: input.title }),
          ...(input.schedule && { schedule: input.schedule }),
          ...(input.team?.length && { team: input.team }),
        },
        what: `rerun ${input.sourceKey} as ${key}`,
      }),
    input.team,
    log,
  );
}
