import type { GithubContext } from './context';
import { fullName } from './context';
import { RepoExists, RepoNotFound, isAlreadyExists, isStatus, toCreationError, toGithubError } from './errors';

export interface RepoInfo {
  owner: string;
  name: string;
  fullName: string;
  htmlUrl: string;
  defaultBranch: string;
  /** False when an existing repository of ours was adopted. */
  created: boolean;
}

export interface EnsureRepoInput {
  org: string;
  name: string;
  description?: string;
  /**
   * Top-level paths this run would itself create (e.g. `.gitignore`). A repository that already
   * exists and holds nothing else is ours (a previous run crashed after creating it) and is
   * adopted; anything else in it is foreign content and makes ensureRepo fail with RepoExists.
   */
  ownPaths?: readonly string[];
}

type RepoData = { name: string; html_url: string; default_branch?: string; owner: { login: string } };

export const toRepoInfo = (data: RepoData, created: boolean): RepoInfo => ({
  owner: data.owner.login,
  name: data.name,
  fullName: fullName(data.owner.login, data.name),
  htmlUrl: data.html_url,
  defaultBranch: data.default_branch ?? 'main',
  created,
});

export function repoOperations(ctx: GithubContext) {
  const { octokit } = ctx;

  async function getRepo(owner: string, repo: string): Promise<RepoInfo> {
    try {
      const { data } = await octokit.request('GET /repos/{owner}/{repo}', { owner, repo });
      return toRepoInfo(data, false);
    } catch (err) {
      if (isStatus(err, 404)) throw new RepoNotFound(fullName(owner, repo));
      throw toGithubError(err, `read repository ${fullName(owner, repo)}`);
    }
  }

  /** Top-level entry names of the default branch; empty for a repository without commits. */
  async function topLevelPaths(owner: string, repo: string): Promise<string[]> {
    try {
      const { data } = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', { owner, repo, path: '' });
      return Array.isArray(data) ? data.map((e) => e.path) : [data.path];
    } catch (err) {
      // GitHub answers 404 "This repository is empty." for a repository without commits.
      if (isStatus(err, 404)) return [];
      throw toGithubError(err, `list ${fullName(owner, repo)}`);
    }
  }

  /**
   * Creates a private repository, or adopts one of ours. Creating first (rather than looking
   * first, as the 2015 tool did) saves a round trip in the usual case.
   */
  async function ensureRepo(input: EnsureRepoInput): Promise<RepoInfo> {
    const { org, name } = input;
    try {
      const { data } = await octokit.request('POST /orgs/{org}/repos', { org, name, description: input.description, private: true });
      return toRepoInfo(data, true);
    } catch (err) {
      if (!isAlreadyExists(err)) throw toCreationError(err, org, 'repositories', `create repository ${fullName(org, name)}`);
    }
    const [repo, paths] = await Promise.all([getRepo(org, name), topLevelPaths(org, name)]);
    const own = new Set(input.ownPaths ?? []);
    const foreign = paths.filter((p) => !own.has(p));
    if (foreign.length > 0) throw new RepoExists(repo.fullName, `it holds ${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', ...' : ''}`);
    ctx.log.info('github adopted existing repository', { repo: repo.fullName });
    return repo;
  }

  /** Names of an organization's repositories, every page (rollover --all finds last term's repos by name). */
  async function listRepoNames(org: string): Promise<string[]> {
    try {
      const repos = await octokit.paginate('GET /orgs/{org}/repos', { org, per_page: 100 });
      return repos.map((r) => r.name);
    } catch (err) {
      throw toGithubError(err, `list the repositories of ${org}`);
    }
  }

  return { ensureRepo, getRepo, listRepoNames };
}
