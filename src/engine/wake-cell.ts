/**
 * Wake-ups from the HTTP thread to the engine's thread through shared memory: a counter the HTTP
 * thread bumps and the engine's thread waits on (Atomics.waitAsync). A postMessage a wake-up cost
 * the HTTP thread ~10 us of serialising and signalling, per event-loop turn under a flood; a bump
 * and a notify cost next to nothing, and bumps while the engine's thread is busy fold into one.
 */
import { waitAsync } from '../atomics';

export function createWakeCell(): SharedArrayBuffer {
  return new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
}

/** The HTTP thread's side. */
export function wakeThrough(buffer: SharedArrayBuffer): () => void {
  const cells = new Int32Array(buffer);
  return () => {
    Atomics.add(cells, 0, 1);
    Atomics.notify(cells, 0);
  };
}

/** The engine thread's side: calls `wake` after each bump (or several); returns the stop. */
export function onWakes(buffer: SharedArrayBuffer, wake: () => void): () => void {
  const cells = new Int32Array(buffer);
  let stopped = false;
  void (async () => {
    for (let seen = Atomics.load(cells, 0); !stopped; seen = Atomics.load(cells, 0)) {
      const bumped = waitAsync(cells, 0, seen);
      if (bumped.async) await bumped.value;
      if (!stopped) wake();
    }
  })();
  return () => {
    stopped = true;
    // Lets the pending wait end.
    Atomics.add(cells, 0, 1);
    Atomics.notify(cells, 0);
  };
}
