import { createHmac } from 'node:crypto';
import { isAxiosError, type AxiosInstance, type AxiosResponse } from 'axios';
import { z } from 'zod';
import type { EdxEnvironment } from '../../courses/edx';
import { githubSshUrl, githubWebUrl } from '../../courses/naming';
import { gitreloadReceiver, type Config } from '../../config';
import type { Logger } from '../../log';
import { describeBody, EdxPermanentError, fromResponse, toEdxError } from './errors';

export interface GitImportInput {
  environment: EdxEnvironment;
  /** `org/name` on GitHub. */
  repo: string;
}

export interface GitImportResult {
  environment: EdxEnvironment;
  /** The hook address without credentials. */
  hook: string;
  /** The branch sent: the one the environment's LMS imports. */
  branch: string;
  status: number;
  /** What the hook answered (edx-sysadmin `message`, gitreload `msg`). */
  message: string;
}

export type GitImportConfig = Pick<
  Config,
  'ORC_STAGING_GITRELOAD' | 'ORC_PRODUCTION_GITRELOAD' | 'ORC_GITRELOAD_SECRET' | 'ORC_GH_API_URL' | 'ORC_STAGING_GITRELOAD_BRANCH' | 'ORC_PRODUCTION_GITRELOAD_BRANCH'
>;

export interface GitImportDeps {
  http: AxiosInstance;
  config: GitImportConfig;
  clock: () => number;
  log: Logger;
}

const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

const settingsOf = (environment: EdxEnvironment) =>
  environment === 'staging'
    ? ({ hook: 'ORC_STAGING_GITRELOAD', branch: 'ORC_STAGING_GITRELOAD_BRANCH' } as const)
    : ({ hook: 'ORC_PRODUCTION_GITRELOAD', branch: 'ORC_PRODUCTION_GITRELOAD_BRANCH' } as const);

/** The branch the environment's LMS imports (ORC_STAGING_GITRELOAD_BRANCH / ORC_PRODUCTION_GITRELOAD_BRANCH). */
export const gitreloadBranch = (config: Pick<GitImportConfig, 'ORC_STAGING_GITRELOAD_BRANCH' | 'ORC_PRODUCTION_GITRELOAD_BRANCH'>, environment: EdxEnvironment) =>
  config[settingsOf(environment).branch];

interface Hook {
  receiver: 'edx-sysadmin' | 'gitreload';
  /** Without credentials: safe to show. */
  url: string;
  auth?: { username: string; password: string };
}

function hookOf(config: GitImportConfig, environment: EdxEnvironment): Hook {
  const setting = settingsOf(environment).hook;
  const configured = config[setting];
  if (!configured) throw new EdxPermanentError(`git import into ${environment}: ${setting} is not set, so there is no hook to call`);
  // Basic-auth credentials in the hook URL go in the Authorization header, never in messages.
  const url = new URL(configured);
  const auth = url.username ? { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) } : undefined;
  url.username = '';
  url.password = '';
  return { receiver: gitreloadReceiver(configured), url: url.toString(), auth };
}

/**
 * POSTs what GitHub would send for a push of `branch`: a `push` event signed with
 * `X-Hub-Signature-256` when ORC_GITRELOAD_SECRET is set. What is signed is exactly what is
 * sent. Answers with the hook's response, whatever its status; no answer at all throws.
 */
async function postPush(deps: GitImportDeps, hook: Hook, repo: string, branch: string): Promise<AxiosResponse> {
  const [owner, name] = repo.split('/') as [string, string];
  const web = githubWebUrl(deps.config.ORC_GH_API_URL);
  const body = JSON.stringify({
    ref: `refs/heads/${branch}`,
    repository: {
      name,
      full_name: repo,
      html_url: `${web}/${repo}`,
      clone_url: `${web}/${repo}.git`,
      ssh_url: githubSshUrl(deps.config.ORC_GH_API_URL, repo),
      owner: { name: owner, login: owner },
    },
  });
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-GitHub-Event': 'push' };
  if (deps.config.ORC_GITRELOAD_SECRET) {
    headers['X-Hub-Signature-256'] = `sha256=${createHmac('sha256', deps.config.ORC_GITRELOAD_SECRET).update(body).digest('hex')}`;
  }
  return deps.http.post(hook.url, body, { headers, auth: hook.auth, transformRequest: [(data: unknown) => data], validateStatus: () => true });
}

