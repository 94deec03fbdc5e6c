import { and, eq, inArray, sql } from 'drizzle-orm';
import pLimit from 'p-limit';
import type { Config } from '../config';
import { repoName } from '../courses/naming';
import { courses, runs, teamMembers, terms, type CourseKind } from '../db/schema';
import type { Db } from '../db/types';
import { RepoNotFound } from '../integrations/github/errors';
import type { GithubClient } from '../integrations/github/client';

/** A course to rerun: what its rerun request needs beyond the two terms. */
export interface RolloverCourse {
  courseNumber: string;
  kind: CourseKind;
  title?: string;
  instructor?: string;
  /** GitHub usernames of the course team (our records; empty for a course found on GitHub only). */
  members: string[];
}

export type CourseSource = 'database' | 'github' | 'named';

export interface CourseLookupDeps {
  db: Db;
  github: Pick<GithubClient, 'listRepoNames' | 'readFile' | 'getRepo'>;
  config: Pick<Config, 'ORC_COURSE_PREFIX' | 'ORC_XML_ORG' | 'ORC_STUDIO_ORG'>;
  concurrency: number;
}

/** Courses with a run in `term` in our records (runs, courses, team_members tables). */
export async function coursesInTerm(db: Db, term: string, only?: string[]): Promise<RolloverCourse[]> {
  const rows = await db
    .select({ id: courses.id, courseNumber: courses.courseNumber, kind: courses.kind, title: courses.title, instructor: courses.instructor })
    .from(runs)
    .innerJoin(terms, eq(terms.id, runs.termId))
    .innerJoin(courses, eq(courses.id, runs.courseId))
    .where(and(eq(terms.name, term), only ? inArray(sql`lower(${courses.courseNumber})`, only.map((c) => c.toLowerCase())) : undefined))
    .orderBy(courses.courseNumber);
  const members = rows.length ? await db.select().from(teamMembers).where(inArray(teamMembers.courseId, rows.map((r) => r.id))) : [];
  return rows.map((r) => ({
    courseNumber: r.courseNumber,
    kind: r.kind,
    title: r.title,
    instructor: r.instructor ?? undefined,
    members: members.filter((m) => m.courseId === r.id).map((m) => m.username),
  }));
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The course number of a repo found by name: repo names drop the dots (8.01r -> 801r), so the
 * number is read back from course.xml's `course` attribute, which both the XML scaffold and the
 * Studio export write; the name part is the fallback when course.xml says nothing.
 */
async function courseNumberOf(github: CourseLookupDeps['github'], org: string, repo: string, namePart: string): Promise<string> {
  const xml = await github.readFile(org, repo, 'course.xml').catch(() => undefined);
  return /\bcourse="([^"]+)"/.exec(xml ?? '')?.[1] ?? namePart;
}

/** Courses with a repo named `{prefix}-{course}-{term}` in the XML and Studio orgs. */
export async function coursesOnGithub(deps: CourseLookupDeps, term: string): Promise<RolloverCourse[]> {
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
  const list = await pLimit(deps.concurrency).map(found, async (f) => ({ courseNumber: await courseNumberOf(github, f.org, f.repo, f.part), kind: f.kind, members: [] }));
  return list.sort((a, b) => a.courseNumber.localeCompare(b.courseNumber));
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
export async function rolloverCourses(deps: CourseLookupDeps, from: string, named: string[] | 'all'): Promise<{ source: CourseSource; courses: RolloverCourse[] }> {
  if (named === 'all') {
    const known = await coursesInTerm(deps.db, from);
    if (known.length > 0) return { source: 'database', courses: known };
    return { source: 'github', courses: await coursesOnGithub(deps, from) };
  }
  const known = await coursesInTerm(deps.db, from, named);
  const rest = named.filter((n) => !known.some((k) => k.courseNumber.toLowerCase() === n.toLowerCase()));
  const looked = await pLimit(deps.concurrency).map(rest, async (courseNumber) => ({ courseNumber, kind: await kindOnGithub(deps, courseNumber, from), members: [] }));
  return { source: 'named', courses: [...known, ...looked] };
}
