import { App, Octokit } from 'octokit';
import type { GithubConfig } from '../../config';
import type { Logger } from '../../log';
import type { Pacer } from './pacer';

export type { Octokit };

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

/**
 * The throttling plugin only ever calls `write.key(id).schedule(options, task)` on its write
 * limiter (a Bottleneck.Group by type). The pacer provides exactly that; the cast is the one
 * seam between our pacer and Bottleneck's much wider type.
 */
function pacerAsWriteGroup(pacer: Pacer) {
  const limiter = { schedule: (_options: unknown, task: () => Promise<unknown>) => pacer.schedule(task) };
  type WriteGroup = NonNullable<NonNullable<ConstructorParameters<typeof Octokit>[0]>['throttle']>['write'];
  return { key: () => limiter } as unknown as WriteGroup;
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
      write: pacerAsWriteGroup(pacer),
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
    const app = new App({
      appId: config.ORC_GH_APP_ID,
      // Env files often carry the PEM with literal \n.
      privateKey: config.ORC_GH_APP_PRIVATE_KEY.replace(/\\n/g, '\n'),
      Octokit: Configured,
    });
    return app.getInstallationOctokit(Number(config.ORC_GH_APP_INSTALLATION_ID));
  }
  return new Configured({ auth: config.ORC_GH_OAUTH2_TOKEN });
}
