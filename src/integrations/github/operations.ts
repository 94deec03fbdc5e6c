import type { GithubConfig } from '../../github-config';
import type { Logger } from '../../log';
import { archiveOperations } from './archive';
import { branchOperations } from './branches';
import { contentOperations } from './contents';
import type { GithubContext } from './context';
import { copyOperations } from './copy';
import { hookOperations } from './hooks';
import type { Octokit } from './octokit-base';
import { repoOperations } from './repos';
import { teamOperations } from './teams';
import { userOperations } from './users';

/**
 * The GitHub adapter's operations on a client, whichever assembly built it (client.ts for the
 * service, sequential-client.ts for the CLI's actions): every operation the service and the
 * CLI need, each idempotent.
 */
export function githubOperations(octokit: Octokit, deps: { log: Logger; config: Pick<GithubConfig, 'ORC_GH_NAME' | 'ORC_GH_EMAIL'> }) {
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

export type GithubClient = ReturnType<typeof githubOperations>;
