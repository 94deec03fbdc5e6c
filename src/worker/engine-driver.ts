import type { Engine } from '../engine/engine';
import type { Clock } from '../engine/types';
import { messageOf } from '../errors';
import type { Logger } from '../log';
import type { WakeMessage } from './bindings';

/** Items one invocation runs before handing on, so it stays well inside a Worker's CPU limit. */
export const ITEMS_PER_INVOCATION = 50;
/**
 * How far back the cron's recovery looks for an agent's action whose note a crash kept from
 * being owed: far more than the minute between ticks, so an outage of the cron (up to a day)
 * loses nothing, while a tick never walks the whole audit history.
 */
export const RECOVERY_WINDOW_MS = 24 * 3600_000;
/** Timers further off than this are left to the cron trigger (every minute). */
export const FOLLOW_UP_WINDOW_MS = 60_000;

export interface DrainResult {
  ran: number;
  /** The message sent to continue, if any, and its delay. */
  followUp?: { reason: WakeMessage['reason']; delaySeconds: number };
}

/**
 * The Workers engine driver, shared by the queue consumer and the cron trigger. Every message
 * only says "look for due work": the claims (conditional UPDATE ... RETURNING with a lease)
 * decide who runs what, so a message delivered twice, or two consumers at once, never run a
 * step twice. `loops` claim in parallel, like the Node driver's concurrency.
 *
 * Afterwards it re-enqueues when the limit cut it short, or with a delay when a timer (retry
 * backoff, lease expiry, scheduled start) falls due within the minute, so a 1 s backoff does
 * not wait for the cron. Due work that could not be claimed is blocked by a running item whose
 * consumer picks it up when it finishes; the cron is the backstop if that consumer died.
 */
export async function drainEngine(
  engine: Engine,
  options: { loops: number; clock: Clock; log: Logger; send(message: WakeMessage, delaySeconds: number): Promise<void>; limit?: number },
): Promise<DrainResult> {
  const perLoop = Math.max(1, Math.floor((options.limit ?? ITEMS_PER_INVOCATION) / options.loops));
  const counts = await Promise.all(
    Array.from({ length: options.loops }, () =>
      engine.runDue(perLoop).catch((err: unknown) => {
        options.log.error('engine loop error', { error: messageOf(err) });
        return perLoop;
      }),
    ),
  );
  const ran = counts.reduce((a, b) => a + b, 0);
  let followUp: DrainResult['followUp'];
  if (counts.some((n) => n >= perLoop)) {
    followUp = { reason: 'more-work', delaySeconds: 0 };
  } else {
    const next = await engine.nextDueAt();
    const inMs = next === undefined ? undefined : next - options.clock();
    if (inMs !== undefined && inMs > 0 && inMs <= FOLLOW_UP_WINDOW_MS) followUp = { reason: 'timer', delaySeconds: Math.ceil(inMs / 1000) };
  }
  if (followUp) await options.send({ reason: followUp.reason }, followUp.delaySeconds);
  return followUp ? { ran, followUp } : { ran };
}
