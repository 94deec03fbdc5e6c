// The webhook deliveries' writer thread (Node only; see sqlite-delivery-recorder.ts). Plain
// JavaScript: a worker thread does not inherit the tsx loader the CLI registers.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.path);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');
const insert = db.prepare(
  `INSERT INTO webhook_deliveries (invocation_id, webhook_id, ticket_id, event, body, received_at, status, next_run_at)
   VALUES (?, ?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT (invocation_id) DO NOTHING RETURNING invocation_id`,
);
// One transaction per batch: one fsync however many deliveries it holds.
const write = db.transaction((rows) => rows.filter((d) => insert.get(d.invocationId, d.webhookId, d.ticketId, d.event, d.body, d.receivedAt, d.receivedAt) !== undefined).map((d) => d.invocationId));

parentPort.on('message', ({ id, rows }) => {
  try {
    parentPort.postMessage({ id, inserted: write(rows) });
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
