/**
 * Paces content-creating requests (POST/PUT/PATCH/DELETE) to stay under GitHub's secondary
 * rate limit: at most `perMinute` of them start in any sliding minute. A 200-course rollover
 * then slows down instead of being blocked. `timeScale` shrinks the minute for tests and the
 * bench (0.01 = a 600 ms "minute").
 *
 * It is handed to Octokit's throttling plugin as its write limiter, replacing the plugin's
 * default of one write per second in series, which would undo every parallel request here.
 */
export interface PacerOptions {
  perMinute?: number;
  timeScale?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface Pacer {
  /** Waits for a slot, then runs `task`. */
  schedule<T>(task: () => Promise<T>): Promise<T>;
  /** Slots taken in the current window (for logs and tests). */
  inWindow(): number;
  readonly perMinute: number;
  readonly windowMs: number;
}

/** GitHub documents 80 content-creating requests a minute; stay under it to absorb network jitter. */
export const DEFAULT_WRITES_PER_MINUTE = 72;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createPacer(options: PacerOptions = {}): Pacer {
  const perMinute = options.perMinute ?? DEFAULT_WRITES_PER_MINUTE;
  const windowMs = 60_000 * (options.timeScale ?? 1);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const starts: number[] = [];

  const prune = (t: number) => {
    while (starts.length > 0 && starts[0]! <= t - windowMs) starts.shift();
  };

  // Slots are handed out in call order: each caller waits until the oldest start in a full
  // window leaves it, and then re-checks, since another caller may have taken that slot.
  const acquire = async (): Promise<void> => {
    for (;;) {
      const t = now();
      prune(t);
      if (starts.length < perMinute) {
        starts.push(t);
        return;
      }
      await sleep(starts[0]! + windowMs - t);
    }
  };

  return {
    perMinute,
    windowMs,
    async schedule(task) {
      await acquire();
      return task();
    },
    inWindow() {
      prune(now());
      return starts.length;
    },
  };
}
