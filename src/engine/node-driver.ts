import { messageOf } from '../errors';
import type { Logger } from '../log';
import type { Engine } from './engine';
import type { Clock } from './types';

export interface EngineDriver {
  /** New work may be due: start idle workers now. */
  wake(): void;
  /** Stops scheduling; resolves when running items have finished. */
  stop(): Promise<void>;
}

/**
 * Runs the engine inside a Node process: up to `concurrency` items at once; when nothing is
 * due it sleeps until the next due time the database reports (backoff end, lease expiry,
 * scheduled start) or until `wake()` is called. No polling loop: an approval calls wake(), so
 * its first step starts within milliseconds.
 */
export function startNodeDriver(engine: Engine, options: { concurrency: number; clock: Clock; log: Logger; maxSleepMs?: number }): EngineDriver {
  const maxSleepMs = options.maxSleepMs ?? 60_000;
  let active = 0;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wakeAgain = false;
  const idle: (() => void)[] = [];

  async function worker(): Promise<void> {
    active++;
    try {
      while (!stopped) {
        wakeAgain = false;
        let ran: boolean;
        try {
          ran = await engine.runOne();
        } catch (err) {
          // A database error here is not the step's fault: log it and let the timer retry.
          options.log.error('engine loop error', { error: messageOf(err) });
          ran = false;
        }
        if (!ran && !wakeAgain) break;
      }
    } finally {
      active--;
      if (active === 0) {
        idle.splice(0).forEach((r) => r());
        if (!stopped) void schedule();
      }
    }
  }

  async function schedule(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    let next: number | undefined;
    try {
      next = await engine.nextDueAt();
    } catch (err) {
      options.log.error('engine could not read the next due time', { error: messageOf(err) });
    }
    if (stopped || active > 0) return;
    const delay = next === undefined ? maxSleepMs : Math.min(maxSleepMs, Math.max(5, next - options.clock()));
    timer = setTimeout(wake, delay);
    timer.unref?.();
  }

  function wake(): void {
    if (stopped) return;
    wakeAgain = true;
    while (active < options.concurrency) {
      const before = active;
      void worker();
      if (active === before) break;
    }
  }

  wake();
  return {
    wake,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (active > 0) await new Promise<void>((r) => idle.push(r));
    },
  };
}
