import { Octokit as Core } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import pLimit from 'p-limit';
import type { GithubConfig } from '../../github-config';
import type { Logger } from '../../log';
import type { Pacer } from './pacer';

/**
 * Octokit's core with only the plugins the adapter uses: paginate, and the retry and throttling
 * that the `octokit` package bundles. Not that package: its REST method table (80 KB), App,
 * OAuth and webhooks code were most of what a CLI action compiled at every start. Requests name
 * their route (`octokit.request('GET /repos/{owner}/{repo}', …)`), typed the same way.
 */
const Octokit = Core.plugin(paginateRest, retry, throttling);
export type Octokit = InstanceType<typeof Octokit>;

export interface OctokitDeps {
  config: Pick<GithubConfig, 'ORC_GH_API_URL' | 'ORC_GH_OAUTH2_TOKEN' | 'ORC_GH_APP_ID' | 'ORC_GH_APP_PRIVATE_KEY' | 'ORC_GH_APP_INSTALLATION_ID'>;
  log: Logger;
  pacer: Pacer;
  fetch?: typeof fetch;
  /** Scales every wait Octokit makes (retry backoff, Retry-After); tests use e.g. 0.001. */
  timeScale?: number;
  /** Per-request timeout; a timed-out request is retried like a 5xx. */
  requestTimeoutMs?: number;
  /** How often a rate-limited request is retried before the error reaches the caller. */
  rateLimitRetries?: number;
  /** Longest Retry-After (seconds) waited in place; longer waits go to the caller as RateLimited. */
  maxRateLimitWaitSeconds?: number;
}

/** GHES `https://host/api/v3/` and api.github.com, with or without a trailing slash. */
export function apiBaseUrl(apiUrl: string): string {
  return apiUrl.replace(/\/+$/, '');
}

function withTimeout(base: typeof fetch, ms: number): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(ms);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return base(input, { ...init, signal });
  };
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
 * honouring Retry-After and x-ratelimit-reset) plugins bounded so a caller always gets an
 * answer: what outlasts them reaches the caller and is mapped to a typed error.
 */
export async function createOctokit(deps: OctokitDeps): Promise<Octokit> {
  const { config, log, pacer } = deps;
  const scale = deps.timeScale ?? 1;
  const retries = deps.rateLimitRetries ?? 3;
  const maxWait = deps.maxRateLimitWaitSeconds ?? 120;
  const onLimit = (kind: string) => (retryAfter: number, options: { method: string; url: string }, _o: unknown, retryCount: number) => {
    const retry = retryCount < retries && retryAfter <= maxWait;
    log.warn(`github ${kind} rate limit`, { method: options.method, url: options.url, retryAfter, retryCount, retry });
    return retry;
  };
  const Configured = Octokit.defaults({
    baseUrl: apiBaseUrl(config.ORC_GH_API_URL),
    userAgent: 'orcoursetrion',
    request: { fetch: withTimeout(deps.fetch ?? fetch, deps.requestTimeoutMs ?? 30_000) },
    retry: { retryAfterBaseValue: 1000 * scale },
    throttle: {
      retryAfterBaseValue: 1000 * scale,
      ...pacedLimiters(pacer),
      // Read by the plugin though not in its option type (as `global`).
      ...({ retryLimiter: retrySeat() } as object),
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
    },
    log: {
      debug: () => {},
      info: () => {},
      warn: (message: string) => log.warn(message),
      error: (message: string) => log.error(message),
    },
  });
  if (config.ORC_GH_APP_ID && config.ORC_GH_APP_PRIVATE_KEY && config.ORC_GH_APP_INSTALLATION_ID) {
    // Loaded only with App settings: a token never compiles the JWT and token-cache code.
    const { createAppAuth } = await import('@octokit/auth-app');
    return new Configured({
      authStrategy: createAppAuth,
      auth: {
        appId: config.ORC_GH_APP_ID,
        // Env files often carry the PEM with literal \n.
        privateKey: config.ORC_GH_APP_PRIVATE_KEY.replace(/\\n/g, '\n'),
        installationId: Number(config.ORC_GH_APP_INSTALLATION_ID),
      },
    });
  }
  return new Configured({ auth: config.ORC_GH_OAUTH2_TOKEN });
}
