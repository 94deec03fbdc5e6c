import { and, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import pLimit from 'p-limit';
import type { Config } from '../config';
import { courseKey, repoName } from '../courses/naming';
import { courses, requests, runs, terms, type CourseKind } from '../db/schema';
import type { Db } from '../db/types';
import type { EdxClient } from '../integrations/edx/client';
import { RepoNotFound } from '../integrations/github/errors';
import { isTransient, messageOf } from '../errors';
import type { GithubClient } from '../integrations/github/client';
import { COURSE_NUMBER_PATTERN } from '../requests/draft';

/** A course to rerun: what its rerun request needs beyond the two terms (the team is carried forward at intake). */
export interface RolloverCourse {
  courseNumber: string;
  kind: CourseKind;
  title?: string;
  instructor?: string;
}

/** A repository of the term whose course number could not be established: never rerun on a guess. */
export interface SkippedRepo {
  repo: string;
  reason: string;
}

export type CourseSource = 'database' | 'github' | 'named';

export interface CourseLookupDeps {
  db: Db;
  github: Pick<GithubClient, 'listRepoNames' | 'readFile' | 'getRepo'>;
  edx: Pick<EdxClient, 'findCourseRun'>;
  config: Pick<Config, 'ORC_COURSE_PREFIX' | 'ORC_XML_ORG' | 'ORC_STUDIO_ORG' | 'ORC_EDX_ORG' | 'ORC_EDX_API'>;
  concurrency: number;
}

/** Courses with a run in `term` in our records (runs and courses tables). */
export async function coursesInTerm(db: Db, term: string, only?: string[]): Promise<RolloverCourse[]> {
  const rows = await db
    .select({ courseNumber: courses.courseNumber, kind: courses.kind, title: courses.title, instructor: courses.instructor })
    .from(runs)
    .innerJoin(terms, eq(terms.id, runs.termId))
    .innerJoin(courses, eq(courses.id, runs.courseId))
    .where(and(eq(terms.name, term), only ? inArray(sql`lower(${courses.courseNumber})`, only.map((c) => c.toLowerCase())) : undefined))
    .orderBy(courses.courseNumber);
  return rows.map((r) => ({ courseNumber: r.courseNumber, kind: r.kind, title: r.title, instructor: r.instructor ?? undefined }));
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Repo names drop the dots of a course number (18.01 -> 1801): a number fits a repo when it gives back the name's part. */
const fitsName = (courseNumber: string, namePart: string) => COURSE_NUMBER_PATTERN.test(courseNumber) && courseNumber.replace(/\./g, '').toLowerCase() === namePart.toLowerCase();

/** The course number our records give the repo: a request that made or worked on it, else a recorded run. */
async function recordedNumber(db: Db, fullName: string): Promise<string | undefined> {
  const name = fullName.toLowerCase();
  const [request] = await db
    .select({ courseNumber: requests.courseNumber })
    .from(requests)
    .where(and(sql`lower(${requests.repo}) = ${name}`, isNotNull(requests.courseNumber)))
    .orderBy(desc(requests.id))
    .limit(1);
  if (request?.courseNumber) return request.courseNumber;
  const [run] = await db.select({ courseNumber: courses.courseNumber }).from(runs).innerJoin(courses, eq(courses.id, runs.courseId)).where(sql`lower(${runs.gitRepo}) = ${name}`).limit(1);
  return run?.courseNumber;
}

/**
 * The numbers a repo's name part can stand for when one dot was dropped (1801 -> 1801, 1.801,
 * 18.01, 180.1): at most one per character, each checked by its exact course key.
 */
function dottedCandidates(namePart: string): string[] {
  const list = [namePart, ...[...namePart].slice(1).map((_, i) => `${namePart.slice(0, i + 1)}.${namePart.slice(i + 1)}`)];
  return list.filter((n) => COURSE_NUMBER_PATTERN.test(n));
}

type NumberFound = { courseNumber: string } | { reason: string };

/**
 * The course number of a repo found by name, never guessed from the name: our records first,
 * then course.xml's `course` attribute (which the XML scaffold and Studio's export write), then
 * the edX course runs of the term, read by exact key only (listing runs walks the modulestore
 * per page, see docs/real-systems.md). Otherwise the reason it could not be established.
 */
async function courseNumberOf(deps: CourseLookupDeps, org: string, repo: string, namePart: string, term: string): Promise<NumberFound> {
  const fullName = `${org}/${repo}`;
  const recorded = await recordedNumber(deps.db, fullName);
  if (recorded && fitsName(recorded, namePart)) return { courseNumber: recorded };
  let xml: string | undefined;
  try {
    xml = await deps.github.readFile(org, repo, 'course.xml');
  } catch (err) {
    // An outage stops the rollover (run it again); a refusal for one repo skips that repo only.
    if (isTransient(err)) throw err;
    return { reason: `course number not established: our records do not name it and its course.xml could not be read (${messageOf(err)})` };
  }
  const declared = /\bcourse="([^"]+)"/.exec(xml ?? '')?.[1];
  if (declared && fitsName(declared, namePart)) return { courseNumber: declared };
  const why = xml === undefined ? 'it has no course.xml' : declared ? `its course.xml names course "${declared}", which is not this repository's course` : 'its course.xml names no course';
  if (!deps.config.ORC_EDX_API.includes('course_runs')) {
    return { reason: `course number not established: ${why}, our records do not name it, and the edX course runs API is off (ORC_EDX_API); rerun it with --course NUMBER` };
  }
  const found: string[] = [];
  for (const candidate of dottedCandidates(namePart)) {
    if (await deps.edx.findCourseRun(courseKey(deps.config.ORC_EDX_ORG, candidate, term))) found.push(candidate);
  }
  if (found.length === 1) return { courseNumber: found[0]! };
  const onEdx = found.length === 0 ? `no edX run of ${term} matches its name` : `edX has a run of ${term} for each of ${found.join(', ')}`;
  return { reason: `course number not established: ${why}, our records do not name it, and ${onEdx}; rerun it with --course NUMBER` };
}

