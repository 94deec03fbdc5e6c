import { Worker } from 'node:worker_threads';
import { settleBatch, type DeliveryRecorder, type PendingDelivery as Pending } from './delivery-recorder';

/**
 * Group commit on a writer thread (Node): the same contract as `createDeliveryRecorder`
 * (answer only after the delivery is committed, duplicates by invocation id), but the insert
 * and its fsync run on their own SQLite connection in a worker thread, so the event loop keeps
 * reading and verifying requests while a batch is made durable. One batch is in flight at a
 * time; deliveries arriving meanwhile form the next one.
 */
export function createThreadedDeliveryRecorder(path: string): DeliveryRecorder & { close(): Promise<void> } {
  const worker = new Worker(new URL('./delivery-writer-thread.mjs', import.meta.url), { workerData: { path } });
  worker.unref();
  let queue: Pending[] = [];
  let inFlight: { id: number; batch: Pending[] } | undefined;
  let nextId = 0;

  const fail = (err: unknown) => {
    for (const item of [...(inFlight?.batch ?? []), ...queue]) item.reject(err);
    inFlight = undefined;
    queue = [];
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
    send();
  });

  function send(): void {
    if (inFlight || queue.length === 0) return;
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
    async close() {
      await worker.terminate();
    },
  };
}
