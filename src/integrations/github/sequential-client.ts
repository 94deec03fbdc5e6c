import type { GithubClientDeps } from './client';
import { githubOperations, type GithubClient } from './operations';
import { createSequentialOctokit, type SequentialOctokitDeps } from './sequential-octokit';

/**
 * The GitHub adapter for a caller that makes one request at a time (the CLI's actions): the
 * same operations as the service's (client.ts) on a client without pacing or throttling, with
 * the same retry policy (retry-policy.ts).
 */
export async function createSequentialGithubClient(deps: Omit<GithubClientDeps, 'pacer'> & Pick<SequentialOctokitDeps, 'sleep' | 'now'>): Promise<GithubClient> {
  return githubOperations(await createSequentialOctokit(deps), deps);
}