/** edx-sysadmin answers `{message}` (refusals `{detail}`), mitodl/gitreload `{msg}` as text/html. */
const hookAnswer = z.union([
  z.object({ message: z.string() }).transform((a) => a.message),
  z.object({ detail: z.string() }).transform((a) => a.detail),
  z.object({ msg: z.string() }).transform((a) => a.msg),
]);

function hookMessage(data: unknown): string {
  let value = data;
  if (typeof data === 'string') {
    try {
      value = JSON.parse(data);
    } catch {
      return describeBody(data);
    }
  }
  const parsed = hookAnswer.safeParse(value);
  return parsed.success ? parsed.data : describeBody(data);
}

// The receivers' own words (open-edx-plugins edx_sysadmin/api/views.py; mitodl/gitreload gitreload/web.py).
const SYSADMIN_EXPECTED_BRANCH = /expected branch was \(([^)]*)\)/;
const GITRELOAD_QUEUED = /^Added course import task to queue/;
const GITRELOAD_OTHER_BRANCH = /^Branch pushed doesn't match local branch/;
const GITRELOAD_NOT_CLONED = /^Repository not valid/;

/**
 * What an answer means: `imported` (queued; neither receiver has a status API), or why nothing
 * was imported, with the fix naming the setting. Undefined for answers to treat as any HTTP
 * failure (5xx and 429 retry).
 */
function classify(hook: Hook, environment: EdxEnvironment, branch: string, status: number, message: string): { imported: true } | { imported: false; reason: string } | undefined {
  const s = settingsOf(environment);
  const said = `"${message}"`;
  if (hook.receiver === 'edx-sysadmin') {
    if (status >= 200 && status < 300) return { imported: true };
    if (status === 403) {
      return /not configured/.test(message)
        ? { imported: false, reason: `edx-sysadmin refused it (403 ${said}): set SYSADMIN_GITHUB_WEBHOOK_KEY on the ${environment} LMS to the value of ORC_GITRELOAD_SECRET` }
        : { imported: false, reason: `edx-sysadmin refused the signature (403 ${said}): set ORC_GITRELOAD_SECRET to the ${environment} LMS's SYSADMIN_GITHUB_WEBHOOK_KEY` };
    }
    if (status === 400) {
      const expected = SYSADMIN_EXPECTED_BRANCH.exec(message)?.[1];
      const fix = expected
        ? `the ${environment} LMS imports only branch ${expected} (its SYSADMIN_DEFAULT_BRANCH): set ${s.branch}=${expected}, or change SYSADMIN_DEFAULT_BRANCH there to ${branch}`
        : `see what it said, and ${s.hook}/${s.branch}`;
      return { imported: false, reason: `edx-sysadmin imported nothing (400 ${said}); ${fix}` };
    }
    return undefined;
  }
  if (status === 401) return { imported: false, reason: `the gitreload hook refused the credentials (401): fix the user:password in ${s.hook}` };
  if (status === 500 && GITRELOAD_NOT_CLONED.test(message)) {
    return { imported: false, reason: `gitreload imported nothing (500 ${said}): the repository is not cloned on the ${environment} gitreload host; add it there once with git_add_course (the manual step's instructions), then retry` };
  }
  if (status >= 200 && status < 300) {
    if (GITRELOAD_QUEUED.test(message)) return { imported: true };
    const fix = GITRELOAD_OTHER_BRANCH.test(message)
      ? `the clone on the ${environment} gitreload host has another branch checked out than ${branch}; check out ${branch} there, or set ${s.branch} to the branch it has`
      : 'see what it said';
    return { imported: false, reason: `gitreload imported nothing (${status} ${said}); ${fix}` };
  }
  return undefined;
}

/**
 * Triggers a git import of the branch the environment's LMS imports: edx-sysadmin's
 * `/sysadmin/api/gitreload/` or a standalone mitodl/gitreload. Re-posting only re-imports the
 * same commit, so it is safe to repeat. An answer that says nothing was imported is a
 * permanent failure with the receiver's reason, never a success.
 */
