import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';
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
 */
export function openSqlite(path: string, options: { migrationsFolder?: string } = {}): SqliteHandle {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: options.migrationsFolder ?? MIGRATIONS_FOLDER });
  return { db: db as unknown as Db, sqlite, close: () => sqlite.close() };
}
