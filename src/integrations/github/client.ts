import type { GithubConfig } from '../../config';
import type { Logger } from '../../log';
import { createOctokit, type OctokitDeps } from './octokit';
import { githubOperations } from './operations';
import { createPacer, type Pacer } from './pacer';

export type { GithubClient } from './operations';

export interface GithubClientDeps {
  config: OctokitDeps['config'] & Pick<GithubConfig, 'ORC_GH_NAME' | 'ORC_GH_EMAIL'>;
  log: Logger;
  fetch?: typeof fetch;
  /** Share one pacer between clients that use the same token, so their writes add up. */
  pacer?: Pacer;
  timeScale?: number;
  requestTimeoutMs?: number;
}

/**
 * The GitHub adapter for the service (many requests at once, paced and throttled): every
 * operation the service and the CLI need, each idempotent. Build one per configuration;
 * nothing here is global. The CLI's actions use sequential-client.ts.
 */
export async function createGithubClient(deps: GithubClientDeps) {
  const pacer = deps.pacer ?? createPacer({ timeScale: deps.timeScale });
  return githubOperations(await createOctokit({ ...deps, pacer }), deps);
}
