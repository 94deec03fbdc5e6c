import Database from 'better-sqlite3';
import { createWalSync } from '../db/wal-sync';
import { startWalSyncThread } from '../db/wal-sync-thread';
import { JOURNAL_SIZE_LIMIT } from '../db/sqlite';
import { createWriteLockBuffer, intakeLock, MAX_WAIT_MS, releaseIntakeHold } from '../db/write-lock';
import { INSERT_DELIVERY_SQL, PENDING_OF_TICKET_SQL, type DeliveryRecorder, type PendingDelivery as Pending, type RecordOutcome } from './delivery-recorder';

/**
 * Group commit for a database file (Node): the same contract as `createDeliveryRecorder` (answer
 * only once the delivery is durable, duplicates by invocation id), on a connection of its own.
 *
 * The deliveries read in one event-loop turn are inserted in one transaction at
 * synchronous=NORMAL (a fraction of a millisecond: nothing is synced), the write lock is let go,
 * and the batch is answered after an fdatasync of the WAL file made on a thread of its own
 * (db/wal-sync-thread.ts) while this loop takes the next ones. So the fsync never holds the
 * file's write lock, and no delivery crosses a thread (a writer thread that also inserted cost
 * more in hand-offs than it saved: measured twice, no faster).
 *
 * The engine's thread writes the same file: the two take turns through the shared write lock
 * (db/write-lock.ts), intake first; a commit that finds the engine holding it waits for the
 * release without blocking the loop. A commit that still meets SQLite's lock (another process,
 * the engine thread's app connection) is retried a millisecond later, never slept on.
 */
export function createSqliteDeliveryRecorder(
  path: string,
  /** The write lock it shares with the engine's thread. */
  writeLock: SharedArrayBuffer = createWriteLockBuffer(),
  options: { onSyncThreadError?: (err: Error) => void } = {},
): DeliveryRecorder & { close(): Promise<void> } {
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  // Durable through the WAL sync below, which every answer waits for (docs/reliability.md, "Power loss").
  sqlite.pragma('synchronous = NORMAL');
  // Never a sleep on the HTTP thread: a busy file is retried a turn later.
  sqlite.pragma('busy_timeout = 0');
  // Checkpoints are the engine's thread's (db/sqlite.ts checkpointEvery).
  sqlite.pragma('wal_autocheckpoint = 0');
  // A flood's WAL is kept small by the engine's checkpoints; one left large after it is cut back at its next restart.
  sqlite.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
  const pendingOfTicket = sqlite.prepare<[number], 1>(PENDING_OF_TICKET_SQL).pluck();
  const insert = sqlite.prepare(INSERT_DELIVERY_SQL);
  // Row by row in one transaction: each sees the rows before it, so a burst for one ticket is coalesced within a batch too.
  const write = sqlite.transaction((batch: Pending[]): RecordOutcome[] =>
    batch.map(({ delivery: d }) => {
      const waiting = pendingOfTicket.get(d.ticketId) !== undefined;
      const { changes } = insert.run(d.invocationId, d.webhookId, d.ticketId, d.event, d.body, d.receivedAt, waiting ? 'done' : 'pending', d.receivedAt, waiting ? d.receivedAt : null);
      return changes === 0 ? 'duplicate' : waiting ? 'coalesced' : 'new';
    }),
  );
  // A read opens (creates) the WAL file the sync needs.
  sqlite.prepare('SELECT 1 FROM webhook_deliveries LIMIT 1').get();
  const inlineSync = createWalSync(path, () => sqlite.pragma('wal_checkpoint(FULL)'));
  const wal = startWalSyncThread(`${path}-wal`, { fallback: inlineSync, onThreadError: options.onSyncThreadError });
  const lock = intakeLock(writeLock);

  let queue: Pending[] = [];
  let scheduled = false;
  let closed = false;
  /** When the queue's first commit attempt was refused (lock or SQLite busy), to give up after MAX_WAIT_MS. */
  let refusedSince: number | undefined;

  function schedule(): void {
    if (scheduled || closed) return;
    scheduled = true;
    setImmediate(flush);
  }

  function retry(after: Promise<void>): void {
    refusedSince ??= performance.now();
    scheduled = true;
    void after.then(() => {
      scheduled = false;
      flush();
    });
  }

  function flush(): void {
    scheduled = false;
    if (queue.length === 0 || closed) return;
    const waitedTooLong = refusedSince !== undefined && performance.now() - refusedSince > MAX_WAIT_MS;
    const held = lock.tryLock();
    // Past MAX_WAIT_MS it writes without the lock: SQLite's own lock still decides.
    if (!held && !waitedTooLong) return retry(lock.released());
    const batch = queue;
    queue = [];
    let outcomes: RecordOutcome[];
    try {
      // IMMEDIATE: the look and the insert are one write, so no claim comes between them.
      outcomes = write.immediate(batch);
    } catch (err) {
      if (held) lock.unlock();
      if (isBusy(err) && !waitedTooLong) {
        queue = [...batch, ...queue];
        return retry(new Promise((resolve) => setTimeout(resolve, 1)));
      }
      refusedSince = undefined;
      for (const item of batch) item.reject(err);
      lock.busy(queue.length > 0);
      return;
    }
    if (held) lock.unlock();
    refusedSince = undefined;
    lock.busy(queue.length > 0);
    wal.sync((err) => {
      if (err) for (const item of batch) item.reject(err);
      else batch.forEach((item, i) => item.resolve(outcomes[i]!));
    });
  }

  return {
    record(delivery) {
      // Answers the batches whose sync has finished since the loop last looked.
      wal.poll();
      if (closed) return Promise.reject(new Error('the webhook recorder is closed'));
      return new Promise((resolve, reject) => {
        // The lock hears of the first only: the flush says when the queue is empty again.
        if (queue.push({ delivery, resolve, reject }) === 1) lock.busy(true);
        schedule();
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      // Nothing will answer them now: refused, so the sender redelivers.
      for (const item of queue.splice(0)) item.reject(new Error('the webhook recorder is closed'));
      // The batches committed are answered once their sync ends.
      await wal.close();
      inlineSync.close();
      sqlite.close();
      releaseIntakeHold(writeLock);
    },
  };
}

const isBusy = (err: unknown) => typeof err === 'object' && err !== null && 'code' in err && (err.code === 'SQLITE_BUSY' || err.code === 'SQLITE_BUSY_SNAPSHOT');
