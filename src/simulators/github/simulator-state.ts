import { createHash } from 'node:crypto';

/**
 * The GitHub simulator's world: users, organisations, repositories with a small content-
 * addressed git store (blobs, flat trees, commits, refs), teams and hooks. Pure data and
 * functions; the HTTP face is simulator.ts.
 */

export type Permission = 'pull' | 'triage' | 'push' | 'maintain' | 'admin';
export type Mode = '100644' | '100755' | '120000';

export interface Blob { kind: 'blob'; content: Buffer }
/** Trees are stored flat (path -> blob); directories are derived when listed. */
export interface Tree { kind: 'tree'; entries: Map<string, { mode: Mode; sha: string }> }
export interface Commit {
  kind: 'commit';
  message: string;
  tree: string;
  parents: string[];
  author: { name: string; email: string; date: string };
  committer: { name: string; email: string; date: string };
}
export type GitObject = Blob | Tree | Commit;

export interface Hook { id: number; name: string; active: boolean; events: string[]; config: Record<string, string>; createdAt: string }

export interface Repo {
  id: number;
  owner: string;
  name: string;
  description: string | null;
  private: boolean;
  isTemplate: boolean;
  templateRepository: string | null;
  defaultBranch: string;
  objects: Map<string, GitObject>;
  /** `heads/main` -> commit sha */
  refs: Map<string, string>;
  hooks: Hook[];
}

export interface Team {
  id: number;
  org: string;
  name: string;
  slug: string;
  description: string | null;
  privacy: 'secret' | 'closed';
  permission: Permission;
  /** login (as GitHub spells it) -> role */
  members: Map<string, 'member' | 'maintainer'>;
  /** `owner/repo` lower case -> permission */
  repos: Map<string, Permission>;
}

export interface Org {
  login: string;
  id: number;
  repos: Map<string, Repo>;
  teams: Map<string, Team>;
  /** login (lower case) -> role: admin is an owner. */
  members: Map<string, 'admin' | 'member'>;
  /** Member privileges (organization settings): may members (not only owners) create repositories, and teams. GitHub's default: yes. */
  membersCanCreateRepositories: boolean;
  membersCanCreateTeams: boolean;
}
export interface User { login: string; id: number }

export interface World {
  users: Map<string, User>;
  orgs: Map<string, Org>;
  nextId: number;
  now: () => number;
}

export const key = (name: string) => name.toLowerCase();

export function createWorld(now: () => number): World {
  return { users: new Map(), orgs: new Map(), nextId: 1000, now };
}

export const nextId = (w: World) => ++w.nextId;

/** GitHub-like slug: lower case, each run of other characters a single `-`. */
export function slugOf(name: string): string {
  return name.trim().toLowerCase().replace(/[^a-z0-9_]+/g, '-').replace(/^-+|-+$/g, '');
}

// ---- git store -----------------------------------------------------------------------------

function hash(kind: string, body: Buffer | string): string {
  return createHash('sha1').update(`${kind}\0`).update(body).digest('hex');
}

export function putBlob(repo: Repo, content: Buffer): string {
  const sha = hash('blob', content);
  repo.objects.set(sha, { kind: 'blob', content });
  return sha;
}

