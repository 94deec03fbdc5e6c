import { createHmac } from 'node:crypto';
import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import type { EdxEnvironment } from '../../courses/edx';
import { githubSshUrl, githubWebUrl } from '../../courses/naming';
import type { Config } from '../../config';
import type { Logger } from '../../log';
import { describeBody, EdxPermanentError, toEdxError } from './errors';

export interface GitImportInput {
  environment: EdxEnvironment;
  /** `org/name` on GitHub. */
  repo: string;
  /** The branch to import: the hook only reloads the branch its clone has checked out. */
  branch: string;
}

export interface GitImportResult {
  environment: EdxEnvironment;
  /** The hook address without credentials. */
  hook: string;
  status: number;
  /** What the hook answered (edx-sysadmin `message`, gitreload `msg`). */
  message: string;
}

export type GitImportConfig = Pick<Config, 'ORC_STAGING_GITRELOAD' | 'ORC_PRODUCTION_GITRELOAD' | 'ORC_GITRELOAD_SECRET' | 'ORC_GH_API_URL'>;

export interface GitImportDeps {
  http: AxiosInstance;
  config: GitImportConfig;
  clock: () => number;
  log: Logger;
}

const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/**
 * Triggers a git import the way GitHub would: a `push` event for the repo and branch, POSTed
 * to the environment's gitreload hook (mitodl/gitreload, or edx-sysadmin's
 * `/sysadmin/api/gitreload/`), signed with `X-Hub-Signature-256` when ORC_GITRELOAD_SECRET
 * is set. Re-posting only re-imports the same commit, so it is safe to repeat. The hook
 * queues the import and has no status API: the answer is what can be recorded.
 */
export async function triggerGitImport(deps: GitImportDeps, input: GitImportInput): Promise<GitImportResult> {
  const setting = input.environment === 'staging' ? 'ORC_STAGING_GITRELOAD' : 'ORC_PRODUCTION_GITRELOAD';
  const configured = deps.config[setting];
  if (!configured) throw new EdxPermanentError(`git import into ${input.environment}: ${setting} is not set, so there is no hook to call`);
  if (!REPO.test(input.repo)) throw new EdxPermanentError(`git import into ${input.environment}: "${input.repo}" is not a repository of the form org/name`);

  // Basic-auth credentials in the hook URL go in the Authorization header, never in messages.
  const url = new URL(configured);
  const auth = url.username ? { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) } : undefined;
  url.username = '';
  url.password = '';
  const hook = url.toString();

  const [owner, name] = input.repo.split('/') as [string, string];
  const web = githubWebUrl(deps.config.ORC_GH_API_URL);
  const body = JSON.stringify({
    ref: `refs/heads/${input.branch}`,
    repository: {
      name,
      full_name: input.repo,
      html_url: `${web}/${input.repo}`,
      clone_url: `${web}/${input.repo}.git`,
      ssh_url: githubSshUrl(deps.config.ORC_GH_API_URL, input.repo),
      owner: { name: owner, login: owner },
    },
  });
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-GitHub-Event': 'push' };
  if (deps.config.ORC_GITRELOAD_SECRET) {
    headers['X-Hub-Signature-256'] = `sha256=${createHmac('sha256', deps.config.ORC_GITRELOAD_SECRET).update(body).digest('hex')}`;
  }

  const what = `git import ${input.repo}@${input.branch} into ${input.environment} via ${hook}`;
  try {
    // The body is sent as the exact string that was signed.
    const response = await deps.http.post(hook, body, { headers, auth, transformRequest: [(data: unknown) => data] });
    const message = hookMessage(response.data);
    deps.log.info('edx git import triggered', { environment: input.environment, repo: input.repo, branch: input.branch, status: response.status });
    return { environment: input.environment, hook, status: response.status, message };
  } catch (err) {
    throw toEdxError(err, what, deps.clock());
  }
}

/** edx-sysadmin answers `{message}`, mitodl/gitreload `{msg}`; anything else is kept as an excerpt. */
const hookAnswer = z.union([z.object({ message: z.string() }).transform((a) => a.message), z.object({ msg: z.string() }).transform((a) => a.msg)]);

function hookMessage(data: unknown): string {
  const parsed = hookAnswer.safeParse(data);
  return parsed.success ? parsed.data : describeBody(data);
}
