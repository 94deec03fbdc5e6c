import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { WalSync } from '../../src/db/wal-sync';
import { startWalSyncThread, type WalSyncThread } from '../../src/db/wal-sync-thread';


const MODULE = fileURLToPath(new URL('../../src/db/wal-sync-thread.ts', import.meta.url));

/** A WAL-mode database with a commit in its WAL, as the recorder leaves it. */
function walDatabase() {
  const path = join(mkdtempSync(join(tmpdir(), 'orc-wal-thread-')), 'orc.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE t (x)');
  return { db, walPath: `${path}-wal` };
}

/** The inline sync, counted. */
function countingFallback() {
  const fallback = { syncs: 0, sync: () => void fallback.syncs++, close: () => {} } satisfies WalSync & { syncs: number };
  return fallback;
}

const synced = (wal: WalSyncThread) => new Promise<Error | undefined>((resolve) => wal.sync(resolve));

describe('the WAL sync thread', () => {
  it('answers each sync after one the thread made, in the order asked, without the inline fallback', async () => {
    const { db, walPath } = walDatabase();
    const fallback = countingFallback();
    const wal = startWalSyncThread(walPath, { fallback });
    try {
      const order: number[] = [];
      const waits = [1, 2, 3].map((n) => {
        db.prepare('INSERT INTO t VALUES (?)').run(n);
        return new Promise<Error | undefined>((resolve) =>
          wal.sync((err) => {
            order.push(n);
            resolve(err);
          }),
        );
      });
      expect(await Promise.all(waits)).toEqual([undefined, undefined, undefined]);
      expect(order).toEqual([1, 2, 3]);
      expect(fallback.syncs).toBe(0);
    } finally {
      await wal.close();
      db.close();
    }
  });

  it('refuses what a failed fdatasync covered, naming the error, and goes on syncing', async () => {
    // fdatasync on /dev/null fails with EINVAL: the thread's sync is the one that fails.
    const fallback = countingFallback();
    const wal = startWalSyncThread('/dev/null', { fallback });
    try {
      const err = await synced(wal);
      expect(err?.message).toBe('syncing the write-ahead log failed: EINVAL');
      expect(await synced(wal)).toBeInstanceOf(Error);
      expect(fallback.syncs).toBe(0);
    } finally {
      await wal.close();
    }
  });

  it('falls back to the inline sync, for what waits and what follows, when the thread cannot start', async () => {
    const fallback = countingFallback();
    const errors: Error[] = [];
    const wal = startWalSyncThread(join(tmpdir(), 'no-such-folder', 'orc.db-wal'), { fallback, onThreadError: (err) => errors.push(err) });
    try {
      expect(await synced(wal)).toBeUndefined();
      expect(errors.map((e) => e.message).join()).toMatch(/ENOENT/);
      expect(fallback.syncs).toBe(1);
      // Inline from now on: answered before sync() returns.
      let answered = false;
      wal.sync(() => (answered = true));
      expect(answered).toBe(true);
      expect(fallback.syncs).toBe(2);
    } finally {
      await wal.close();
    }
  });

  it('lets the syncs asked for finish on close, then refuses new ones', async () => {
    const { db, walPath } = walDatabase();
    const wal = startWalSyncThread(walPath, { fallback: countingFallback() });
    try {
      db.prepare('INSERT INTO t VALUES (1)').run();
      const answers: (Error | undefined)[] = [];
      wal.sync((err) => answers.push(err));
      wal.sync((err) => answers.push(err));
      await wal.close();
      expect(answers).toEqual([undefined, undefined]);
      expect(() => wal.sync(() => {})).toThrow('the WAL sync thread is closed');
    } finally {
      db.close();
    }
  });

  it('keeps the process alive only while a sync is awaited', async () => {
    // The database stays open here, so its WAL file does.
    const { db, walPath } = walDatabase();
    // Never closed: the process must still end once its one sync is answered.
    const script = `
      import { startWalSyncThread } from ${JSON.stringify(MODULE)};
      const wal = startWalSyncThread(${JSON.stringify(walPath)}, { fallback: { sync() { throw new Error('fallback used'); }, close() {} } });
      wal.sync((err) => console.log(err ? err.message : 'synced'));
    `;
    try {
      const result = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
        execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], (err, stdout) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout }));
      });
      expect(result).toEqual({ code: 0, stdout: 'synced\n' });
    } finally {
      db.close();
    }
  });
});
