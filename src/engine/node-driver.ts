import { messageOf } from '../errors';
import type { Logger } from '../log';
import type { Engine } from './engine';
import type { Clock } from './types';

export interface EngineDriver {
  /** New work may be due: start a worker now. */
  wake(): void;
  /** Stops scheduling; resolves when running items have finished. */
  stop(): Promise<void>;
}

/**
 * Runs the engine inside a Node process, up to `concurrency` items at once. Workers grow with
 * the work: a wake-up starts one worker (if there is room), and each worker that claims an item starts another
 * before running it, so a burst fans out while an idle engine pays one empty claim per wake-up
 * (not one per possible worker). When nothing is due it sleeps until the next due time the
 * database reports (backoff end, lease expiry, scheduled start) or until `wake()`: no polling,
 * so an approval's first step starts within milliseconds.
 */
export function startNodeDriver(engine: Engine, options: { concurrency: number; clock: Clock; log: Logger; maxSleepMs?: number }): EngineDriver & { recovered: Promise<void> } {
  const maxSleepMs = options.maxSleepMs ?? 60_000;
  let active = 0;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Set by wake(): a worker about to exit looks once more, since the new work may be after its last claim. */
  let wokenSinceClaim = false;
  const idle: (() => void)[] = [];

  function spawn(): void {
    if (stopped || active >= options.concurrency) return;
    active++;
    void worker().finally(() => {
      active--;
      if (active === 0) {
        idle.splice(0).forEach((r) => r());
        if (!stopped) void schedule();
      }
    });
  }

  async function worker(): Promise<void> {
    while (!stopped) {
      wokenSinceClaim = false;
      let work: Awaited<ReturnType<Engine['claim']>>;
      try {
        work = await engine.claim();
      } catch (err) {
        // A database error here is not the step's fault: log it and let the timer retry.
        options.log.error('engine loop error', { error: messageOf(err) });
        return;
      }
      if (!work) {
        if (wokenSinceClaim) continue;
        return;
      }
      spawn();
      try {
        await engine.run(work);
      } catch (err) {
        options.log.error('engine loop error', { error: messageOf(err) });
      }
      // SQLite calls are synchronous: an item that needs no network would let the next claim
      // run in the same turn, and a drain would hold the HTTP server off until it ended.
      await new Promise<void>((resolve) => setImmediate(resolve));
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
    wokenSinceClaim = true;
    // One more worker, if there is room: the new work need not wait for the busy ones.
    spawn();
  }

  // A crash may have left a request's status behind its steps: fix that before working.
  const recovered = engine
    .recoverStatuses()
    .then(
      () => {},
      (err: unknown) => options.log.error('engine could not recover request statuses', { error: messageOf(err) }),
    )
    .finally(wake);
  return {
    /** Settled once the start's recovery has run (or failed and been logged) and the first wake-up is given. */
    recovered,
    wake,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (active > 0) await new Promise<void>((r) => idle.push(r));
    },
  };
}
