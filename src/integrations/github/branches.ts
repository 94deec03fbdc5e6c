import { PermanentError } from '../../errors';
import type { GithubContext } from './context';
import { fullName } from './context';
import { RepoNotFound, isAlreadyExists, isStatus, toGithubError } from './errors';

export const LIVE_BRANCH = 'live';

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
   * Creates branch `live` at the default branch's head when it is missing; an existing `live`
   * is left where it is (GitHub answers 422 "Reference already exists").
   */
  async function ensureLiveBranch(owner: string, repo: string, defaultBranch: string): Promise<{ created: boolean }> {
    const sha = await headOf(owner, repo, defaultBranch);
    try {
      await octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${LIVE_BRANCH}`, sha });
      return { created: true };
    } catch (err) {
      if (isAlreadyExists(err)) return { created: false };
      throw toGithubError(err, `create branch ${LIVE_BRANCH} in ${fullName(owner, repo)}`);
    }
  }

  return { ensureLiveBranch, headOf };
}
