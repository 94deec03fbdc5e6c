import type { GithubContext } from './context';
import { fullName } from './context';
import { FileConflict, RepoNotFound, isStatus, toGithubError } from './errors';

export interface AddFileInput {
  owner: string;
  repo: string;
  path: string;
  /** UTF-8 text. */
  content: string;
  message: string;
  branch?: string;
}

export interface TreeEntry {
  path: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  mode: string;
  size?: number;
}

/** Base64 of the UTF-8 bytes (the 2015 tool base64-encoded a str and crashed on Python 3). */
export const encodeText = (text: string) => Buffer.from(text, 'utf8').toString('base64');
export const decodeText = (base64: string) => Buffer.from(base64, 'base64').toString('utf8');

export function contentOperations(ctx: GithubContext) {
  const { octokit, committer } = ctx;

  /** A file's text, or undefined when the path (or the whole repository's content) is missing. */
  async function readFile(owner: string, repo: string, path: string, ref?: string): Promise<string | undefined> {
    try {
      const { data } = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', { owner, repo, path, ref });
      if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) return undefined;
      return decodeText(data.content);
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw toGithubError(err, `read ${path} in ${fullName(owner, repo)}`);
    }
  }

  /**
   * Creates a file in one request. If it exists GitHub answers 422 (no sha given): identical
   * content means a previous run did it; different content is someone else's and is left alone.
   */
  async function addFile(input: AddFileInput): Promise<{ created: boolean }> {
    const { owner, repo, path } = input;
    try {
      await octokit.request('PUT /repos/{owner}/{repo}/contents/{path}', {
        owner,
        repo,
        path,
        message: input.message,
        content: encodeText(input.content),
        branch: input.branch,
        committer,
        author: committer,
      });
      return { created: true };
    } catch (err) {
      if (isStatus(err, 404)) throw new RepoNotFound(fullName(owner, repo));
      if (!isStatus(err, 422)) throw toGithubError(err, `add ${path} to ${fullName(owner, repo)}`);
      const existing = await readFile(owner, repo, path, input.branch);
      if (existing === input.content) return { created: false };
      if (existing === undefined) throw toGithubError(err, `add ${path} to ${fullName(owner, repo)}`);
      throw new FileConflict(fullName(owner, repo), path);
    }
  }

  /** Every path of a branch or commit (recursive); empty for a repository without commits. */
  async function readTree(owner: string, repo: string, ref: string): Promise<TreeEntry[]> {
    try {
      const { data } = await octokit.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', { owner, repo, tree_sha: ref, recursive: 'true' });
      return data.tree.flatMap((e) =>
        e.path && e.sha && e.mode && (e.type === 'blob' || e.type === 'tree' || e.type === 'commit')
          ? [{ path: e.path, type: e.type, sha: e.sha, mode: e.mode, size: e.size }]
          : [],
      );
    } catch (err) {
      // 409 "Git Repository is empty."
      if (isStatus(err, 409)) return [];
      if (isStatus(err, 404)) throw new RepoNotFound(`${fullName(owner, repo)}@${ref}`);
      throw toGithubError(err, `read the tree of ${fullName(owner, repo)}`);
    }
  }

  return { addFile, readFile, readTree };
}
