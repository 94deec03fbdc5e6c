/**
 * Paces content-creating requests (POST/PUT/PATCH/DELETE) to stay under GitHub's secondary
 * rate limit: at most `perMinute` of them in any sliding minute. A 200-course rollover then
 * slows down instead of being blocked. `timeScale` shrinks the minute for tests and the bench
 * (0.01 = a 600 ms "minute").
 *
 * A slot is held from when the request is sent until a minute after its answer came back.
 * GitHub counts a request when it arrives, which is somewhere in between: counting from the
 * send alone lets network jitter bunch arrivals from two of our windows into one of GitHub's.
 *
 * Octokit's throttling plugin runs each write inside it (see octokit.ts), replacing the plugin's
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
  /** Slots taken in the current window, in flight included (for logs and tests). */
  inWindow(): number;
  readonly perMinute: number;
  readonly windowMs: number;
}

/**
 * GitHub documents 80 content-creating requests a minute. Since a slot spans the request's
 * arrival, the pacer alone never exceeds its budget in any minute; the 2 left over absorb a
 * difference between GitHub's idea of a minute and ours (its window edges, clock drift).
 */
export const DEFAULT_WRITES_PER_MINUTE = 78;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createPacer(options: PacerOptions = {}): Pacer {
  const perMinute = options.perMinute ?? DEFAULT_WRITES_PER_MINUTE;
  const windowMs = 60_000 * (options.timeScale ?? 1);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  /** When each slot's request finished; Infinity while it is in flight. */
  const slots: { finished: number }[] = [];
  let onFinish: (() => void)[] = [];

  const prune = (t: number) => {
    for (let i = slots.length - 1; i >= 0; i--) if (slots[i]!.finished <= t - windowMs) slots.splice(i, 1);
  };

  // Each caller takes a free slot, or waits for the earliest finished one to leave the
  // window (or, if all are in flight, for one to finish), then checks again.
  const acquire = async (): Promise<{ finished: number }> => {
    for (;;) {
      const t = now();
      prune(t);
      if (slots.length < perMinute) {
        const slot = { finished: Number.POSITIVE_INFINITY };
        slots.push(slot);
        return slot;
      }
      const earliest = Math.min(...slots.map((s) => s.finished));
      if (Number.isFinite(earliest)) await sleep(earliest + windowMs - t);
      else await new Promise<void>((resolve) => onFinish.push(resolve));
    }
  };

  return {
    perMinute,
    windowMs,
    async schedule(task) {
      const slot = await acquire();
      try {
        return await task();
      } finally {
        slot.finished = now();
        const waiting = onFinish;
        onFinish = [];
        waiting.forEach((resolve) => resolve());
      }
    },
    inWindow() {
      prune(now());
      return slots.length;
    },
  };
}
