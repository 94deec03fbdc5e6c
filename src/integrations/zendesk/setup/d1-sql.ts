import { getTableColumns } from 'drizzle-orm';
import { zendeskObjects } from '../../../db/schema';
import type { Db } from '../../../db/types';
import { readStoredObjects } from '../../../db/zendesk-objects';

const literal = (v: unknown) => (v === null || v === undefined ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`);

/**
 * What `zendesk setup` stored, as SQL for `wrangler d1 execute --file`: a Worker reads the
 * object ids and the webhook's signing secret from D1, while setup runs where SQLite is.
 * INSERT OR REPLACE, so applying it again after another setup run updates the rows.
 */
export async function storedObjectsSql(db: Db): Promise<{ sql: string; rows: number }> {
  const columns = Object.entries(getTableColumns(zendeskObjects));
  const rows = await readStoredObjects(db);
  const names = columns.map(([, c]) => c.name).join(', ');
  const sql = rows.map((row) => `INSERT OR REPLACE INTO zendesk_objects (${names}) VALUES (${columns.map(([k]) => literal(row[k as keyof typeof row])).join(', ')});\n`).join('');
  return { sql, rows: rows.length };
}
