import { gitreloadReceiver } from '../../github-config';
import type { GithubContext } from './context';
import { fullName } from './context';
import { RepoNotFound, isAlreadyExists, isStatus, toGithubError } from './errors';

export interface HookRef {
  id: number;
  url: string | undefined;
}

export function hookOperations(ctx: GithubContext) {
  const { octokit } = ctx;

  /**
   * Adds an active push web hook for the gitreload hook `url`. A standalone gitreload gets
   * GitHub's defaults, as the 2015 tool added it (form-encoded, unsigned). edx-sysadmin reads
   * the body as JSON and refuses unsigned deliveries (open-edx-plugins
   * src/edx_sysadmin/edx_sysadmin/api/views.py, api/permissions.py), so its hook is JSON and
   * signed with `secret`. One request: GitHub refuses a duplicate with 422 "Hook already
   * exists", which means done.
   */
  async function ensureHook(owner: string, repo: string, url: string, secret?: string): Promise<{ created: boolean }> {
    const config = gitreloadReceiver(url) === 'edx-sysadmin' ? { url, content_type: 'json', ...(secret && { secret }) } : { url, content_type: 'form' };
    try {
      await octokit.request('POST /repos/{owner}/{repo}/hooks', { owner, repo, name: 'web', active: true, events: ['push'], config });
      return { created: true };
    } catch (err) {
      if (isAlreadyExists(err)) return { created: false };
      if (isStatus(err, 404)) throw new RepoNotFound(fullName(owner, repo));
      // Never name the URL: gitreload hooks carry basic-auth credentials.
      throw toGithubError(err, `add a web hook to ${fullName(owner, repo)}`);
    }
  }

  async function listHooks(owner: string, repo: string): Promise<HookRef[]> {
    try {
      const hooks = await octokit.paginate('GET /repos/{owner}/{repo}/hooks', { owner, repo, per_page: 100 });
      return hooks.map((h) => ({ id: h.id, url: h.config.url }));
    } catch (err) {
      if (isStatus(err, 404)) throw new RepoNotFound(fullName(owner, repo));
      throw toGithubError(err, `list web hooks of ${fullName(owner, repo)}`);
    }
  }

  /** Deletes the given hooks in parallel; one already gone counts as deleted. */
  async function deleteHooks(owner: string, repo: string, hooks: readonly HookRef[]): Promise<number> {
    await Promise.all(
      hooks.map((h) =>
        octokit.request('DELETE /repos/{owner}/{repo}/hooks/{hook_id}', { owner, repo, hook_id: h.id }).catch((err: unknown) => {
          if (!isStatus(err, 404)) throw toGithubError(err, `delete a web hook of ${fullName(owner, repo)}`);
        }),
      ),
    );
    return hooks.length;
  }

  async function removeAllHooks(owner: string, repo: string): Promise<number> {
    return deleteHooks(owner, repo, await listHooks(owner, repo));
  }

  return { ensureHook, listHooks, deleteHooks, removeAllHooks };
}