export async function triggerGitImport(deps: GitImportDeps, input: GitImportInput): Promise<GitImportResult> {
  const { environment, repo } = input;
  const hook = hookOf(deps.config, environment);
  if (!REPO.test(repo)) throw new EdxPermanentError(`git import into ${environment}: "${repo}" is not a repository of the form org/name`);
  const branch = gitreloadBranch(deps.config, environment);
  const what = `git import ${repo}@${branch} into ${environment} via ${hook.url}`;
  let response: AxiosResponse;
  try {
    response = await postPush(deps, hook, repo, branch);
  } catch (err) {
    throw toEdxError(err, what, deps.clock());
  }
  const message = hookMessage(response.data);
  const outcome = classify(hook, environment, branch, response.status, message);
  if (outcome === undefined) throw fromResponse(response, what, deps.clock());
  if (!outcome.imported) throw new EdxPermanentError(`${what}: ${outcome.reason}`, response.status);
  deps.log.info('edx git import triggered', { environment, repo, branch, status: response.status });
  return { environment, hook: hook.url, branch, status: response.status, message };
}

export type HookVerdict = 'ok' | 'wrong-secret' | 'unreachable' | 'other';

export interface HookCheck {
  environment: EdxEnvironment;
  receiver: 'edx-sysadmin' | 'gitreload';
  /** Without credentials. */
  hook: string;
  verdict: HookVerdict;
  /** What was seen, in one line (never a credential). */
  detail: string;
  /** For anything but `ok`: what to change, naming the setting. */
  fix?: string;
}

/** A branch no course repository has: the receivers refuse it before importing anything. */
export const PREFLIGHT_BRANCH = 'orcoursetrion-preflight-no-such-branch';

/**
 * Read-only preflight of a gitreload hook: a signed push of a branch that does not exist.
 * edx-sysadmin's own refusal of the branch (400) proves it is reachable and accepted the
 * signature, and names the branch it imports; 403 means the secrets differ. A standalone
 * gitreload checks no signature: reaching it past its proxy's basic auth is what can be proven.
 */
export async function checkGitreloadHook(deps: GitImportDeps, environment: EdxEnvironment, repo: string): Promise<HookCheck> {
  const s = settingsOf(environment);
  const hook = hookOf(deps.config, environment);
  const base = { environment, receiver: hook.receiver, hook: hook.url };
  let response: AxiosResponse;
  try {
    response = await postPush(deps, hook, repo, PREFLIGHT_BRANCH);
  } catch (err) {
    const reason = isAxiosError(err) ? (err.code ?? err.message) : String(err);
    return { ...base, verdict: 'unreachable', detail: `no answer (${reason})`, fix: `check that ${s.hook} points at a reachable hook` };
  }
  const message = hookMessage(response.data);
  const detail = `${response.status} "${message}"`;
  const configuredBranch = gitreloadBranch(deps.config, environment);
  if (hook.receiver === 'edx-sysadmin') {
    const expected = response.status === 400 ? SYSADMIN_EXPECTED_BRANCH.exec(message)?.[1] : undefined;
    if (expected !== undefined) {
      return expected === configuredBranch
        ? { ...base, verdict: 'ok', detail }
        : { ...base, verdict: 'other', detail, fix: `the ${environment} LMS imports branch ${expected}: set ${s.branch}=${expected} (now ${configuredBranch})` };
    }
    if (response.status === 403) return { ...base, verdict: 'wrong-secret', detail, fix: `set ORC_GITRELOAD_SECRET to the ${environment} LMS's SYSADMIN_GITHUB_WEBHOOK_KEY (both must be set and equal)` };
    return { ...base, verdict: 'other', detail, fix: `${s.hook} did not answer as edx-sysadmin does; check the URL and the LMS's SYSADMIN_DEFAULT_BRANCH` };
  }
  if (response.status === 401) return { ...base, verdict: 'wrong-secret', detail, fix: `fix the user:password in ${s.hook}` };
  if ((response.status === 200 && GITRELOAD_OTHER_BRANCH.test(message)) || (response.status === 500 && GITRELOAD_NOT_CLONED.test(message))) {
    return { ...base, verdict: 'ok', detail };
  }
  return { ...base, verdict: 'other', detail, fix: `${s.hook} did not answer as mitodl/gitreload does; check the URL` };
}
