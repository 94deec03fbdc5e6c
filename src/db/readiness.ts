import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Db, Readiness } from './types';
import { MIGRATIONS_FOLDER } from './sqlite';

/** Ready when the database answers and every migration in migrations/ has been applied. */
export function sqliteReadiness(db: Db): () => Promise<Readiness> {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
  const expected = journal.entries.length;
  return async () => {
    const rows = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM __drizzle_migrations`);
    const applied = rows[0]?.n ?? 0;
    const ok = applied >= expected;
    return { ok, checks: { database: 'ok', migrations: `${applied}/${expected} applied` } };
  };
}
