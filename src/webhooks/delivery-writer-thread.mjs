// The webhook deliveries' writer thread (Node only; see sqlite-delivery-recorder.ts). Plain
// JavaScript: a worker thread does not inherit the tsx loader the CLI registers.
import { closeSync, fdatasync, fstatSync, fsyncSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.path);
db.pragma('journal_mode = WAL');
// A commit only writes the WAL; what makes it durable is the fdatasync of the WAL file below,
// which every answer waits for (docs/reliability.md, "Power loss"). Off the commit, the fsync
// no longer holds the file's write lock, and the next batch commits while it runs.
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 5000');
// Checkpoints are the engine's thread's (db/sqlite.ts checkpointEvery): never in a commit that answers webhooks.
db.pragma('wal_autocheckpoint = 0');
const insert = db.prepare(
  `INSERT INTO webhook_deliveries (invocation_id, webhook_id, ticket_id, event, body, received_at, status, next_run_at)
   VALUES (?, ?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT (invocation_id) DO NOTHING RETURNING invocation_id`,
);
// One transaction for every batch received since the last commit.
const write = db.transaction((batches) =>
  batches.map(({ id, rows }) => ({
    id,
    inserted: rows.filter((d) => insert.get(d.invocationId, d.webhookId, d.ticketId, d.event, d.body, d.receivedAt, d.receivedAt) !== undefined).map((d) => d.invocationId),
  })),
);

const walPath = `${workerData.path}-wal`;
// A read opens (creates) the WAL file; its folder entry is made durable once, as SQLite does for a file it creates.
db.prepare('SELECT 1 FROM webhook_deliveries LIMIT 1').get();
const folder = openSync(dirname(walPath), 'r');
fsyncSync(folder);
closeSync(folder);
let wal = openWal();

function openWal() {
  const fd = openSync(walPath, 'r');
  return { fd, ino: fstatSync(fd).ino };
}

/** The WAL file's descriptor, opened again if the file was replaced (never while this connection is open; checked anyway). */
function walFd() {
  const now = statSync(walPath, { throwIfNoEntry: false });
  if (now?.ino === wal.ino) return wal.fd;
  closeSync(wal.fd);
  wal = openWal();
  return wal.fd;
}

/** Answers committed and waiting for the fdatasync that makes them durable. */
let unsynced = [];
let syncing = false;

function syncThenAnswer() {
  if (syncing || unsynced.length === 0) return;
  const answers = unsynced;
  unsynced = [];
  syncing = true;
  let fd;
  try {
    fd = walFd();
  } catch {
    // No WAL file to sync: a checkpoint syncs the WAL (if any) and the database file, the same promise.
    db.pragma('wal_checkpoint(FULL)');
    syncing = false;
    answers.forEach((answer) => parentPort.postMessage(answer));
    syncThenAnswer();
    return;
  }
  // Every frame written before this call is on disk when it returns: the commits of these answers.
  fdatasync(fd, (err) => {
    syncing = false;
    for (const answer of answers) parentPort.postMessage(err ? { failed: answer.batches.map((b) => b.id), error: `syncing the write-ahead log failed: ${err.message}` } : answer);
    syncThenAnswer();
  });
}

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
 * Commits what it holds in one transaction and starts the sync that answers it. What arrived
 * meanwhile (read off the port at once) is committed a turn later, when the finished syncs have
 * answered; only when nothing is left is the writer idle and may the engine's writes go (had it
 * said idle between commits, the engine would have come in ahead of the flood).
 */
function commit() {
  const batches = received;
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
  if ('failed' in answer) parentPort.postMessage(answer);
  else unsynced.push(answer);
  syncThenAnswer();
  received = drainPort();
  if (received.length > 0) setImmediate(commit);
  else busy(false);
}

function drainPort() {
  const batches = [];
  for (let m = receiveMessageOnPort(parentPort); m !== undefined; m = receiveMessageOnPort(parentPort)) batches.push(m.message);
  return batches;
}
