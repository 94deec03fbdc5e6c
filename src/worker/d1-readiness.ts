import { sql } from 'drizzle-orm';
import journal from '../../migrations/meta/_journal.json' with { type: 'json' };
import type { Db, Readiness } from '../db/types';

/**
 * Ready when D1 answers and every migration in migrations/ is applied. `wrangler d1 migrations
 * apply` records them by file name in d1_migrations (not drizzle's __drizzle_migrations), so
 * the check compares names; the journal is bundled, as a Worker has no file system.
 */
export function d1Readiness(db: Db): () => Promise<Readiness> {
  const expected = journal.entries.map((e) => `${e.tag}.sql`);
  return async () => {
    const [table] = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'd1_migrations'`);
    const rows = table?.n ? await db.all<{ name: string }>(sql`SELECT name FROM d1_migrations`) : [];
    const applied = new Set(rows.map((r) => r.name));
    const missing = expected.filter((name) => !applied.has(name));
    return {
      ok: missing.length === 0,
      checks: { database: 'ok', migrations: `${expected.length - missing.length}/${expected.length} applied${missing.length > 0 ? ` (missing ${missing.join(', ')}; run wrangler d1 migrations apply DB)` : ''}` },
    };
  };
}
