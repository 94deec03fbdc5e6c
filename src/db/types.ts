import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type * as schema from './schema';

/**
 * The database as the rest of the code sees it: Drizzle over better-sqlite3 (sync driver) on
 * Node or D1 (async driver) on Workers. Code always `await`s queries, which works for both,
 * and never opens interactive transactions (D1 has none): atomicity comes from single
 * statements (conditional UPDATE ... RETURNING, multi-row INSERT ... ON CONFLICT).
 */
export type Db = BaseSQLiteDatabase<'sync' | 'async', unknown, typeof schema>;

/** Whether the database is ready to serve (it answers, its migrations are applied), check by check. */
export interface Readiness {
  ok: boolean;
  checks: Record<string, string>;
}
