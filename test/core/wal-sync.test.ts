import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createWalSync } from '../../src/db/wal-sync';

describe('syncing the write-ahead log off the commit', () => {
  it('syncs the WAL file in the call, and falls back when the WAL file is gone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'orc-wal-sync-'));
    const path = join(dir, 'orc.db');
    const db = new Database(path);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.exec('CREATE TABLE t (x)');
      let fallbacks = 0;
      const wal = createWalSync(path, () => void fallbacks++);
      db.exec('INSERT INTO t VALUES (1)');
      wal.sync();
      wal.sync();
      expect(fallbacks).toBe(0);
      renameSync(`${path}-wal`, join(dir, 'moved-away'));
      wal.sync();
      expect(fallbacks).toBe(1);
      wal.close();
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