/** Courses with a repo named `{prefix}-{course}-{term}` in the XML and Studio orgs, and the repos whose course number is unknown. */
export async function coursesOnGithub(deps: CourseLookupDeps, term: string): Promise<{ courses: RolloverCourse[]; skipped: SkippedRepo[] }> {
  const { config, github } = deps;
  const pattern = new RegExp(`^${escapeRegExp(config.ORC_COURSE_PREFIX)}-(.+)-${escapeRegExp(term)}$`);
  const orgs: [string, CourseKind][] = [
    [config.ORC_XML_ORG, 'xml'],
    [config.ORC_STUDIO_ORG, 'studio'],
  ];
  const found: { org: string; kind: CourseKind; repo: string; part: string }[] = [];
  for (const [org, kind] of orgs) {
    for (const repo of await github.listRepoNames(org)) {
      const m = pattern.exec(repo);
      if (m) found.push({ org, kind, repo, part: m[1]! });
    }
  }
  const numbered = await pLimit(deps.concurrency).map(found, async (f) => ({ ...f, number: await courseNumberOf(deps, f.org, f.repo, f.part, term) }));
  const list: RolloverCourse[] = [];
  const skipped: SkippedRepo[] = [];
  for (const f of numbered) {
    if ('courseNumber' in f.number) list.push({ courseNumber: f.number.courseNumber, kind: f.kind });
    else skipped.push({ repo: `${f.org}/${f.repo}`, reason: f.number.reason });
  }
  return { courses: list.sort((a, b) => a.courseNumber.localeCompare(b.courseNumber)), skipped };
}

/** Which org holds the course's repo for `term` decides its kind; XML when neither does (the check then says so). */
async function kindOnGithub(deps: CourseLookupDeps, courseNumber: string, term: string): Promise<CourseKind> {
  const name = repoName(deps.config.ORC_COURSE_PREFIX, courseNumber, term);
  const exists = (org: string) =>
    deps.github.getRepo(org, name).then(
      () => true,
      (err: unknown) => {
        if (err instanceof RepoNotFound) return false;
        throw err;
      },
    );
  if (await exists(deps.config.ORC_XML_ORG)) return 'xml';
  return (await exists(deps.config.ORC_STUDIO_ORG)) ? 'studio' : 'xml';
}

/**
 * The courses of a rollover and where they came from: every course of `from` in our records,
 * else (an install that predates this service's records) the repos of `from` on GitHub; or the
 * named courses, from our records where we have them and from GitHub otherwise.
 */
export async function rolloverCourses(deps: CourseLookupDeps, from: string, named: string[] | 'all'): Promise<{ source: CourseSource; courses: RolloverCourse[]; skipped: SkippedRepo[] }> {
  if (named === 'all') {
    const known = await coursesInTerm(deps.db, from);
    if (known.length > 0) return { source: 'database', courses: known, skipped: [] };
    return { source: 'github', ...(await coursesOnGithub(deps, from)) };
  }
  const known = await coursesInTerm(deps.db, from, named);
  const rest = named.filter((n) => !known.some((k) => k.courseNumber.toLowerCase() === n.toLowerCase()));
  const looked = await pLimit(deps.concurrency).map(rest, async (courseNumber) => ({ courseNumber, kind: await kindOnGithub(deps, courseNumber, from) }));
  return { source: 'named', courses: [...known, ...looked], skipped: [] };
}
