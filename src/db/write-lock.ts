/**
 * A write lock over one SQLite file shared by the threads of one Node process (SharedArrayBuffer
 * + Atomics), for the webhook recorder (on the HTTP thread) and the engine's thread. SQLite's own lock still
 * decides who writes; this one decides who goes first, and hands over without SQLite's busy
 * handler, which sleeps 1, 2, 5, 10... ms between tries.
 *
 * Intake goes first: its commits answer webhooks (Zendesk waits on them), the engine's writes
 * answer nobody. Under a flood the engine's settles (a read's coalesced deliveries, ~5 ms for a
 * few dozen rows) took a third of the lock and intake's commits waited behind them. So the
 * engine writes while the recorder has nothing to commit, and during a flood once it has waited
 * ENGINE_PATIENCE_MS: the flood slows the drain, never stops it, and holds intake off at most
 * one engine write in that long.
 *
 * The layout:
 * - HOLDER: 0 free, 1 the webhook recorder, 2 the engine's thread;
 * - INTAKE_BUSY: 1 while the recorder has deliveries to commit (waiting for the lock or not);
 * - ENGINE_WAITING: engine writes waiting;
 * - ENGINE_TURN: 1 once an engine write has waited ENGINE_PATIENCE_MS: the recorder lets it go next.
 * A side that waits longer than MAX_WAIT_MS writes anyway (SQLite's lock and busy wait then decide),
 * so a thread that died holding it delays the others, never stops them.
 */
import { waitAsync } from '../atomics';

export const HOLDER = 0;
export const INTAKE_BUSY = 1;
export const ENGINE_WAITING = 2;
export const ENGINE_TURN = 3;
export const INTAKE = 1;
export const ENGINE = 2;
export const MAX_WAIT_MS = 5_000;
export const ENGINE_PATIENCE_MS = 200;

/** Runs a write when it is its side's turn to write the file (the engine's thread: engineWriteTurn). */
export type WriteTurn = <T>(write: () => Promise<T>) => Promise<T>;

export function createWriteLockBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT);
}

/** The engine's side: waits without blocking its event loop. */
export function engineWriteTurn(buffer: SharedArrayBuffer, options: { patienceMs?: number; maxWaitMs?: number } = {}): WriteTurn {
  const cells = new Int32Array(buffer);
  const patienceMs = options.patienceMs ?? ENGINE_PATIENCE_MS;
  const maxWaitMs = options.maxWaitMs ?? MAX_WAIT_MS;
  async function acquire(): Promise<boolean> {
    const began = performance.now();
    Atomics.add(cells, ENGINE_WAITING, 1);
    try {
      for (;;) {
        const waited = performance.now() - began;
        if (waited >= patienceMs) Atomics.store(cells, ENGINE_TURN, 1);
        const mayGo = Atomics.load(cells, INTAKE_BUSY) === 0 || Atomics.load(cells, ENGINE_TURN) === 1;
        if (mayGo && Atomics.compareExchange(cells, HOLDER, 0, ENGINE) === 0) {
          Atomics.store(cells, ENGINE_TURN, 0);
          return true;
        }
        if (waited >= maxWaitMs) return false;
        // Woken by a release or by the recorder going idle; else looks again when its patience ends.
        const wake = waitAsync(cells, mayGo ? HOLDER : INTAKE_BUSY, mayGo ? Atomics.load(cells, HOLDER) : 1, Math.max(1, Math.min(patienceMs, maxWaitMs) - waited));
        if (wake.async) await wake.value;
      }
    } finally {
      Atomics.sub(cells, ENGINE_WAITING, 1);
    }
  }
  return async (write) => {
    const held = await acquire();
    try {
      return await write();
    } finally {
      if (held) {
        Atomics.store(cells, HOLDER, 0);
        Atomics.notify(cells, HOLDER);
      }
    }
  };
}

/**
 * The webhook recorder's side (the HTTP thread): it never blocks its event loop on the lock. It
 * says when deliveries wait to be committed (`busy`), takes the lock when it is free and not the
 * engine's turn (`tryLock`), and otherwise waits for a release without blocking (`released`).
 */
export function intakeLock(buffer: SharedArrayBuffer) {
  const cells = new Int32Array(buffer);
  return {
    busy(yes: boolean): void {
      // Waiting engine writes (counted before they look) are told when it goes idle; a notify costs ~10 us, so only then.
      if (Atomics.exchange(cells, INTAKE_BUSY, yes ? 1 : 0) === 1 && !yes && Atomics.load(cells, ENGINE_WAITING) > 0) Atomics.notify(cells, INTAKE_BUSY);
    },
    tryLock(): boolean {
      const engineFirst = Atomics.load(cells, ENGINE_TURN) === 1 && Atomics.load(cells, ENGINE_WAITING) > 0;
      return !engineFirst && Atomics.compareExchange(cells, HOLDER, 0, INTAKE) === 0;
    },
    unlock(): void {
      Atomics.store(cells, HOLDER, 0);
      if (Atomics.load(cells, ENGINE_WAITING) > 0) Atomics.notify(cells, HOLDER);
    },
    /** Resolves when the holder lets go (or within 1 ms, for the engine's turn to be taken). */
    async released(): Promise<void> {
      const holder = Atomics.load(cells, HOLDER);
      const wait = waitAsync(cells, HOLDER, holder, 1);
      if (wait.async) await wait.value;
    },
  };
}

/** After the engine's thread ended: a hold or waits it left behind are let go. */
export function releaseEngineHold(buffer: SharedArrayBuffer): void {
  const cells = new Int32Array(buffer);
  Atomics.store(cells, ENGINE_WAITING, 0);
  Atomics.store(cells, ENGINE_TURN, 0);
  if (Atomics.compareExchange(cells, HOLDER, ENGINE, 0) === ENGINE) Atomics.notify(cells, HOLDER);
}

/** After the webhook recorder closed: its hold and its "busy" are let go, so engine writes stop waiting for it. */
export function releaseIntakeHold(buffer: SharedArrayBuffer): void {
  const cells = new Int32Array(buffer);
  Atomics.store(cells, INTAKE_BUSY, 0);
  Atomics.notify(cells, INTAKE_BUSY);
  if (Atomics.compareExchange(cells, HOLDER, INTAKE, 0) === INTAKE) Atomics.notify(cells, HOLDER);
}
