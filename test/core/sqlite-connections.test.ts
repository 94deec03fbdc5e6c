import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { webhookDeliveries } from '../../src/db/schema';
import { openServiceSqlite } from '../../src/db/sqlite';

// PRAGMA synchronous reads 2 for FULL, 1 for NORMAL (sqlite.org/pragma.html#pragma_synchronous).
const FULL = 2;
const NORMAL = 1;

describe("the Node service's SQLite connections", () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("commits what answers promise at FULL and the engine's redoable bookkeeping at NORMAL, both in WAL on one file", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orc-connections-'));
    dirs.push(dir);
    const databases = openServiceSqlite(join(dir, 'orc.db'));
    try {
      const pragma = (h: typeof databases.app, name: string) => h.sqlite.pragma(name, { simple: true });
      expect(pragma(databases.app, 'synchronous')).toBe(FULL);
      expect(pragma(databases.engine, 'synchronous')).toBe(NORMAL);
      expect(pragma(databases.app, 'journal_mode')).toBe('wal');
      expect(pragma(databases.engine, 'journal_mode')).toBe('wal');
      // One database: what the engine writes, the app reads at once (no transaction is held open).
      await databases.engine.db.insert(webhookDeliveries).values({ invocationId: 'seen-by-both', ticketId: 1, body: '{}', receivedAt: 0 });
      expect(await databases.app.db.select({ id: webhookDeliveries.invocationId }).from(webhookDeliveries)).toEqual([{ id: 'seen-by-both' }]);
    } finally {
      databases.close();
    }
  });

  it('uses one FULL connection for an in-memory database (a second would be another database)', () => {
    const databases = openServiceSqlite(':memory:');
    try {
      expect(databases.engine).toBe(databases.app);
      expect(databases.app.sqlite.pragma('synchronous', { simple: true })).toBe(FULL);
    } finally {
      databases.close();
    }
  });
});
