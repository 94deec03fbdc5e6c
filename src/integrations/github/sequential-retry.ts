import type { Logger } from '../../log';
import { classify, retryWait, type RetryPolicy } from './retry-policy';

export interface SequentialRetryDeps {
  policy: RetryPolicy;
  log: Logger;
  /** Injected in tests; the real one is a timer. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The retry policy (retry-policy.ts) as one request hook, for a caller that makes one request
 * at a time (the CLI's actions): each request runs, and on a failure worth retrying runs again
 * after the policy's wait, with no limiter in between. Octokit's retry and throttling plugins
 * pass every request through Bottleneck, whose timers cost a request ~12 ms in process, for
 * throttling such a caller never needs. Returns the hook for `octokit.hook.wrap('request', …)`.
 */
export function sequentialRetry(deps: SequentialRetryDeps) {
  const sleep = deps.sleep ?? realSleep;
  const now = deps.now ?? Date.now;
  return async <O extends { method: string; url: string }, R>(request: (options: O) => Promise<R> | R, options: O): Promise<R> => {
    const retries = { transient: 0, rateLimit: 0 };
    for (;;) {
      try {
        return await request(options);
      } catch (err) {
        const failure = classify(deps.policy, err, now());
        const wait = retryWait(deps.policy, deps.log, failure, options, retries);
        if (wait === undefined) throw err;
        if (failure.kind === 'transient') retries.transient++;
        else retries.rateLimit++;
        await sleep(wait);
      }
    }
  };
}
