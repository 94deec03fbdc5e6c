import { z } from 'zod';

/**
 * Course staff pushing to a course's repository, as `git push` lands on GitHub: blobs, one
 * tree on top of the branch's, one commit by the author, the branch moved forward. It goes
 * through the (simulated) GitHub's REST API like any client, so the service sees the result
 * exactly as it would see a real push (publish's quality check reads the branch).
 */

export interface StaffPush {
  /** `owner/name`. */
  repo: string;
  files: Array<{ path: string; content: Buffer }>;
  message: string;
  author: { name: string; email: string };
}

export interface GithubApi {
  /** With a trailing slash, e.g. `http://127.0.0.1:4000/api/v3/`. */
  apiUrl: string;
  token: string;
  fetch?: typeof fetch;
}

const repoJson = z.object({ default_branch: z.string() });
const refJson = z.object({ object: z.object({ sha: z.string() }) });
const commitJson = z.object({ commit: z.object({ tree: z.object({ sha: z.string() }) }) });
const shaJson = z.object({ sha: z.string() });
const errorJson = z.object({ message: z.string() });

export class PushRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PushRefused';
  }
}

/** Pushes the files as one commit on the repository's default branch; returns the branch and commit. */
export async function pushAsCourseStaff(api: GithubApi, push: StaffPush): Promise<{ branch: string; commit: string }> {
  const call = async <T>(schema: z.ZodType<T>, method: string, path: string, body?: unknown): Promise<T> => {
    const res = await (api.fetch ?? fetch)(new URL(`repos/${push.repo}${path}`, api.apiUrl), {
      method,
      headers: { authorization: `token ${api.token}`, accept: 'application/vnd.github+json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json: unknown = await res.json().catch(() => undefined);
    if (!res.ok) throw new PushRefused(`GitHub answered ${res.status} to ${method} ${push.repo}${path}: ${errorJson.safeParse(json).data?.message ?? 'no message'}`);
    return schema.parse(json);
  };
  const { default_branch: branch } = await call(repoJson, 'GET', '');
  const head = (await call(refJson, 'GET', `/git/ref/heads/${encodeURIComponent(branch)}`)).object.sha;
  const baseTree = (await call(commitJson, 'GET', `/commits/${head}`)).commit.tree.sha;
  const tree = [];
  for (const file of push.files) {
    const blob = await call(shaJson, 'POST', '/git/blobs', { content: file.content.toString('base64'), encoding: 'base64' });
    tree.push({ path: file.path, mode: '100644', type: 'blob', sha: blob.sha });
  }
  const newTree = await call(shaJson, 'POST', '/git/trees', { base_tree: baseTree, tree });
  const commit = await call(shaJson, 'POST', '/git/commits', { message: push.message, tree: newTree.sha, parents: [head], author: push.author });
  await call(refJson, 'PATCH', `/git/refs/heads/${encodeURIComponent(branch)}`, { sha: commit.sha });
  return { branch, commit: commit.sha };
}
