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
  sqlite.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
  cacheStatements(sqlite);
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: options.migrationsFolder ?? MIGRATIONS_FOLDER });
  keepPerDb(db as unknown as Db);
  return { db: db as unknown as Db, sqlite, close: () => sqlite.close() };
}

/**
 * The most a WAL file keeps on disk once SQLite restarts it (PRAGMA journal_size_limit): a flood
 * the checkpoints fell behind on does not leave a file of hundreds of megabytes behind it.
 */
export const JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024;

/**
 * Takes checkpoints of the WAL on a timer instead of at commits (the connection's automatic
 * checkpoint is turned off): a checkpoint copies pages and fsyncs the file, and at a commit it
 * ran inside the engine's turn of the write lock the webhook recorder waits on (db/write-lock.ts).
 * PASSIVE never waits for writers. The webhook recorder never checkpoints; the app connections
 * keep SQLite's automatic one (a backstop while this thread is down). Returns the stop.
 *
 * With `turn` (the engine's thread, which shares the file with the recorder), each checkpoint
 * runs in a write turn, so no commit lands while it copies: it backfills every frame and the
 * next commit restarts the WAL from its start. Without that, under a steady flood of commits a
 * PASSIVE checkpoint never caught up, SQLite never restarted the log, and the WAL grew by ~30 MB
 * a second (345 MB after the webhook bench's 12 s round), each commit's fsync also extending the
 * file. A failed checkpoint is reported and the next tick tries again.
 */
export function checkpointEvery(handle: SqliteHandle, ms: number, options: { turn?: (checkpoint: () => Promise<void>) => Promise<void>; onError?: (err: unknown) => void } = {}): () => void {
  handle.sqlite.pragma('wal_autocheckpoint = 0');
  const checkpoint = async () => void handle.sqlite.pragma('wal_checkpoint(PASSIVE)');
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    (options.turn ? options.turn(checkpoint) : checkpoint())
      .catch((err: unknown) => options.onError?.(err))
      .finally(() => {
        running = false;
      });
  }, ms);
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
