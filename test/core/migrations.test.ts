import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { events, requests, steps } from '../../src/db/schema';
import { MIGRATIONS_FOLDER, openSqlite } from '../../src/db/sqlite';

/** A copy of migrations/ holding only the first `count` migrations: an older release's set. */
function olderMigrationSet(count: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'orc-migrations-'));
  mkdirSync(join(dir, 'meta'));
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string; idx: number }[] };
  const kept = journal.entries.slice(0, count);
  for (const e of kept) {
    cpSync(join(MIGRATIONS_FOLDER, `${e.tag}.sql`), join(dir, `${e.tag}.sql`));
    const snap = `${String(e.idx).padStart(4, '0')}_snapshot.json`;
    cpSync(join(MIGRATIONS_FOLDER, 'meta', snap), join(dir, 'meta', snap));
  }
  writeFileSync(join(dir, 'meta/_journal.json'), JSON.stringify({ ...journal, entries: kept }));
  return dir;
}

describe('migrations', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0));

  it('upgrades a database made by the first migration set without losing its rows', async () => {
    const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };
    expect(journal.entries.length).toBeGreaterThan(1);
    const path = join(mkdtempSync(join(tmpdir(), 'orc-db-')), 'old.db');

    const old = openSqlite(path, { migrationsFolder: olderMigrationSet(1) });
    const [req] = await old.db.insert(requests).values({ ticketId: 11, type: 'rerun', kind: 'studio', status: 'in_progress', params: { courseTitle: 'Signals' }, requestedAt: 1, updatedAt: 1 }).returning();
    await old.db.insert(steps).values({ requestId: req!.id, key: 'remove-hooks', position: 0, title: 'Remove hooks', kind: 'auto', status: 'done', result: { removed: 2 }, updatedAt: 1 });
    await old.db.insert(events).values({ requestId: req!.id, actor: 'agent:7', action: 'approved', at: 1 });
    expect(old.sqlite.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'zendesk_objects'").get()).toEqual({ n: 0 });
    // The ERD's team_members, written and never read, is dropped with its rows by a later migration.
    old.sqlite.prepare("INSERT INTO courses (course_number, title, kind, created_at) VALUES ('6.002', 'Circuits', 'xml', 1)").run();
    old.sqlite.prepare('INSERT INTO team_members (course_id, username) VALUES (1, ?)').run('ada');
    old.close();

    const upgraded = openSqlite(path);
    expect(upgraded.sqlite.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'zendesk_objects'").get()).toEqual({ n: 1 });
    expect(upgraded.sqlite.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'team_members'").get()).toEqual({ n: 0 });
    expect(await upgraded.db.select().from(requests)).toEqual([expect.objectContaining({ ticketId: 11, type: 'rerun', params: { courseTitle: 'Signals' } })]);
    expect(await upgraded.db.select().from(steps)).toEqual([expect.objectContaining({ key: 'remove-hooks', result: { removed: 2 } })]);
    expect(await upgraded.db.select().from(events)).toHaveLength(1);
    upgraded.close();

    // Opening again applies nothing twice.
    const again = new Database(path);
    expect(again.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get()).toEqual({ n: journal.entries.length });
    again.close();
  });
});
