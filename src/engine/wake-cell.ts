/**
 * Wake-ups from the HTTP thread to the engine's thread through shared memory: a counter the HTTP
 * thread bumps, and a flag the engine's thread raises while it waits for a bump
 * (Atomics.waitAsync). Only a bump that finds the flag raised notifies: a postMessage a wake-up
 * cost the HTTP thread ~10 us, and a notify to an async waiter more (measured under a webhook
 * flood: 7% of its time), while a bump alone costs next to nothing.
 */
import { waitAsync } from '../atomics';

const COUNT = 0;
const WAITING = 1;

export function createWakeCell(): SharedArrayBuffer {
  return new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
}

/**
 * The HTTP thread's side. The wake-ups of one event-loop turn are one bump, at its end: a group
 * commit answers a dozen deliveries in one turn, and an engine thread with nothing to claim is
 * waiting again within microseconds of each bump, so bumping for each delivery notified it for
 * most of them (a tenth of the HTTP thread's time under a flood while the engine waited on reads).
 */
export function wakeThrough(buffer: SharedArrayBuffer): () => void {
  const cells = new Int32Array(buffer);
  let queued = false;
  const bump = () => {
    queued = false;
    Atomics.add(cells, COUNT, 1);
    if (Atomics.compareExchange(cells, WAITING, 1, 0) === 1) Atomics.notify(cells, COUNT);
  };
  return () => {
    if (queued) return;
    queued = true;
    setImmediate(bump);
  };
}

/** The engine thread's side: calls `wake` after each bump (or several); returns the stop. */
export function onWakes(buffer: SharedArrayBuffer, wake: () => void): () => void {
  const cells = new Int32Array(buffer);
  let stopped = false;
  void (async () => {
    for (let handled = Atomics.load(cells, COUNT); !stopped; ) {
      // Raised before the count is read: a bump after this read notifies, one before it is seen here.
      Atomics.store(cells, WAITING, 1);
      const now = Atomics.load(cells, COUNT);
      if (now === handled) {
        const bumped = waitAsync(cells, COUNT, now);
        if (bumped.async) await bumped.value;
        continue;
      }
      Atomics.store(cells, WAITING, 0);
      handled = now;
      wake();
    }
  })();
  return () => {
    stopped = true;
    // Ends the pending wait.
    Atomics.add(cells, COUNT, 1);
    Atomics.notify(cells, COUNT);
  };
}
