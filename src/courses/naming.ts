import { PermanentError } from '../errors';

/**
 * Names derived from a course number and a term, the same way everywhere (CLI, intake,
 * workflows, instructions). Repo names follow the 2015 tool exactly.
 */

/** One part of an edX course key (opaque-keys ALLOWED_ID_CHARS, ASCII only as Studio requires). */
export const COURSE_KEY_PART = /^[A-Za-z0-9_.~-]+$/;

/** A term as the forms and the CLI take it: YEAR_SEASON, e.g. 2027_Spring. */
export const TERM_PATTERN = /^(\d{4})_(Spring|Summer|Fall|IAP|Winter)$/;

/** A course number as the catalogue writes it, e.g. 8.01r or 6.0001 (the ticket form checks it too). */
export const COURSE_NUMBER_PATTERN = /^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$/;

/** `{prefix}-{course with dots removed}-{term}`, e.g. content-mit-801r-2027_Spring. */
export function repoName(prefix: string, courseNumber: string, term: string): string {
  return `${prefix}-${courseNumber.replace(/\./g, '')}-${term}`;
}

/** The run part of a course key for a term: the term itself, e.g. 2027_Spring. */
export function runOf(term: string): string {
  return term;
}

export class InvalidCourseKeyPart extends Error {
  constructor(readonly part: 'org' | 'number' | 'run', readonly value: string) {
    super(`The course key ${part} "${value}" may only use letters, digits and _ . ~ -`);
    this.name = 'InvalidCourseKeyPart';
  }
}

/** `course-v1:ORG+NUMBER+RUN`, each part validated. */
export function courseKey(org: string, courseNumber: string, term: string): string {
  const run = runOf(term);
  for (const [part, value] of [['org', org], ['number', courseNumber], ['run', run]] as const) {
    if (!COURSE_KEY_PART.test(value)) throw new InvalidCourseKeyPart(part, value);
  }
  return `course-v1:${org}+${courseNumber}+${run}`;
}

/** A value that should be a course key and is not (from a ticket, a request row, a flag). */
export class InvalidCourseKey extends PermanentError {
  constructor(readonly key: string) {
    super(`"${key}" is not a course key of the form course-v1:ORG+NUMBER+RUN`);
    this.name = 'InvalidCourseKey';
  }
}

/**
 * The parts of a course key, or InvalidCourseKey. Checked before a key goes into a URL path
 * (Studio's take it raw), so a value from a ticket can never add path segments or a query.
 */
export function requireCourseKey(key: string): { org: string; number: string; run: string } {
  const parts = parseCourseKey(key);
  if (!parts) throw new InvalidCourseKey(key);
  return parts;
}

/** Parses `course-v1:ORG+NUMBER+RUN`; undefined when it is not one. */
export function parseCourseKey(key: string): { org: string; number: string; run: string } | undefined {
  const m = /^course-v1:([^+]+)\+([^+]+)\+([^+]+)$/.exec(key);
  if (!m || ![m[1], m[2], m[3]].every((p) => COURSE_KEY_PART.test(p!))) return undefined;
  return { org: m[1]!, number: m[2]!, run: m[3]! };
}

/**
 * The web address of GitHub for an API base URL: GHES `https://host/api/v3/` -> `https://host`,
 * api.github.com -> https://github.com.
 */
export function githubWebUrl(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.hostname === 'api.github.com') return 'https://github.com';
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/api\/v3\/?$/, '').replace(/\/+$/, '')}`;
}

/** The SSH clone URL of `org/name` on the GitHub of an API base URL: `git@host:org/name.git`. */
export function githubSshUrl(apiUrl: string, repo: string): string {
  return `git@${new URL(githubWebUrl(apiUrl)).hostname}:${repo}.git`;
}
