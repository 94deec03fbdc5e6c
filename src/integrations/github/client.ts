import type { GithubConfig } from '../../config';
import { archiveOperations } from './archive';
import type { Logger } from '../../log';
import { branchOperations } from './branches';
import { contentOperations } from './contents';
import type { GithubContext } from './context';
import { copyOperations } from './copy';
import { hookOperations } from './hooks';
import { createOctokit, type OctokitDeps } from './octokit';
import { createPacer, type Pacer } from './pacer';
import { repoOperations } from './repos';
import { teamOperations } from './teams';
import { userOperations } from './users';

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
 * The GitHub adapter: every operation the service and the CLI need, each idempotent.
 * Build one per configuration; nothing here is global.
 */
export async function createGithubClient(deps: GithubClientDeps) {
  const pacer = deps.pacer ?? createPacer({ timeScale: deps.timeScale });
  const octokit = await createOctokit({ ...deps, pacer });
  const ctx: GithubContext = { octokit, log: deps.log, committer: { name: deps.config.ORC_GH_NAME, email: deps.config.ORC_GH_EMAIL } };
  const contents = contentOperations(ctx);
  return {
    ...repoOperations(ctx),
    ...teamOperations(ctx),
    ...hookOperations(ctx),
    ...contents,
    ...branchOperations(ctx),
    ...copyOperations(ctx, contents.readFile),
    ...userOperations(ctx),
    ...archiveOperations(ctx),
  };
}

export type GithubClient = Awaited<ReturnType<typeof createGithubClient>>;
