import { drizzle } from 'drizzle-orm/better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import * as schema from '../../src/db/schema';
import { webhookDeliveries } from '../../src/db/schema';
import { openSqlite, type SqliteHandle } from '../../src/db/sqlite';
import type { Db } from '../../src/db/types';
import { dueBacklog } from '../../src/engine/claim';
import { createEngine } from '../../src/engine/engine';
import { silentLogger } from '../../src/log';
import { insertDeliveriesSql, PENDING_OF_TICKET_SQL } from '../../src/webhooks/delivery-recorder';

/**
 * webhook_deliveries keeps every delivery ever received, and its three indexes are partial (the
 * pending and running rows only): a statement finds its rows through them only when its WHERE
 * carries the indexes' own literal term (schema.ts deliveryLive). Without it SQLite reads the
 * whole history, quietly: every statement the engine's delivery path issues is checked with
 * EXPLAIN QUERY PLAN on a database with history and a backlog.
 */

const TABLE = /^(SCAN|SEARCH) (webhook_deliveries|earlier)\b/;

describe('the delivery backlog indexes', () => {
  let handle: SqliteHandle;
  afterEach(() => handle?.close());

  it('hold only pending and running deliveries, and every engine statement on deliveries uses them or a row by its id', async () => {
    handle = openSqlite(':memory:');
    const now = 1_000_000;
    const row = (n: number, status: 'done' | 'failed' | 'pending') => ({ invocationId: `inv-${n}`, ticketId: 100 + (n % 7), event: 'updated', body: '{}', receivedAt: now - 1000 + n, nextRunAt: now - 1000 + n, status });
    // History (done and failed), then a backlog: several deliveries for each of 7 tickets.
    await handle.db.insert(webhookDeliveries).values(Array.from({ length: 300 }, (_, n) => row(n, n % 50 === 0 ? 'failed' : 'done')));
    await handle.db.insert(webhookDeliveries).values(Array.from({ length: 40 }, (_, n) => row(300 + n, 'pending')));
    handle.sqlite.exec('ANALYZE');

    const issued: { sql: string; params: unknown[] }[] = [];
    const db = drizzle(handle.sqlite, { schema, logger: { logQuery: (sql, params) => void issued.push({ sql, params }) } }) as unknown as Db;
    const processed: number[] = [];
    const engine = createEngine({
      db,
      clock: () => now,
      log: silentLogger,
      workflows: () => [],
      hooks: { processDelivery: async (d) => void processed.push(d.id) },
      options: { workerId: 'w', leaseMs: 30_000, maxAttempts: 3, settleChunkRows: 2 },
    });
    const backlog = await dueBacklog(db, now);
    expect(backlog.deliveries).toBe(40);
    // Claims and settles until the backlog is drained: one read per ticket, the rest coalesced.
    await engine.runDue();
    await engine.nextDueAt();
    expect(processed).toHaveLength(7);
    expect(await handle.db.$count(webhookDeliveries)).toBe(340);

    const onDeliveries = issued.filter((q) => /"webhook_deliveries"/.test(q.sql));
    expect(onDeliveries.length).toBeGreaterThan(7 * 3);
    for (const { sql, params } of onDeliveries) {
      const plan = (handle.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).filter((d) => TABLE.test(d));
      const unindexed = plan.filter((d) => !/USING (COVERING )?INDEX webhook_deliveries_\w+ |USING INTEGER PRIMARY KEY \(rowid=\?\)$/.test(d));
      expect(unindexed, `${sql}\n${plan.join('\n')}`).toEqual([]);
    }
    // Intake's look for a pending delivery of the ticket, in its insert, finds it through the ticket index.
    const intake = (handle.sqlite.prepare(`EXPLAIN QUERY PLAN ${insertDeliveriesSql(1)}`).all('inv-x', null, 101, 'updated', '{}', now) as { detail: string }[]).map((r) => r.detail);
    expect(intake.join('\n')).toMatch(/SEARCH w USING (COVERING )?INDEX webhook_deliveries_ticket \(ticket_id=\? AND status=\?\)/);
    expect(intake.filter((d) => /^SCAN (webhook_deliveries|w)\b/.test(d))).toEqual([]);
    // The Node recorder's look, a statement of its own, is the same search.
    const look = (handle.sqlite.prepare(`EXPLAIN QUERY PLAN ${PENDING_OF_TICKET_SQL}`).all(101) as { detail: string }[]).map((r) => r.detail);
    expect(look.join('\n')).toMatch(/SEARCH w USING (COVERING )?INDEX webhook_deliveries_ticket \(ticket_id=\? AND status=\?\)/);
    // The indexes hold the live rows only: none are left once the backlog is drained.
    for (const index of ['webhook_deliveries_due', 'webhook_deliveries_ticket', 'webhook_deliveries_queue']) {
      const entries = handle.sqlite.prepare(`SELECT count(*) AS n FROM webhook_deliveries INDEXED BY ${index} WHERE status IN ('pending', 'running')`).get() as { n: number };
      expect(entries.n, index).toBe(0);
    }
    expect(handle.sqlite.prepare("SELECT count(*) AS n FROM webhook_deliveries WHERE status = 'done'").get()).toEqual({ n: 334 });
  });
});
