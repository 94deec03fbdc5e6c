import { RequestError } from '@octokit/request-error';
import { PermanentError, RateLimited, TransientError } from '../../errors';

/**
 * Typed GitHub failures. Each extends TransientError or PermanentError so the engine knows
 * whether to retry without knowing about GitHub. Messages name what to fix.
 */

export class RepoExists extends PermanentError {
  constructor(readonly fullName: string, detail: string) {
    super(`Repository ${fullName} already exists and is not ours to adopt (${detail}); choose another course number or term, or rename or delete that repository`);
    this.name = 'RepoExists';
  }
}

export class RepoNotFound extends PermanentError {
  constructor(readonly fullName: string) {
    super(`Repository ${fullName} does not exist (or the token cannot see it); check the course number and term`);
    this.name = 'RepoNotFound';
  }
}

export class TeamNotFound extends PermanentError {
  constructor(readonly org: string, readonly team: string) {
    super(`Team "${team}" does not exist in the ${org} organization (or the token cannot see it); create it or fix the team name`);
    this.name = 'TeamNotFound';
  }
}

export class UserNotFound extends PermanentError {
  constructor(readonly logins: readonly string[]) {
    super(`GitHub user${logins.length === 1 ? '' : 's'} ${logins.join(', ')} ${logins.length === 1 ? 'does' : 'do'} not exist; fix the username${logins.length === 1 ? '' : 's'}`);
    this.name = 'UserNotFound';
  }
}

export class FileConflict extends PermanentError {
  constructor(readonly fullName: string, readonly path: string) {
    super(`${fullName} already has ${path} with different content; remove it or leave it as it is and skip this step`);
    this.name = 'FileConflict';
  }
}

/**
 * GitHub would not let the token create a repository or a team in an organization: it names the
 * role the token's user (or the App's installation) needs there, which is what an admin fixes.
 */
export class OrgRoleMissing extends PermanentError {
  constructor(readonly org: string, readonly what: 'repositories' | 'teams', detail: string) {
    super(
      `${detail}. The user of ORC_GH_OAUTH2_TOKEN must be an owner of the ${org} organization, or a member of it while its member privileges let members create ${what} ` +
        `(${org} > Settings > Member privileges); with a GitHub App (ORC_GH_APP_*), its installation on ${org} needs the ${what === 'repositories' ? 'Administration' : 'Members'} permission (read and write). ` +
        `A 404 can also mean ${org} does not exist on ORC_GH_API_URL`,
    );
    this.name = 'OrgRoleMissing';
  }
}

/** Any other refusal (4xx): permanent, with GitHub's own message. */
export class GithubRejected extends PermanentError {
  constructor(readonly status: number, what: string, detail: string) {
    super(`GitHub refused to ${what} (${status}): ${detail}`);
    this.name = 'GithubRejected';
  }
}

export function isStatus(err: unknown, status: number): err is RequestError {
  return err instanceof RequestError && err.status === status;
}

/** GitHub's validation messages, top level and per field, in one string to match on. */
function validationText(err: RequestError): string {
  const data = err.response?.data;
  if (typeof data !== 'object' || data === null) return err.message;
  const parts: string[] = [err.message];
  if ('message' in data && typeof data.message === 'string') parts.push(data.message);
  if ('errors' in data && Array.isArray(data.errors)) {
    for (const e of data.errors) {
      if (typeof e === 'string') parts.push(e);
      else if (typeof e === 'object' && e !== null) {
        if ('message' in e && typeof e.message === 'string') parts.push(e.message);
        if ('code' in e && typeof e.code === 'string') parts.push(e.code);
      }
    }
  }
  return parts.join(' ');
}

/** A 422 whose meaning is "that already exists": the goal of an ensure-operation is met. */
export function isAlreadyExists(err: unknown): boolean {
  return isStatus(err, 422) && /already[ _]exists|must be unique/i.test(validationText(err));
}

function headerOf(err: RequestError, name: string): string | undefined {
  const v = err.response?.headers[name];
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

/** Milliseconds GitHub asked us to wait: Retry-After (seconds) or x-ratelimit-reset (epoch s). */
function retryAfterMs(err: RequestError, now: number): number | undefined {
  const after = Number(headerOf(err, 'retry-after'));
  if (Number.isFinite(after) && after >= 0 && headerOf(err, 'retry-after') !== undefined) return after * 1000;
  const reset = Number(headerOf(err, 'x-ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now);
  return undefined;
}

function isRateLimit(err: RequestError): boolean {
  if (err.status === 429) return true;
  return err.status === 403 && (/rate limit/i.test(validationText(err)) || headerOf(err, 'x-ratelimit-remaining') === '0');
}

/**
 * Maps what Octokit throws (after its own retries) to the service's error classes. Errors
 * that are already typed pass through unchanged.
 */
export function toGithubError(err: unknown, what: string, now = Date.now()): Error {
  if (!(err instanceof RequestError)) return err instanceof Error ? err : new Error(String(err));
  const detail = err.message.split('\n')[0] ?? '';
  if (isRateLimit(err)) {
    return new RateLimited(`GitHub rate limit while trying to ${what}; retry later`, retryAfterMs(err, now), { cause: err });
  }
  // Octokit reports network failures and timeouts as status 500.
  if (err.status >= 500) return new TransientError(`GitHub failed to ${what} (${err.status}): ${detail}`, retryAfterMs(err, now), { cause: err });
  if (err.status === 401) {
    return new PermanentError(`GitHub rejected the credentials while trying to ${what}; check ORC_GH_OAUTH2_TOKEN (or the ORC_GH_APP_* settings) and ORC_GH_API_URL`, { cause: err });
  }
  return new GithubRejected(err.status, what, detail);
}

/**
 * Maps the failure of a call that creates a repository or a team in `org`: a refusal (403, or
 * 404: GitHub may hide what the token cannot use) says which role the token needs there. Rate
 * limits and outages map as any call's.
 */
export function toCreationError(err: unknown, org: string, what: 'repositories' | 'teams', doing: string): Error {
  const mapped = toGithubError(err, doing);
  return mapped instanceof GithubRejected && (mapped.status === 403 || mapped.status === 404) ? new OrgRoleMissing(org, what, mapped.message) : mapped;
}

/** Runs one GitHub call and maps its failure; `what` reads as "GitHub failed to <what>". */
export async function attempt<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toGithubError(err, what);
  }
}
