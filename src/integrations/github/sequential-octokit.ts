import { Octokit as Core } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { authenticated, baseOptions, type Octokit, type OctokitDeps } from './octokit-base';
import { retryPolicy } from './retry-policy';
import { sequentialRetry, type SequentialRetryDeps } from './sequential-retry';

const Paginated = Core.plugin(paginateRest);

export type SequentialOctokitDeps = OctokitDeps & Pick<SequentialRetryDeps, 'sleep' | 'now'>;

/**
 * An Octokit for a caller that makes one request at a time (the CLI's actions): core and
 * paginate, the retry policy in one request hook, no Bottleneck (octokit.ts has the service's,
 * with the throttling a many-request caller needs). Same auth, base URL and error mapping.
 */
export async function createSequentialOctokit(deps: SequentialOctokitDeps): Promise<Octokit> {
  const octokit = await authenticated(Paginated.defaults(baseOptions(deps)), deps.config);
  // Wrapped after construction, so it is outside auth: a retry asks auth again (an App token may have expired).
  octokit.hook.wrap('request', sequentialRetry({ policy: retryPolicy(deps), log: deps.log, sleep: deps.sleep, now: deps.now }));
  return octokit;
}
