import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { keepPerDb } from './per-db';
import * as schema from './schema';
import { cacheStatements } from './statement-cache';
import type { Db } from './types';

export const MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), '../../migrations');

export interface SqliteHandle {
  db: Db;
  sqlite: Database.Database;
  close(): void;
}

/**
 * Opens (creating if needed) the SQLite file and applies pending migrations, so a fresh path
 * and an older database both come up at the current schema. WAL lets readers run while the
 * engine writes; synchronous=FULL makes a committed webhook delivery survive power loss.
 * `synchronous: 'NORMAL'` is for a connection whose writes are all safely redone if lost
 * (the engine's own bookkeeping; see docs/reliability.md, "Power loss").
 */
export function openSqlite(path: string, options: { migrationsFolder?: string; synchronous?: 'FULL' | 'NORMAL' } = {}): SqliteHandle {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  cacheStatements(sqlite);
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: options.migrationsFolder ?? MIGRATIONS_FOLDER });
  keepPerDb(db as unknown as Db);
  return { db: db as unknown as Db, sqlite, close: () => sqlite.close() };
}

/**
 * Takes checkpoints of the WAL on a timer instead of at commits (the connection's automatic
 * checkpoint is turned off): a checkpoint copies pages and fsyncs the file, and at a commit it
 * ran inside the engine's turn of the write lock the webhook writer waits on (db/write-lock.ts).
 * PASSIVE never waits for writers. The webhook writer never checkpoints; the app connections
 * keep SQLite's automatic one (a backstop while this thread is down). Returns the stop.
 */
export function checkpointEvery(handle: SqliteHandle, ms: number): () => void {
  handle.sqlite.pragma('wal_autocheckpoint = 0');
  const timer = setInterval(() => handle.sqlite.pragma('wal_checkpoint(PASSIVE)'), ms);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * The Node service's two connections to its database: the app's at synchronous=FULL (an
 * answer to an agent or a webhook promises the write is on disk) and the engine's own
 * bookkeeping (claims, leases, settles, memoised results, derived statuses) at NORMAL, which
 * keeps those commits off the disk's fsync on the HTTP server's event loop. A power loss may
 * take the engine's commits after the last FULL one, all of which are redone: docs/reliability.md,
 * "Power loss". An in-memory database is one connection, used for both.
 */
export function openServiceSqlite(path: string): { app: SqliteHandle; engine: SqliteHandle; close(): void } {
  const app = openSqlite(path);
  if (path === ':memory:') return { app, engine: app, close: () => app.close() };
  let engine: SqliteHandle;
  try {
    engine = openSqlite(path, { synchronous: 'NORMAL' });
  } catch (err) {
    app.close();
    throw err;
  }
  return {
    app,
    engine,
    close() {
      engine.close();
      app.close();
    },
  };
}
