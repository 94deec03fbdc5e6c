import { TransientError } from '../../errors';
import type { GithubContext } from './context';
import { fullName } from './context';
import { courseKeyChanges, isBlobMode, policyJsonPath } from './course-key-rewrite';
import { RepoExists, RepoNotFound, isAlreadyExists, isStatus, toCreationError, toGithubError } from './errors';
import { toRepoInfo, type RepoInfo } from './repos';

export interface CopyRepoInput {
  sourceOwner: string;
  sourceRepo: string;
  owner: string;
  name: string;
  description?: string;
}

export interface RewriteCourseKeyInput {
  owner: string;
  repo: string;
  branch: string;
  fromRun: string;
  toRun: string;
}

export function copyOperations(ctx: GithubContext, readFile: (owner: string, repo: string, path: string, ref?: string) => Promise<string | undefined>) {
  const { octokit, committer } = ctx;

  /**
   * A private copy of the source's default branch as ONE commit, without its history: GitHub's
   * generate-from-template, after marking the source a template (idempotent). If the target
   * exists and was generated from this source it is adopted; anything else is RepoExists.
   */
  async function copyRepoWithoutHistory(input: CopyRepoInput): Promise<RepoInfo> {
    const { sourceOwner, sourceRepo, owner, name } = input;
    const source = fullName(sourceOwner, sourceRepo);
    try {
      await octokit.request('PATCH /repos/{owner}/{repo}', { owner: sourceOwner, repo: sourceRepo, is_template: true });
    } catch (err) {
      if (isStatus(err, 404)) throw new RepoNotFound(source);
      throw toGithubError(err, `mark ${source} as a template`);
    }
    try {
      const { data } = await octokit.request('POST /repos/{template_owner}/{template_repo}/generate', {
        template_owner: sourceOwner,
        template_repo: sourceRepo,
        owner,
        name,
        description: input.description,
        private: true,
      });
      return toRepoInfo(data, true);
    } catch (err) {
      if (!isAlreadyExists(err)) throw toCreationError(err, owner, 'repositories', `copy ${source} to ${fullName(owner, name)}`);
    }
    const { data } = await octokit.request('GET /repos/{owner}/{repo}', { owner, repo: name }).catch((err: unknown) => {
      throw toGithubError(err, `read repository ${fullName(owner, name)}`);
    });
    if (data.template_repository?.full_name.toLowerCase() !== source.toLowerCase()) {
      throw new RepoExists(fullName(owner, name), `it was not copied from ${source}`);
    }
    return toRepoInfo(data, false);
  }

  /**
   * Moves an XML course to a new run in ONE commit on `branch` (see course-key-rewrite.ts).
   * A rerun after success changes nothing; a rerun after a crash before the branch moved
   * simply makes the commit again.
   */
  async function rewriteCourseKey(input: RewriteCourseKeyInput): Promise<{ changed: boolean; commitSha?: string }> {
    const { owner, repo, branch, fromRun, toRun } = input;
    const where = fullName(owner, repo);
    const { data: head } = await octokit.request('GET /repos/{owner}/{repo}/commits/{ref}', { owner, repo, ref: branch }).catch((err: unknown) => {
      // A repository generated a moment ago may still be empty: GitHub copies asynchronously.
      if (isStatus(err, 409) || isStatus(err, 404)) throw new TransientError(`${where} has no commits on ${branch} yet (still being copied?); retry shortly`, 2000);
      throw toGithubError(err, `read branch ${branch} of ${where}`);
    });
    const [tree, courseXml, policyJson] = await Promise.all([
      octokit.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', { owner, repo, tree_sha: head.commit.tree.sha, recursive: 'true' }).catch((err: unknown) => {
        throw toGithubError(err, `read the tree of ${where}`);
      }),
      readFile(owner, repo, 'course.xml', head.sha),
      readFile(owner, repo, policyJsonPath(fromRun), head.sha),
    ]);
    const blobs = tree.data.tree.flatMap((e) => (e.type === 'blob' && e.path && e.sha && e.mode && isBlobMode(e.mode) ? [{ path: e.path, sha: e.sha, mode: e.mode }] : []));
    const changes = courseKeyChanges({ fromRun, toRun, blobs, courseXml: courseXml ?? '', policyJson });
    if (changes.length === 0) return { changed: false };

    const what = `commit the course key change in ${where}`;
    const { data: newTree } = await octokit.request('POST /repos/{owner}/{repo}/git/trees', { owner, repo, base_tree: head.commit.tree.sha, tree: changes }).catch((err: unknown) => {
      throw toGithubError(err, what);
    });
    const { data: commit } = await octokit.request('POST /repos/{owner}/{repo}/git/commits', { owner, repo, message: `Change course run from ${fromRun} to ${toRun} (Orcoursetrion)`, tree: newTree.sha, parents: [head.sha], author: committer, committer })
      .catch((err: unknown) => {
        throw toGithubError(err, what);
      });
    await octokit.request('PATCH /repos/{owner}/{repo}/git/refs/{ref}', { owner, repo, ref: `heads/${branch}`, sha: commit.sha, force: false }).catch((err: unknown) => {
      throw toGithubError(err, what);
    });
    return { changed: true, commitSha: commit.sha };
  }

  return { copyRepoWithoutHistory, rewriteCourseKey };
}
