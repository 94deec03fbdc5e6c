import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import * as schema from '../../src/db/schema';
import { events, requests, steps, ticketNotes } from '../../src/db/schema';
import { openSqlite, type SqliteHandle } from '../../src/db/sqlite';
import type { Db } from '../../src/db/types';
import { createEngine } from '../../src/engine/engine';
import { silentLogger } from '../../src/log';
import { createServices } from '../../src/services';
import { RECOVERY_WINDOW_MS } from '../../src/worker/engine-driver';

/**
 * The Worker's cron runs the engine's recovery every minute (src/worker.ts): every statement it
 * issues must find its rows through an index, never by reading a table whose size is the
 * service's whole history (events above all: one row per action, forever). Checked with SQLite's
 * EXPLAIN QUERY PLAN over the statements recovery really issues, on a database with history;
 * D1 is SQLite, with the same migrations.
 */

const HISTORY_TABLES = ['events', 'steps', 'requests', 'ticket_notes'];

describe("the engine's recovery on the cron", () => {
  let handle: SqliteHandle;
  afterEach(() => handle?.close());

  it('reads events, steps, requests and ticket notes through indexes only (no full scan), and looks at the events of its window', async () => {
    handle = openSqlite(':memory:');
    // History: finished requests with their actions told, a failed step, a cancelled request with its notice.
    const now = Date.now();
    let untoldOld = 0;
    let untoldRecent = 0;
    for (let i = 0; i < 50; i++) {
      const status = i === 0 ? 'failed' : i === 1 ? 'cancelled' : 'completed';
      // Most of the history is older than the cron's window.
      const at = i < 45 ? now - 3 * RECOVERY_WINDOW_MS : now - 60_000;
      const [r] = await handle.db.insert(requests).values({ ticketId: 1000 + i, type: 'new', status, params: {}, decision: 'approved', decidedBy: 'Ada', decidedAt: at, requestedAt: now, updatedAt: now }).returning();
      await handle.db.insert(steps).values({ requestId: r!.id, key: 'create-repo', position: i === 1 ? -1 : 0, title: 'Create', kind: 'auto', status: i === 0 ? 'failed' : 'done', finishedAt: at, updatedAt: now });
      await handle.db.insert(steps).values({ requestId: r!.id, key: 'import', position: 1, title: 'Import', kind: 'manual', status: 'done', completedBy: 'Ada', finishedAt: at, updatedAt: now });
      await handle.db.insert(events).values({ requestId: r!.id, ticketId: r!.ticketId, actor: 'agent:1', action: 'step_completed', detail: { step: 'import' }, at });
      const [e] = await handle.db.insert(events).values({ requestId: r!.id, ticketId: r!.ticketId, actor: 'agent:1', action: 'approved', at }).returning();
      await handle.db.insert(events).values({ requestId: r!.id, ticketId: r!.ticketId, actor: 'system', action: 'step_done', at });
      // Two approvals a crash left untold: one long before the window, one in it.
      if (i === 10) untoldOld = e!.id;
      else if (i === 47) untoldRecent = e!.id;
      else await handle.db.insert(ticketNotes).values({ requestId: r!.id, ticketId: r!.ticketId!, eventId: e!.id, marker: `m${i}`, html: '<p>x</p>', status: 'done', createdAt: now });
    }
    // Decisions and a finished step whose audit event a crash lost: one before the window, two in it.
    const lost = async (at: number) => {
      const [r] = await handle.db.insert(requests).values({ ticketId: 2000 + at % 1000, type: 'new', status: 'in_progress', params: {}, decision: 'approved', decidedBy: 'Ada', decidedAt: at, requestedAt: at, updatedAt: at }).returning();
      return r!.id;
    };
    const lostOld = await lost(now - 3 * RECOVERY_WINDOW_MS + 7);
    const lostRecent = await lost(now - 30_000);
    await handle.db.insert(steps).values({ requestId: lostRecent, key: 'import', position: 0, title: 'Import', kind: 'manual', status: 'skipped', completedBy: 'Ada', note: 'Done by the instructor', finishedAt: now - 20_000, updatedAt: now });
    handle.sqlite.exec('ANALYZE');

    // The same connection, through a drizzle that records each statement and its parameters.
    const issued: { sql: string; params: unknown[] }[] = [];
    const db = drizzle(handle.sqlite, { schema, logger: { logQuery: (sql, params) => void issued.push({ sql, params }) } }) as unknown as Db;
    const config = parseConfig({ ORC_DATABASE: ':memory:', ORC_GH_OAUTH2_TOKEN: 'ghp_recovery_token_0123456789', ORC_APP_SHARED_SECRET: 'recovery-test-shared-secret-0123456789abcdef', ORC_ZENDESK_URL: 'https://acme.zendesk.com', ORC_ZENDESK_EMAIL: 'ops@acme.test', ORC_ZENDESK_TOKEN: 'zendesk-token-value' });
    const services = await createServices({ config, db, clock: () => now, log: silentLogger });
    const engine = createEngine({ db, clock: () => now, log: silentLogger, workflows: services.workflows, hooks: services.hooks, options: { workerId: 'cron', leaseMs: 30_000, maxAttempts: 3 } });
    await engine.recoverStatuses({ since: now - RECOVERY_WINDOW_MS });

    const reads = issued.filter((q) => /^\s*select/i.test(q.sql));
    // The lost decisions and finished steps are found by requests_decided and steps_finished.
    expect(reads.some((q) => /from "requests".*"decided_at" >= \?/s.test(q.sql))).toBe(true);
    expect(reads.some((q) => /from "steps".*"finished_at" >= \?/s.test(q.sql))).toBe(true);
    // Recovery's four parts: cancellations, failure notes, action notes, derived statuses.
    expect(reads.some((q) => /from "events"/.test(q.sql))).toBe(true);
    const plans = reads.map((q) => ({ sql: q.sql, plan: (handle.sqlite.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(...(q.params as unknown[])) as { detail: string }[]).map((r) => r.detail) }));
    for (const { sql, plan } of plans) {
      const scans = plan.filter((d) => HISTORY_TABLES.some((t) => new RegExp(`^SCAN ${t}\\b(?! USING (COVERING )?INDEX \\S+ \\()`).test(d)) && !/USING (COVERING )?INDEX .*\(/.test(d));
      expect(scans, `${sql}\n${plan.join('\n')}`).toEqual([]);
    }
    // (The statement reading events itself, not one whose subquery looks an event up.)
    const eventsPlan = plans.find((p) => /^\s*select [^(]* from "events"/.test(p.sql))!.plan;
    // The window's first event found by time (events_at), then the ids from there (the primary key).
    expect(eventsPlan.join('\n')).toMatch(/SEARCH events USING COVERING INDEX events_at \(at>\?\)/);
    expect(eventsPlan[0]).toMatch(/^SEARCH events USING INTEGER PRIMARY KEY \(rowid>\?\)$/);
    if (process.env.ORC_SHOW_PLANS) console.log(plans.map((p) => `${p.sql}\n  ${p.plan.join('\n  ')}`).join('\n'));

    // The window is what the cron tells: an action a crash left untold within it got its note;
    // one from before it is told only at a driver's start (Node), which looks at all.
    const rebuilt = async () => (await handle.db.select().from(events).where(sql`json_extract(${events.detail}, '$.recovered')`).orderBy(events.id)).map((e) => [e.requestId, e.action]);
    const toldOf = async () => (await handle.db.select({ eventId: ticketNotes.eventId }).from(ticketNotes)).map((n) => n.eventId);
    expect(await toldOf()).toContain(untoldRecent);
    expect(await toldOf()).not.toContain(untoldOld);
    expect(await rebuilt()).toEqual([[lostRecent, 'approved'], [lostRecent, 'step_skipped']]);
    await engine.recoverStatuses();
    expect(await toldOf()).toContain(untoldOld);

    // The lost events: the window's rebuilt by the cron, the older one by a start, each once.
    await engine.recoverStatuses({ since: now - RECOVERY_WINDOW_MS });
    expect(await rebuilt()).toEqual([[lostRecent, 'approved'], [lostRecent, 'step_skipped'], [lostOld, 'approved']]);
  });
});
