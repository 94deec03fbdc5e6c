import { z } from 'zod';
import type { TeamRole } from '../../courses/edx';
import { courseKey, requireCourseKey, sameCourseKey } from '../../courses/naming';
import type { Logger } from '../../log';
import { addCourseTeam } from './course-team';
import { courseRunSchema, type CourseRun } from './schemas';
import { EdxPermanentError } from './errors';
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

/** The run with exactly this key, or undefined (404). */
export async function getCourseRun(api: StudioApi, key: string): Promise<CourseRun | undefined> {
  requireCourseKey(key);
  try {
    return await api.call(courseRunSchema, { method: 'GET', path: runPath(key), what: `read course run ${key}` });
  } catch (err) {
    if (err instanceof EdxPermanentError && err.status === 404) return undefined;
    throw err;
  }
}

const MAX_PAGES = 1000;

/** Every run the service user can see (all of them: it is global staff), following `next`. */
export async function listCourseRuns(api: StudioApi): Promise<CourseRun[]> {
  const runs: CourseRun[] = [];
  let path: string | null | undefined = '/api/v1/course_runs/';
  for (let page = 1; path; page++) {
    if (page > MAX_PAGES) throw new EdxPermanentError(`list course runs: more than ${MAX_PAGES} pages; Studio's pagination does not end`);
    const answer: z.infer<typeof courseRunPageSchema> = await api.call(courseRunPageSchema, { method: 'GET', path, what: `list course runs (page ${page})` });
    runs.push(...answer.results);
    path = answer.next;
  }
  return runs;
}

/**
 * The duplicate check: a run whose key equals `key` ignoring case (edX treats those as the
 * same course). Tries the exact key first, which is one cheap GET, then the full list.
 */
export async function findCourseRun(api: StudioApi, key: string): Promise<CourseRun | undefined> {
  const exact = await getCourseRun(api, key);
  if (exact) return exact;
  return (await listCourseRuns(api)).find((run) => sameCourseKey(run.id, key));
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
    const found = await findCourseRun(api, key);
    if (!found) throw err;
    if (found.id !== key) {
      throw new EdxPermanentError(
        `Studio already has ${found.id}, which differs from ${key} only by letter case; edX treats them as one course. Use that run or choose another course number or term.`,
      );
    }
    return adopt(api, found, team, log);
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
