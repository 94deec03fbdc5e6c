import { webhookDeliveries } from '../db/schema';
import type { Db } from '../db/types';

export interface IncomingDelivery {
  invocationId: string;
  webhookId: string | null;
  ticketId: number;
  event: string | null;
  body: string;
  receivedAt: number;
}

export interface DeliveryRecorder {
  /** Resolves once the delivery is durable: 'new', or 'duplicate' if that invocation was seen. */
  record(delivery: IncomingDelivery): Promise<'new' | 'duplicate'>;
}

/** Runs a write on another connection to the deliveries' database file when it will not wait on their writer's lock. */
export type WriteTurn = <T>(write: () => Promise<T>) => Promise<T>;

export type PendingDelivery = { delivery: IncomingDelivery; resolve: (r: 'new' | 'duplicate') => void; reject: (e: unknown) => void };

/** Answers a committed batch's callers; the same invocation twice in one batch: only the first gets 'new'. */
export function settleBatch(batch: PendingDelivery[], inserted: readonly string[]): void {
  const fresh = new Set(inserted);
  for (const item of batch) item.resolve(fresh.delete(item.delivery.invocationId) ? 'new' : 'duplicate');
}

// SQLite allows 32766 bound parameters per statement; 6 per row leaves ample room.
const MAX_BATCH = 500;

/**
 * Group commit: deliveries that arrive while the event loop is busy are written together in
 * ONE multi-row INSERT ... ON CONFLICT DO NOTHING (atomic without a transaction, on SQLite
 * and D1), and each caller is answered only after that statement committed. Under load this
 * turns one fsync per webhook into one per batch; alone, a delivery waits one tick.
 */
export function createDeliveryRecorder(db: Db, schedule: (fn: () => void) => void = (fn) => setImmediate(fn)): DeliveryRecorder {
  let queue: PendingDelivery[] = [];
  let scheduled = false;

  async function flush(): Promise<void> {
    scheduled = false;
    while (queue.length > 0) {
      const batch = queue.slice(0, MAX_BATCH);
      queue = queue.slice(MAX_BATCH);
      try {
        const inserted = await db
          .insert(webhookDeliveries)
          .values(batch.map(({ delivery: d }) => ({ ...d, status: 'pending' as const, nextRunAt: d.receivedAt })))
          .onConflictDoNothing({ target: webhookDeliveries.invocationId })
          .returning({ invocationId: webhookDeliveries.invocationId });
        settleBatch(batch, inserted.map((r) => r.invocationId));
      } catch (err) {
        for (const item of batch) item.reject(err);
      }
    }
  }

  return {
    record(delivery) {
      return new Promise((resolve, reject) => {
        queue.push({ delivery, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          schedule(() => void flush());
        }
      });
    },
  };
}
