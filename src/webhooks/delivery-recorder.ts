import { sql } from 'drizzle-orm';
import type { Db } from '../db/types';

export interface IncomingDelivery {
  invocationId: string;
  webhookId: string | null;
  ticketId: number;
  event: string | null;
  body: string;
  receivedAt: number;
}

/**
 * What recording a delivery came to: 'new' (pending, for the engine), 'coalesced' (new, but an
 * earlier delivery of its ticket is still pending: that one's ticket read, not begun yet, answers
 * it too, so it is recorded done), or 'duplicate' (that invocation was already recorded).
 */
export type RecordOutcome = 'new' | 'coalesced' | 'duplicate';

export interface DeliveryRecorder {
  /** Resolves once the delivery is durable. */
  record(delivery: IncomingDelivery): Promise<RecordOutcome>;
}

export type PendingDelivery = { delivery: IncomingDelivery; resolve: (r: RecordOutcome) => void; reject: (e: unknown) => void };

/** A row the insert made: its invocation id and the status it was recorded with. */
interface Inserted {
  invocation_id: string;
  status: string;
}

/** Answers a committed batch's callers; the same invocation twice in one batch: only the first is recorded. */
function settleBatch(batch: PendingDelivery[], inserted: readonly Inserted[]): void {
  const fresh = new Map(inserted.map((r) => [r.invocation_id, r.status]));
  for (const item of batch) {
    const status = fresh.get(item.delivery.invocationId);
    fresh.delete(item.delivery.invocationId);
    item.resolve(status === undefined ? 'duplicate' : status === 'pending' ? 'new' : 'coalesced');
  }
}

/**
 * A pending delivery of the ticket (claimed by no engine yet, so its read begins after a delivery
 * recorded now and answers both), written with the literal term of the deliveries' partial
 * indexes (db/schema.ts deliveryLive) so SQLite finds it through webhook_deliveries_ticket.
 */
const pendingOfTicket = (ticket: string) => `SELECT 1 FROM webhook_deliveries w WHERE w.ticket_id = ${ticket} AND w.status = 'pending' AND w.status in ('pending', 'running')`;

/**
 * The same record as insertDeliveriesSql's, in two statements a row for one connection that runs
 * them in one BEGIN IMMEDIATE transaction (no claim can come between them): the look (`?` the
 * ticket id), then the insert (invocation id, webhook id, ticket id, event, body, received at,
 * status, next run at, processed at), which changes no row for a duplicate invocation id.
 * Measured: two-thirds of the single statement's cost a row (no INSERT ... SELECT, no RETURNING).
 */
export const PENDING_OF_TICKET_SQL = `${pendingOfTicket('?')} LIMIT 1`;
export const INSERT_DELIVERY_SQL = `INSERT INTO webhook_deliveries (invocation_id, webhook_id, ticket_id, event, body, received_at, status, next_run_at, processed_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (invocation_id) DO NOTHING`;

/**
 * Records deliveries (rows of `?` x 6: invocation id, webhook id, ticket id, event, body, received
 * at), each as done when an earlier delivery of its ticket is pending (claimed by no engine yet,
 * so its read begins after this one arrived and answers both), else pending; one statement, so
 * no claim comes between the look and the insert, on SQLite and D1. The look is the literal
 * term of the deliveries' partial indexes (db/schema.ts deliveryLive). Rows of one statement do
 * not see each other (SQLite reads the SELECT before inserting). A duplicate invocation id
 * inserts nothing; RETURNING says which rows were recorded and how.
 */
export function insertDeliveriesSql(rows: number): string {
  const values = Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?)').join(', ');
  return `INSERT INTO webhook_deliveries (invocation_id, webhook_id, ticket_id, event, body, received_at, status, next_run_at, processed_at)
    SELECT column1, column2, column3, column4, column5, column6, CASE WHEN waiting THEN 'done' ELSE 'pending' END, column6, CASE WHEN waiting THEN column6 END
    FROM (SELECT v.*, EXISTS (${pendingOfTicket('v.column3')}) AS waiting
          FROM (VALUES ${values}) v)
    WHERE true
    ON CONFLICT (invocation_id) DO NOTHING RETURNING invocation_id, status`;
}

export const deliveryParams = (d: IncomingDelivery) => [d.invocationId, d.webhookId, d.ticketId, d.event, d.body, d.receivedAt];

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
        const params = batch.flatMap(({ delivery }) => deliveryParams(delivery));
        // The statement's text with each `?` bound to its value by Drizzle (D1 or SQLite).
        const text = insertDeliveriesSql(batch.length).split('?');
        const inserted = await db.all<Inserted>(sql.join(text.flatMap((part, i) => (i < params.length ? [sql.raw(part), sql`${params[i]}`] : [sql.raw(part)]))));
        settleBatch(batch, inserted);
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
