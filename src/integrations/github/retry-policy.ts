import { RequestError } from '@octokit/request-error';
import type { Logger } from '../../log';

/**
 * The one retry policy of every GitHub client: which failures are worth another attempt, how
 * long to wait first and when to give up, so what outlasts it reaches the caller (and is mapped
 * to a typed error, errors.ts). The service's client gives it to Octokit's retry and throttling
 * plugins (octokit.ts); the CLI's, one sequential caller, applies it in its own request hook
 * (sequential-retry.ts), with no limiter in between.
 */
export interface RetryPolicy {
  /** Retries of a 5xx answer, a network failure or a timeout (Octokit reports those as 500). */
  retries: number;
  /** One unit of wait in ms: a transient failure's nth retry waits n² units, a rate limit its retry-after in units. */
  unitMs: number;
  /** Retries of a rate limit (429, GitHub's secondary limit, an exhausted primary limit). */
  rateLimitRetries: number;
  /** Longest wait (in units: seconds unscaled) taken in place; longer waits go to the caller. */
  maxWaitUnits: number;
  /** A secondary limit's wait when GitHub sends no retry-after (the throttling plugin's own default). */
  fallbackSecondaryUnits: number;
}

export interface RetryPolicyOptions {
  /** Scales every wait (retry backoff, Retry-After); tests use e.g. 0.001. */
  timeScale?: number;
  /** How often a rate-limited request is retried before the error reaches the caller. */
  rateLimitRetries?: number;
  /** Longest Retry-After (seconds) waited in place; longer waits go to the caller as RateLimited. */
  maxRateLimitWaitSeconds?: number;
}

export function retryPolicy(options: RetryPolicyOptions = {}): RetryPolicy {
  return {
    retries: 3,
    unitMs: 1000 * (options.timeScale ?? 1),
    rateLimitRetries: options.rateLimitRetries ?? 3,
    maxWaitUnits: options.maxRateLimitWaitSeconds ?? 120,
    fallbackSecondaryUnits: 60,
  };
}

export type RateLimitKind = 'primary' | 'secondary';

/**
 * Whether to wait out a rate limit GitHub asked us to wait `retryAfter` seconds for, on the
 * `retryCount`th retry; logged either way (the throttling plugin's onRateLimit and ours).
 */
export function retriesRateLimit(policy: RetryPolicy, log: Logger, kind: RateLimitKind, retryAfter: number, request: { method: string; url: string }, retryCount: number): boolean {
  const retry = retryCount < policy.rateLimitRetries && retryAfter <= policy.maxWaitUnits;
  log.warn(`github ${kind} rate limit`, { method: request.method, url: request.url, retryAfter, retryCount, retry });
  return retry;
}

/** How a failed request is retried, if at all (see retryWait). */
export type Failure = { kind: 'transient'; retryAfter?: number } | { kind: RateLimitKind; retryAfter: number } | { kind: 'final' };

const header = (err: RequestError, name: string): string | undefined => {
  const v = err.response?.headers[name];
  return v === undefined || v === null ? undefined : String(v);
};

/** Seconds from a retry-after header, when it holds a number of seconds. */
const retryAfterSeconds = (err: RequestError): number | undefined => {
  const raw = header(err, 'retry-after');
  const s = raw === undefined ? Number.NaN : Number(raw);
  return Number.isFinite(s) && s >= 0 ? s : undefined;
};

/**
 * What a failure is, by the rules GitHub documents and the plugins apply
 * (docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit;
 * @octokit/plugin-throttling src/index.ts, @octokit/plugin-retry src/error-request.ts):
 * a 403 or 429 saying "secondary rate" waits its retry-after (else 60 s); one with
 * x-ratelimit-remaining 0 waits until x-ratelimit-reset plus a second; a 429 otherwise waits its
 * retry-after or backs off; a 5xx (network failures and timeouts included) backs off, at
 * least its retry-after; every other failure (any other 4xx, a caller's abort) is final.
 */
export function classify(policy: RetryPolicy, err: unknown, now: number): Failure {
  if (!(err instanceof RequestError)) return { kind: 'final' };
  const { status } = err;
  if (status === 403 || status === 429) {
    if (/\bsecondary rate\b/i.test(err.message)) return { kind: 'secondary', retryAfter: retryAfterSeconds(err) || policy.fallbackSecondaryUnits };
    if (header(err, 'x-ratelimit-remaining') === '0') {
      const reset = Number(header(err, 'x-ratelimit-reset')) * 1000;
      return { kind: 'primary', retryAfter: Math.max(Number.isFinite(reset) ? Math.ceil((reset - now) / 1000) + 1 : 0, 0) };
    }
    if (status === 429) return { kind: 'transient', retryAfter: retryAfterSeconds(err) };
    return { kind: 'final' };
  }
  return status >= 500 ? { kind: 'transient', retryAfter: retryAfterSeconds(err) } : { kind: 'final' };
}

/**
 * The wait in ms before the next attempt, or undefined to give up. `retries` counts the retries
 * already made of each kind (transient failures and rate limits are bounded apart, as the two
 * plugins bound them).
 */
export function retryWait(policy: RetryPolicy, log: Logger, failure: Failure, request: { method: string; url: string }, retries: { transient: number; rateLimit: number }): number | undefined {
  switch (failure.kind) {
    case 'final':
      return undefined;
    case 'transient': {
      if (retries.transient >= policy.retries) return undefined;
      const backoff = (retries.transient + 1) ** 2;
      const units = Math.max(backoff, failure.retryAfter ?? 0);
      return units <= policy.maxWaitUnits ? units * policy.unitMs : undefined;
    }
    default:
      return retriesRateLimit(policy, log, failure.kind, failure.retryAfter, request, retries.rateLimit) ? failure.retryAfter * policy.unitMs : undefined;
  }
}
