import { Worker } from 'node:worker_threads';
import { createWriteLockBuffer, releaseIntakeHold } from '../db/write-lock';
import { settleBatch, type DeliveryRecorder, type PendingDelivery as Pending, type WriteTurn } from './delivery-recorder';

/** What the writer thread answers: per batch sent, the invocation ids its commit inserted; or why the commit failed. */
type WriterAnswer = { batches: { id: number; inserted: string[] }[] } | { failed: number[]; error: string };

/**
 * Group commit on a writer thread (Node): the same contract as `createDeliveryRecorder`
 * (answer only after the delivery is committed, duplicates by invocation id), but the insert
 * and its fsync run on their own SQLite connection in a worker thread, so the event loop keeps
 * reading and verifying requests while a batch is made durable.
 *
 * Deliveries stream to the thread without waiting for the commit before: an idle writer gets a
 * delivery at once, a busy one gets what arrived during its commit once per event-loop turn, and
 * commits everything it holds in one transaction. Waiting for each commit's answer before
 * sending the next batch left the writer idle while the answer crossed a busy event loop.
 */
export function createThreadedDeliveryRecorder(
  path: string,
  /** The write lock it shares with the engine's thread (db/write-lock.ts). */
  writeLock: SharedArrayBuffer = createWriteLockBuffer(),
): DeliveryRecorder & { writeTurn: WriteTurn; close(): Promise<void> } {
  const worker = new Worker(new URL('./delivery-writer-thread.mjs', import.meta.url), { workerData: { path, writeLock } });
  worker.unref();
  let queue: Pending[] = [];
  const inFlight = new Map<number, Pending[]>();
  let nextId = 0;
  let flushScheduled = false;
  /** Writes on this thread's connections waiting for a gap between commits (see writeTurn). */
  let waiting: (() => void)[] = [];
  /** Writes under way in a gap: deliveries are sent the moment the last one ends. */
  let active = 0;
  const begin = <T>(write: () => Promise<T>): Promise<T> => {
    active++;
    return (async () => {
      try {
        return await write();
      } finally {
        active--;
        send();
      }
    })();
  };
  const letWaitingWrite = () => {
    if (waiting.length === 0) return false;
    waiting.splice(0).forEach((start) => start());
    return true;
  };

  const fail = (err: unknown) => {
    for (const item of [...[...inFlight.values()].flat(), ...queue]) item.reject(err);
    inFlight.clear();
    queue = [];
    letWaitingWrite();
  };
  worker.on('error', fail);
  worker.on('exit', () => releaseIntakeHold(writeLock));

  worker.on('message', (answer: WriterAnswer) => {
    if ('failed' in answer) {
      for (const id of answer.failed) {
        for (const item of inFlight.get(id) ?? []) item.reject(new Error(`recording webhook deliveries failed: ${answer.error}`));
        inFlight.delete(id);
      }
    } else {
      for (const { id, inserted } of answer.batches) {
        settleBatch(inFlight.get(id) ?? [], inserted);
        inFlight.delete(id);
      }
    }
    if (inFlight.size > 0 || !letWaitingWrite()) send();
  });

  /**
   * Sends what is queued, unless a write is under way, or writes wait for the gap after the
   * commits in flight (sending more would put that gap off).
   */
  function send(): void {
    if (active > 0 || (waiting.length > 0 && inFlight.size > 0)) return;
    while (queue.length > 0) {
      const batch = queue.splice(0, 500);
      const id = nextId++;
      inFlight.set(id, batch);
      worker.postMessage({ id, rows: batch.map((p) => p.delivery) });
    }
  }

  return {
    record(delivery) {
      return new Promise((resolve, reject) => {
        queue.push({ delivery, resolve, reject });
        // An idle writer takes it now; a busy one gets this turn's deliveries in one message.
        if (inFlight.size === 0) send();
        else if (!flushScheduled) {
          flushScheduled = true;
          setImmediate(() => {
            flushScheduled = false;
            send();
          });
        }
      });
    },
    /**
     * Runs `write` (statements on another connection to this file) when no commit is under way,
     * so it finds the file's write lock free instead of sleeping in SQLite's busy wait on this
     * thread. Waiting writes stop the sending until the commits in flight are answered, run, and
     * the deliveries queued meanwhile are sent as soon as the last of them ends. A write arriving
     * while deliveries wait waits for the next gap, so writes cannot hold intake off.
     */
    writeTurn(write) {
      if (inFlight.size === 0 && (active === 0 || queue.length === 0)) return begin(write);
      return new Promise((resolve, reject) => waiting.push(() => void begin(write).then(resolve, reject)));
    },
    async close() {
      await worker.terminate();
      // Nothing will answer them now; a delivery whose batch did commit is refused and redelivered (a duplicate).
      fail(new Error('the webhook writer thread stopped'));
    },
  };
}
