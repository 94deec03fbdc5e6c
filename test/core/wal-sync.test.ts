import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createWalSync } from '../../src/db/wal-sync';

describe('syncing the write-ahead log off the commit', () => {
  it('resolves each caller after a sync, shares one among callers that arrive while one runs, and falls back when the WAL file is gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orc-wal-sync-'));
    const path = join(dir, 'orc.db');
    const db = new Database(path);
    try {
      db.pragma('journal_mode = WAL');
      db.exec('CREATE TABLE t (x)');
      let fallbacks = 0;
      const wal = createWalSync(path, () => void fallbacks++);
      db.exec('INSERT INTO t VALUES (1)');
      await wal.sync();
      // The first starts at once; the next two began while it ran and share the one after it.
      const [first, second, third] = [wal.sync(), wal.sync(), wal.sync()];
      expect(second).toBe(third);
      expect(first).not.toBe(second);
      await Promise.all([first, second, third]);
      expect(fallbacks).toBe(0);
      renameSync(`${path}-wal`, join(dir, 'moved-away'));
      await wal.sync();
      expect(fallbacks).toBe(1);
      wal.close();
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
