import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import * as schema from '../../src/db/schema';
import { webhookDeliveries } from '../../src/db/schema';
import type { Db } from '../../src/db/types';
import { openSqlite } from '../../src/db/sqlite';
import { cacheStatements } from '../../src/db/statement-cache';

describe('the statement cache of a connection', () => {
  const open: Array<{ close(): void }> = [];
  afterEach(() => open.splice(0).forEach((c) => c.close()));

  function connection(size?: number) {
    const sqlite = new Database(':memory:');
    open.push(sqlite);
    sqlite.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t (v) VALUES (\'a\'), (\'b\')');
    cacheStatements(sqlite, size);
    return sqlite;
  }

  it('compiles a text once and hands the same statement back', () => {
    const sqlite = connection();
    const first = sqlite.prepare('SELECT v FROM t WHERE id = ?');
    expect(sqlite.prepare('SELECT v FROM t WHERE id = ?')).toBe(first);
    expect(sqlite.prepare('SELECT v FROM t WHERE id = ?').get(2)).toEqual({ v: 'b' });
  });

  it('hands a reader back in object mode, whatever mode its last user left it in', () => {
    const sqlite = connection();
    expect(sqlite.prepare('SELECT id, v FROM t ORDER BY id').raw().all()).toEqual([[1, 'a'], [2, 'b']]);
    expect(sqlite.prepare('SELECT id, v FROM t ORDER BY id').all()).toEqual([{ id: 1, v: 'a' }, { id: 2, v: 'b' }]);
    expect(sqlite.prepare('SELECT id, v FROM t ORDER BY id').pluck().all()).toEqual([1, 2]);
    expect(sqlite.prepare('SELECT id, v FROM t ORDER BY id').get()).toEqual({ id: 1, v: 'a' });
  });

  it('compiles a second statement while the first is busy iterating', () => {
    const sqlite = connection();
    const text = 'SELECT v FROM t ORDER BY id';
    const outer = sqlite.prepare(text);
    const seen: string[] = [];
    for (const row of outer.iterate() as Iterable<{ v: string }>) {
      const inner = sqlite.prepare(text);
      expect(inner).not.toBe(outer);
      seen.push(`${row.v}:${(inner.all() as Array<{ v: string }>).map((r) => r.v).join('')}`);
    }
    expect(seen).toEqual(['a:ab', 'b:ab']);
  });

  it('keeps at most `size` statements, dropping the least recently used', () => {
    const sqlite = connection(2);
    const a = sqlite.prepare('SELECT 1');
    const b = sqlite.prepare('SELECT 2');
    expect(sqlite.prepare('SELECT 1')).toBe(a); // a is now the most recent
    sqlite.prepare('SELECT 3'); // drops b
    expect(sqlite.prepare('SELECT 1')).toBe(a);
    expect(sqlite.prepare('SELECT 2')).not.toBe(b);
  });

  it("serves Drizzle's typed selects (raw rows) and plain SQL of the same text alike", async () => {
    const handle = openSqlite(':memory:');
    open.push(handle);
    await handle.db.insert(webhookDeliveries).values({ invocationId: 'inv-1', ticketId: 7, body: '{}', receivedAt: 1 });
    const typed = handle.db.select({ invocationId: webhookDeliveries.invocationId, ticketId: webhookDeliveries.ticketId }).from(webhookDeliveries);
    const text = typed.toSQL().sql;
    for (let i = 0; i < 2; i++) {
      expect(await typed).toEqual([{ invocationId: 'inv-1', ticketId: 7 }]);
      expect(await handle.db.all(sql.raw(text))).toEqual([{ invocation_id: 'inv-1', ticket_id: 7 }]);
    }
  });
});

describe('values kept per connection (db/per-db.ts)', () => {
  it('makes once for an in-process SQLite connection and at each use elsewhere (D1)', async () => {
    const { perDb } = await import('../../src/db/per-db');
    const made: unknown[] = [];
    const get = perDb((db) => made.push(db));
    const sqliteHandle = openSqlite(':memory:');
    try {
      get(sqliteHandle.db);
      get(sqliteHandle.db);
      expect(made).toHaveLength(1);
      const other = drizzleOver(sqliteHandle);
      get(other);
      get(other);
      expect(made).toHaveLength(3);
    } finally {
      sqliteHandle.close();
    }
  });
});

/** A Drizzle database not opened by openSqlite: like the Worker's D1 one, nothing marks it. */
const drizzleOver = (handle: { sqlite: Database.Database }) => drizzle(handle.sqlite, { schema }) as unknown as Db;
