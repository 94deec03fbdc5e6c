import type { Logger } from '../../log';
import type { Octokit } from './octokit-base';

/** What every GitHub operation needs; built once per client. */
export interface GithubContext {
  octokit: Octokit;
  log: Logger;
  /** Author and committer of every commit we make (ORC_GH_NAME, ORC_GH_EMAIL). */
  committer: { name: string; email: string };
}

export const fullName = (owner: string, repo: string) => `${owner}/${repo}`;
