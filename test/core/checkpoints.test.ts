import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { checkpointEvery, JOURNAL_SIZE_LIMIT, openSqlite } from '../../src/db/sqlite';

/** A promise and its resolve, to wait for an event instead of a time. */
function signal<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe("the engine thread's checkpoints", () => {
  // Under the run's temp folder, which the global setup removes (test/support/temp-dir.ts).
  function open() {
    const path = join(mkdtempSync(join(tmpdir(), 'orc-checkpoints-')), 'orc.db');
    const handle = openSqlite(path, { synchronous: 'NORMAL' });
    // A writer like the webhook recorder: NORMAL, never checkpoints.
    const writer = new Database(path);
    writer.pragma('synchronous = NORMAL');
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec('CREATE TABLE IF NOT EXISTS flood (x TEXT)');
    const insert = writer.prepare('INSERT INTO flood VALUES (?)');
    /** `commits` commits of 20 rows each, as a flood's turns are. */
    const flood = (commits: number) => {
      for (let i = 0; i < commits; i++) writer.transaction(() => Array.from({ length: 20 }, () => insert.run('x'.repeat(200))))();
    };
    const walBytes = () => statSync(`${path}-wal`).size;
    return { handle, flood, walBytes, close: () => (writer.close(), handle.close()) };
  }

  it('runs each checkpoint in a write turn, so it backfills every frame and the next commit rewrites the WAL from its start', async () => {
    const { handle, flood, walBytes, close } = open();
    try {
      expect(handle.sqlite.pragma('journal_size_limit', { simple: true })).toBe(JOURNAL_SIZE_LIMIT);
      flood(200);
      const afterOneFlood = walBytes();
      // What a second checkpoint, right after the first, finds still to copy.
      const checkpointed = signal<{ log: number; checkpointed: number }>();
      let turns = 0;
      const stop = checkpointEvery(handle, 1, {
        turn: async (write) => {
          turns++;
          await write();
          // The next timer tick would checkpoint again; one is what this test looks at.
          stop();
          checkpointed.resolve((handle.sqlite.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[])[0]!);
        },
      });
      const result = await checkpointed.promise;
      expect(turns).toBe(1);
      // Nothing left to copy: every frame of the flood is in the database file.
      expect(result.checkpointed).toBe(result.log);
      flood(200);
      // The second flood rewrote the same file from its start instead of doubling it.
      expect(walBytes()).toBeLessThanOrEqual(afterOneFlood);
    } finally {
      close();
    }
  });

  it('reports a checkpoint that fails and tries again at the next tick', async () => {
    const { handle, close } = open();
    const failures: unknown[] = [];
    const twice = signal();
    let turns = 0;
    const stop = checkpointEvery(handle, 1, {
      turn: async (write) => {
        turns++;
        if (turns === 1) throw new Error('the write lock is gone');
        await write();
        stop();
        twice.resolve();
      },
      onError: (err) => failures.push(err),
    });
    try {
      await twice.promise;
      expect(turns).toBe(2);
      expect(failures).toHaveLength(1);
      expect(String(failures[0])).toMatch(/the write lock is gone/);
    } finally {
      stop();
      close();
    }
  });
});