export function putTree(repo: Repo, entries: Map<string, { mode: Mode; sha: string }>): string {
  const sorted = [...entries.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const sha = hash('tree', JSON.stringify(sorted));
  repo.objects.set(sha, { kind: 'tree', entries: new Map(sorted) });
  return sha;
}

export function putCommit(repo: Repo, commit: Omit<Commit, 'kind'>): string {
  const sha = hash('commit', JSON.stringify(commit));
  repo.objects.set(sha, { kind: 'commit', ...commit });
  return sha;
}

export function getObject<K extends GitObject['kind']>(repo: Repo, sha: string, kind: K): Extract<GitObject, { kind: K }> | undefined {
  const o = repo.objects.get(sha);
  return o && o.kind === kind ? (o as Extract<GitObject, { kind: K }>) : undefined;
}

/** Resolves a branch name, `heads/x`, commit sha or tree sha to a commit (when it names one). */
export function resolveCommit(repo: Repo, ref: string): { sha: string; commit: Commit } | undefined {
  const sha = repo.refs.get(ref.startsWith('heads/') ? ref : `heads/${ref}`) ?? (ref === 'HEAD' ? repo.refs.get(`heads/${repo.defaultBranch}`) : undefined) ?? ref;
  const commit = getObject(repo, sha, 'commit');
  return commit && { sha, commit };
}

export function resolveTree(repo: Repo, treeish: string): { sha: string; tree: Tree } | undefined {
  const direct = getObject(repo, treeish, 'tree');
  if (direct) return { sha: treeish, tree: direct };
  const c = resolveCommit(repo, treeish);
  const tree = c && getObject(repo, c.commit.tree, 'tree');
  return c && tree ? { sha: c.commit.tree, tree } : undefined;
}

export function isAncestor(repo: Repo, ancestor: string, sha: string): boolean {
  const seen = new Set<string>();
  const stack = [sha];
  while (stack.length > 0) {
    const s = stack.pop()!;
    if (s === ancestor) return true;
    if (seen.has(s)) continue;
    seen.add(s);
    stack.push(...(getObject(repo, s, 'commit')?.parents ?? []));
  }
  return false;
}

/** Commits a set of file changes on a branch (creating it, and the first commit, if needed). */
export function commitFiles(
  world: World,
  repo: Repo,
  branch: string,
  changes: Record<string, string | Buffer | null>,
  message: string,
  who: { name: string; email: string } = { name: 'Simulator', email: 'sim@github.test' },
): string {
  const parent = repo.refs.get(`heads/${branch}`);
  const base = parent ? getObject(repo, getObject(repo, parent, 'commit')!.tree, 'tree')!.entries : new Map<string, { mode: Mode; sha: string }>();
  const entries = new Map(base);
  for (const [path, content] of Object.entries(changes)) {
    if (content === null) entries.delete(path);
    else entries.set(path, { mode: '100644', sha: putBlob(repo, Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8')) });
  }
  const date = new Date(world.now()).toISOString();
  const sha = putCommit(repo, { message, tree: putTree(repo, entries), parents: parent ? [parent] : [], author: { ...who, date }, committer: { ...who, date } });
  repo.refs.set(`heads/${branch}`, sha);
  return sha;
}

/** Copies the objects a commit needs (generate-from-template starts from them). */
export function copyTreeObjects(from: Repo, to: Repo, treeSha: string): void {
  const tree = getObject(from, treeSha, 'tree');
  if (!tree) return;
  to.objects.set(treeSha, tree);
  for (const { sha } of tree.entries.values()) {
    const blob = from.objects.get(sha);
    if (blob) to.objects.set(sha, blob);
  }
}

/** The files of a branch as UTF-8 text, for assertions. */
export function filesOf(repo: Repo, branch = repo.defaultBranch): Record<string, string> {
  const head = repo.refs.get(`heads/${branch}`);
  const tree = head ? resolveTree(repo, head)?.tree : undefined;
  const out: Record<string, string> = {};
  for (const [path, { sha }] of tree?.entries ?? []) out[path] = getObject(repo, sha, 'blob')!.content.toString('utf8');
  return out;
}

/** A branch's commits, newest first, along first parents (what GitHub's commit list shows). */
export function branchHistory(repo: Repo, branch = repo.defaultBranch): { sha: string; commit: Commit }[] {
  const out: { sha: string; commit: Commit }[] = [];
  let sha = repo.refs.get(`heads/${branch}`);
  while (sha) {
    const commit = getObject(repo, sha, 'commit');
    if (!commit) break;
    out.push({ sha, commit });
    sha = commit.parents[0];
  }
  return out;
}

export function historyLength(repo: Repo, branch = repo.defaultBranch): number {
  return branchHistory(repo, branch).length;
}
