import { PermanentError } from '../../errors';
import type { GithubContext } from './context';
import { fullName } from './context';
import { RepoNotFound, isAlreadyExists, isStatus, toGithubError } from './errors';

export function branchOperations(ctx: GithubContext) {
  const { octokit } = ctx;

  async function headOf(owner: string, repo: string, branch: string): Promise<string> {
    try {
      const { data } = await octokit.rest.git.getRef({ owner, repo, ref: `heads/${branch}` });
      return data.object.sha;
    } catch (err) {
      if (isStatus(err, 409)) throw new PermanentError(`${fullName(owner, repo)} has no commits yet; push the course before releasing it`);
      if (isStatus(err, 404)) throw new RepoNotFound(`${fullName(owner, repo)} (branch ${branch})`);
      throw toGithubError(err, `read branch ${branch} of ${fullName(owner, repo)}`);
    }
  }

  /**
   * Creates `branch` at the head of `from` when it is missing; an existing one is left where
   * it is (GitHub answers 422 "Reference already exists").
   */
  async function ensureBranch(owner: string, repo: string, branch: string, from: string): Promise<{ created: boolean }> {
    const sha = await headOf(owner, repo, from);
    try {
      await octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha });
      return { created: true };
    } catch (err) {
      if (isAlreadyExists(err)) return { created: false };
      throw toGithubError(err, `create branch ${branch} in ${fullName(owner, repo)}`);
    }
  }

  async function branchExists(owner: string, repo: string, branch: string): Promise<boolean> {
    try {
      await headOf(owner, repo, branch);
      return true;
    } catch (err) {
      if (err instanceof RepoNotFound) return false;
      throw err;
    }
  }

  /**
   * Makes `branch` the default branch: the default one is renamed to it (GitHub moves the
   * default with it), or, when `branch` already exists, the default is switched to it.
   */
  async function ensureDefaultBranch(owner: string, repo: string, current: string, branch: string): Promise<{ changed: boolean }> {
    if (current === branch) return { changed: false };
    try {
      if (await branchExists(owner, repo, branch)) await octokit.rest.repos.update({ owner, repo, default_branch: branch });
      else await octokit.rest.repos.renameBranch({ owner, repo, branch: current, new_name: branch });
      return { changed: true };
    } catch (err) {
      if (isStatus(err, 404)) throw new RepoNotFound(`${fullName(owner, repo)} (branch ${current})`);
      throw toGithubError(err, `make ${branch} the default branch of ${fullName(owner, repo)}`);
    }
  }

  return { ensureBranch, ensureDefaultBranch, branchExists, headOf };
}
