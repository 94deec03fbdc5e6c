import { Worker } from 'node:worker_threads';
import { settleBatch, type DeliveryRecorder, type PendingDelivery as Pending, type WriteTurn } from './delivery-recorder';

/**
 * Group commit on a writer thread (Node): the same contract as `createDeliveryRecorder`
 * (answer only after the delivery is committed, duplicates by invocation id), but the insert
 * and its fsync run on their own SQLite connection in a worker thread, so the event loop keeps
 * reading and verifying requests while a batch is made durable. One batch is in flight at a
 * time; deliveries arriving meanwhile form the next one.
 */
export function createThreadedDeliveryRecorder(path: string): DeliveryRecorder & { writeTurn: WriteTurn; close(): Promise<void> } {
  const worker = new Worker(new URL('./delivery-writer-thread.mjs', import.meta.url), { workerData: { path } });
  worker.unref();
  let queue: Pending[] = [];
  let inFlight: { id: number; batch: Pending[] } | undefined;
  let nextId = 0;
  /** Writes on this thread's connections waiting for a gap between batches (see writeTurn). */
  let waiting: (() => void)[] = [];
  /** Writes under way between batches: the next batch is sent the moment the last one ends. */
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
    for (const item of [...(inFlight?.batch ?? []), ...queue]) item.reject(err);
    inFlight = undefined;
    queue = [];
    letWaitingWrite();
  };
  worker.on('error', fail);

  worker.on('message', (answer: { id: number; inserted?: string[]; error?: string }) => {
    const batch = inFlight?.id === answer.id ? inFlight.batch : [];
    inFlight = undefined;
    if (answer.error !== undefined) {
      for (const item of batch) item.reject(new Error(`recording webhook deliveries failed: ${answer.error}`));
    } else {
      settleBatch(batch, answer.inserted ?? []);
    }
    if (!letWaitingWrite()) send();
  });

  function send(): void {
    if (inFlight || active > 0 || queue.length === 0) return;
    const batch = queue.splice(0, 500);
    inFlight = { id: nextId++, batch };
    worker.postMessage({ id: inFlight.id, rows: batch.map((p) => p.delivery) });
  }

  return {
    record(delivery) {
      return new Promise((resolve, reject) => {
        queue.push({ delivery, resolve, reject });
        send();
      });
    },
    /**
     * Runs `write` (statements on another connection to this file) when no batch is being
     * committed, so it finds the file's write lock free instead of sleeping in SQLite's busy
     * wait on this thread. Waiting writes go before the next batch, which is sent as soon as the
     * last of them ends (not a loop turn later: under load a turn is a poll phase of requests,
     * tens of ms the writer thread would stand idle). A write arriving while deliveries wait
     * for their batch waits for the next gap, so engine writes cannot hold intake off.
     */
    writeTurn(write) {
      if (!inFlight && (active === 0 || queue.length === 0)) return begin(write);
      return new Promise((resolve, reject) => waiting.push(() => void begin(write).then(resolve, reject)));
    },
    async close() {
      await worker.terminate();
      // Nothing will answer them now; a delivery whose batch did commit is refused and redelivered (a duplicate).
      fail(new Error('the webhook writer thread stopped'));
    },
  };
}
