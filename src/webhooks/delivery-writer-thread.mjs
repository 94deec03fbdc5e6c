// The webhook deliveries' writer thread (Node only; see sqlite-delivery-recorder.ts). Plain
// JavaScript: a worker thread does not inherit the tsx loader the CLI registers.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.path);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');
// Checkpoints are the engine's thread's (db/sqlite.ts checkpointEvery): never in a commit that answers webhooks.
db.pragma('wal_autocheckpoint = 0');
const insert = db.prepare(
  `INSERT INTO webhook_deliveries (invocation_id, webhook_id, ticket_id, event, body, received_at, status, next_run_at)
   VALUES (?, ?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT (invocation_id) DO NOTHING RETURNING invocation_id`,
);
// One transaction for every batch received since the last commit: one fsync however many they hold.
const write = db.transaction((batches) =>
  batches.map(({ id, rows }) => ({
    id,
    inserted: rows.filter((d) => insert.get(d.invocationId, d.webhookId, d.ticketId, d.event, d.body, d.receivedAt, d.receivedAt) !== undefined).map((d) => d.invocationId),
  })),
);

// The write lock shared with the engine's thread (src/db/write-lock.ts has the layout and why).
const HOLDER = 0;
const INTAKE_BUSY = 1;
const ENGINE_WAITING = 2;
const ENGINE_TURN = 3;
const INTAKE = 1;
const MAX_WAIT_MS = 5000;
const cells = new Int32Array(workerData.writeLock);

/** Says whether deliveries wait to be committed: while they do, the engine's writes wait their turn. */
function busy(yes) {
  Atomics.store(cells, INTAKE_BUSY, yes ? 1 : 0);
  if (!yes) Atomics.notify(cells, INTAKE_BUSY);
}

/** Waits for the lock (this thread has nothing else to do meanwhile); false after MAX_WAIT_MS. */
function lock() {
  const deadline = performance.now() + MAX_WAIT_MS;
  for (;;) {
    const engineFirst = Atomics.load(cells, ENGINE_TURN) === 1 && Atomics.load(cells, ENGINE_WAITING) > 0;
    if (!engineFirst && Atomics.compareExchange(cells, HOLDER, 0, INTAKE) === 0) return true;
    const left = deadline - performance.now();
    if (left <= 0) return false;
    // Woken by a release; at most 1 ms while the engine's turn is being taken.
    Atomics.wait(cells, HOLDER, Atomics.load(cells, HOLDER), Math.min(left, 1));
  }
}

function unlock() {
  Atomics.store(cells, HOLDER, 0);
  Atomics.notify(cells, HOLDER);
}

let received = [];
parentPort.on('message', (batch) => {
  if (received.length === 0) {
    busy(true);
    setImmediate(commit);
  }
  received.push(batch);
});

/**
 * Commits what it holds, then at once what arrived during that commit (read off the port
 * without waiting for an event-loop turn), until nothing is left: only then is the writer idle
 * and the engine's writes may go (a turn between commits let the engine in ahead of the flood).
 */
function commit() {
  for (let batches = received; batches.length > 0; batches = drainPort()) {
    received = [];
    const held = lock();
    let answer;
    try {
      answer = { batches: write(batches) };
    } catch (err) {
      answer = { failed: batches.map((b) => b.id), error: err instanceof Error ? err.message : String(err) };
    } finally {
      if (held) unlock();
    }
    parentPort.postMessage(answer);
  }
  busy(false);
}

function drainPort() {
  const batches = [];
  for (let m = receiveMessageOnPort(parentPort); m !== undefined; m = receiveMessageOnPort(parentPort)) batches.push(m.message);
  return batches;
}
