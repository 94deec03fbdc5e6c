import { Worker } from 'node:worker_threads';
import { settleBatch, type DeliveryRecorder, type PendingDelivery as Pending } from './delivery-recorder';

/**
 * Group commit on a writer thread (Node): the same contract as `createDeliveryRecorder`
 * (answer only after the delivery is committed, duplicates by invocation id), but the insert
 * and its fsync run on their own SQLite connection in a worker thread, so the event loop keeps
 * reading and verifying requests while a batch is made durable. One batch is in flight at a
 * time; deliveries arriving meanwhile form the next one.
 */
export function createThreadedDeliveryRecorder(path: string): DeliveryRecorder & { whenIdle(): Promise<void>; close(): Promise<void> } {
  const worker = new Worker(new URL('./delivery-writer-thread.mjs', import.meta.url), { workerData: { path } });
  worker.unref();
  let queue: Pending[] = [];
  let inFlight: { id: number; batch: Pending[] } | undefined;
  let nextId = 0;
  /** Writers on this thread's connections waiting for a gap between batches (see whenIdle). */
  let waiting: (() => void)[] = [];
  /** Set while those writers take their turn: the next batch is sent after them. */
  let yielding = false;
  const letWaitingWrite = () => {
    if (waiting.length === 0) return false;
    const go = waiting;
    waiting = [];
    yielding = true;
    go.forEach((resolve) => resolve());
    // Their writes run in the microtasks that follow; the next batch goes after them.
    setImmediate(() => {
      yielding = false;
      send();
    });
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
    if (inFlight || yielding || queue.length === 0) return;
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
     * Resolves when no batch is being committed, so a write on another connection issued right
     * then (in the same microtask run) finds the file's write lock free instead of sleeping in
     * SQLite's busy wait on this thread. Waiting writers go before the next batch.
     */
    whenIdle() {
      return inFlight ? new Promise<void>((resolve) => waiting.push(resolve)) : Promise.resolve();
    },
    async close() {
      await worker.terminate();
      letWaitingWrite();
    },
  };
}
