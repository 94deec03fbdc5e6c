import { termDates } from '../courses/terms';
import type { RequestRow } from '../db/schema';
import { conflict } from '../errors';
import type { GithubClient } from '../integrations/github/client';
import { RepoNotFound } from '../integrations/github/errors';
import type { RepoInfo } from '../integrations/github/repos';
import { checkCourse, hasBlocking } from '../olx/check';
import { filesFromMap, type OlxProblem } from '../olx/problem';
import type { Problem } from './draft';

/**
 * The publish flow's course quality check (move_course.png: "course test, course image, about
 * page"), grown into the whole OLX check of src/olx: the branch is read as one archive, then
 * checked in memory. Each finding is a problem the course team can fix, never an exception.
 */

/** The files the checker reads as text; static/ is only looked up by path. */
const isCourseText = (path: string) => !path.startsWith('static/') && /\.(xml|json|html?)$/i.test(path);

export interface CourseRef {
  owner: string;
  name: string;
  branch: string;
  /** The request's term (YEAR_SEASON): dates are checked against it when it is one. */
  term?: string;
}

export async function checkCourseRepo(github: Pick<GithubClient, 'readRepoFiles'>, ref: CourseRef): Promise<OlxProblem[]> {
  const files = await github.readRepoFiles(ref.owner, ref.name, ref.branch, isCourseText);
  const dates = ref.term ? termDates(ref.term) : undefined;
  return checkCourse(filesFromMap(files), { term: dates && ref.term ? { name: ref.term, ...dates } : undefined });
}

/** A finding as a request problem: blocking ones stop the request, warnings are only told. */
export const requestProblemOf = (p: OlxProblem): Problem => ({
  field: 'repo',
  message: `${p.message}; ${p.fix}`,
  file: p.file,
  ...(p.line === undefined ? {} : { line: p.line }),
  ...(p.severity === 'warning' ? { warning: true } : {}),
});

export async function courseQualityProblems(github: Pick<GithubClient, 'readRepoFiles'>, ref: CourseRef): Promise<Problem[]> {
  return (await checkCourseRepo(github, ref)).map(requestProblemOf);
}

export interface CourseCheck {
  repo: string;
  branch: string;
  blocking: boolean;
  problems: OlxProblem[];
}

/**
 * The check on demand for a request (the sidebar's button): its repository's default branch,
 * against the term the course runs in (a rerun's new term).
 */
export async function checkRequestCourse(github: Pick<GithubClient, 'getRepo' | 'readRepoFiles'>, request: Pick<RequestRow, 'id' | 'type' | 'repo' | 'term' | 'newTerm'>): Promise<CourseCheck> {
  const [owner, name] = request.repo?.split('/') ?? [];
  if (!owner || !name) throw conflict(`request ${request.id} has no repository to check yet: fix its fields first`);
  let repo: RepoInfo;
  try {
    repo = await github.getRepo(owner, name);
  } catch (err) {
    if (err instanceof RepoNotFound) throw conflict(`${request.repo} does not exist yet: nothing to check`);
    throw err;
  }
  const term = (request.type === 'rerun' ? request.newTerm : request.term) ?? undefined;
  const problems = await checkCourseRepo(github, { owner: repo.owner, name: repo.name, branch: repo.defaultBranch, term });
  return { repo: repo.fullName, branch: repo.defaultBranch, blocking: hasBlocking(problems), problems };
}
