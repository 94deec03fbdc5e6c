import { Octokit as Core } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import pLimit from 'p-limit';
import { authenticated, baseOptions, type Octokit as GithubOctokit, type OctokitDeps as BaseDeps } from './octokit-base';
import type { Pacer } from './pacer';
import { retriesRateLimit, retryPolicy, type RateLimitKind } from './retry-policy';

/**
 * Octokit's core with only the plugins the service's adapter uses: paginate, and the retry and
 * throttling that the `octokit` package bundles (a service runs many requests at once and
 * needs the throttling). Not that package: its REST method table (80 KB), App, OAuth and
 * webhooks code. The CLI's actions use sequential-octokit.ts, without the two plugins.
 */
const Octokit = Core.plugin(paginateRest, retry, throttling);
export type Octokit = GithubOctokit;

export interface OctokitDeps extends BaseDeps {
  pacer: Pacer;
}

/** Octokit's own default: at most this many requests of one client in flight. */
const MAX_IN_FLIGHT = 10;

/** A Bottleneck group, as the throttling plugin takes for each of its limiters (`global` is read though not typed). */
type LimiterGroup = NonNullable<Extract<NonNullable<NonNullable<ConstructorParameters<typeof Octokit>[0]>['throttle']>, { onRateLimit: unknown }>['write']>;
type Task = (...args: unknown[]) => Promise<unknown>;

/**
 * The throttling plugin awaits its write limiter with a no-op and only then queues the request
 * in its global limiter (10 in flight), so a pacer in the write seat would hold a slot for a
 * moment before the request, which might then arrive at GitHub much later, in a burst. So
 * the pacer sits in the global seat instead, where the request itself runs: a
 * content-creating request (anything but GET/HEAD; token requests go to the plugin's auth
 * limiter) holds its slot from queueing until a minute after its answer, which spans its
 * arrival, and waits for the pacer before it takes one of the 10 places, so waiting writes
 * never hold up reads. The plugin only ever calls `key(id).schedule(options, task, ...args)`
 * on these groups; the casts are the one seam to Bottleneck's much wider types. The places are
 * counted by p-limit, not another Bottleneck: each Bottleneck hop costs a request ~5 ms of timers.
 */
function pacedLimiters(pacer: Pacer): { global: LimiterGroup; write: LimiterGroup } {
  const inFlight = pLimit(MAX_IN_FLIGHT);
  const global = {
    schedule(_jobOptions: unknown, task: Task, ...args: unknown[]) {
      const run = () => inFlight(() => task(...args));
      const method = (args[0] as { method?: string } | undefined)?.method?.toUpperCase();
      return method === 'GET' || method === 'HEAD' ? run() : pacer.schedule(run);
    },
  };
  const write = { schedule: (_options: unknown, task: Task) => task() };
  return { global: { key: () => global } as unknown as LimiterGroup, write: { key: () => write } as unknown as LimiterGroup };
}

/** What the throttling plugin reads of its retry limiter: `on('failed', …)` once, then `schedule(task, ...args)` per request. */
type FailedHandler = (error: unknown, info: { args: unknown[]; retryCount: number }) => unknown;

/**
 * The throttling plugin's retry seat (its `retryLimiter`, a plain Bottleneck it makes unless
 * given one) without Bottleneck's timers: each Bottleneck hop costs a request ~6 ms of
 * `setTimeout(0)` yields (measured in process), and this one limits nothing (no concurrency
 * cap, no spacing). Same contract as Bottleneck's: a failure goes to the 'failed' handler (the
 * plugin's, which answers a rate limit it retries with the wait in ms); a number means run
 * again after that wait, anything else (or a handler that throws) rejects with the failure.
 */
export function retrySeat() {
  let onFailed: FailedHandler | undefined;
  return {
    on(event: string, handler: FailedHandler) {
      if (event === 'failed') onFailed = handler;
    },
    async schedule(task: Task, ...args: unknown[]): Promise<unknown> {
      for (let retryCount = 0; ; retryCount++) {
        try {
          return await task(...args);
        } catch (error) {
          const wait = await Promise.resolve()
            .then(() => onFailed?.(error, { args, retryCount }))
            .catch(() => undefined);
          if (wait === undefined || wait === null) throw error;
          await new Promise((resolve) => setTimeout(resolve, ~~Number(wait)));
        }
      }
    },
  };
}

/**
 * An Octokit on the configured base URL with token or GitHub App installation auth, and the
 * bundled retry (5xx, network, timeouts) and throttling (primary and secondary rate limits,
 * honouring Retry-After and x-ratelimit-reset) plugins bounded by the retry policy
 * (retry-policy.ts) so a caller always gets an answer: what outlasts them reaches the caller
 * and is mapped to a typed error.
 */
export async function createOctokit(deps: OctokitDeps): Promise<Octokit> {
  const { log, pacer } = deps;
  const policy = retryPolicy(deps);
  const onLimit = (kind: RateLimitKind) => (retryAfter: number, options: { method: string; url: string }, _o: unknown, retryCount: number) =>
    retriesRateLimit(policy, log, kind, retryAfter, options, retryCount);
  const Configured = Octokit.defaults({
    ...baseOptions(deps),
    retry: { retries: policy.retries, retryAfterBaseValue: policy.unitMs },
    throttle: {
      retryAfterBaseValue: policy.unitMs,
      fallbackSecondaryRateRetryAfter: policy.fallbackSecondaryUnits,
      ...pacedLimiters(pacer),
      // Read by the plugin though not in its option type (as `global`).
      ...({ retryLimiter: retrySeat() } as object),
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
    },
  });
  return authenticated(Configured, deps.config);
}
