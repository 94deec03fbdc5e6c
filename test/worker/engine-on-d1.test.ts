import { join } from 'node:path';
import type { D1Database } from '@cloudflare/workers-types/latest';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { migrate } from 'drizzle-orm/d1/migrator';
import { getPlatformProxy } from 'wrangler';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as schema from '../../src/db/schema';
import { events, requests, steps, ticketNotes } from '../../src/db/schema';
import type { Db } from '../../src/db/types';
import { createEngine } from '../../src/engine/engine';
import type { StepDefinition } from '../../src/engine/types';
import { TransientError } from '../../src/errors';
import { silentLogger } from '../../src/log';
import { approveRequest, skipStep } from '../../src/requests/actions';
import type { WakeMessage } from '../../src/worker/bindings';
import { drainEngine, RECOVERY_WINDOW_MS } from '../../src/worker/engine-driver';
import { resumeActionNotes } from '../../src/requests/action-notes';
import { recoverActionEvents } from '../../src/requests/action-recovery';
import { recordEventOnce } from '../../src/requests/events';
import { Killed, killedBeforeEvent } from '../support/killed';
import { ROOT } from './local-wrangler';

/**
 * The engine's claims and leases on D1 itself (workerd's SQLite through wrangler's local
 * runtime), driven the way the Worker's queue consumer drives them.
 */

let proxy: Awaited<ReturnType<typeof getPlatformProxy<{ DB: D1Database }>>>;
let db: Db;
const KEYS = ['create-repo', 'add-team', 'add-hook', 'update-ticket'];

beforeAll(async () => {
  proxy = await getPlatformProxy<{ DB: D1Database }>({ configPath: join(ROOT, 'wrangler.toml'), persist: false });
  const d1 = drizzle(proxy.env.DB, { schema });
  await migrate(d1, { migrationsFolder: join(ROOT, 'migrations') });
  db = d1 as unknown as Db;
}, 60_000);
afterAll(() => proxy?.dispose());
beforeEach(async () => {
  await db.delete(steps);
  await db.delete(events);
  await db.delete(requests);
});

/** A workflow whose steps count their runs and take a moment, so concurrent consumers overlap. */
function countingWorkflow(runs: Map<string, number>, fail?: (key: string, attempt: number) => Error | undefined) {
  const defs: StepDefinition[] = KEYS.map((key) => ({
    key,
    title: key,
    kind: 'auto',
    async run(ctx) {
      runs.set(key, (runs.get(key) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 20));
      const err = fail?.(key, ctx.step.attempts);
      if (err) throw err;
      return { ok: true };
    },
  }));
  return () => defs;
}

async function approvedRequest(workflows: () => StepDefinition[], now: number) {
  const [row] = await db
    .insert(requests)
    .values({ type: 'new', kind: 'xml', status: 'pending_approval', courseNumber: '8.01r', term: '2027_Spring', params: {}, requestedAt: now, updatedAt: now })
    .returning();
  await approveRequest({ db, clock: () => now, workflows, engine: { refreshRequestStatus: async () => undefined }, wake: () => {}, timeZone: 'UTC' }, row!.id, { id: 'agent:1' }, 'test');
  return row!.id;
}

function consumer(workerId: string, workflows: () => StepDefinition[], clock = Date.now) {
  const sent: { message: WakeMessage; delaySeconds: number }[] = [];
  const engine = createEngine({ db, clock, log: silentLogger, workflows, hooks: {}, options: { workerId, leaseMs: 30_000, maxAttempts: 5, random: () => 0.5 } });
  const drain = (loops: number, limit?: number) =>
    drainEngine(engine, { loops, limit, clock, log: silentLogger, send: async (message, delaySeconds) => void sent.push({ message, delaySeconds }) });
  return { engine, drain, sent };
}

describe('engine on D1, driven like the queue consumer', () => {
  it('runs every step exactly once when one wake-up is delivered twice to two consumers at once', async () => {
    const runs = new Map<string, number>();
    const workflows = countingWorkflow(runs);
    const id = await approvedRequest(workflows, Date.now());
    const a = consumer('consumer-a', workflows);
    const b = consumer('consumer-b', workflows);

    // The same message twice (at-least-once delivery), each to its own invocation with 2 loops.
    const [ra, rb] = await Promise.all([a.drain(2), b.drain(2)]);

    expect(Object.fromEntries(runs)).toEqual(Object.fromEntries(KEYS.map((k) => [k, 1])));
    expect(ra.ran + rb.ran).toBe(KEYS.length);
    const rows = await db.select().from(steps).where(eq(steps.requestId, id));
    expect(rows.map((s) => [s.key, s.status, s.attempts])).toEqual(KEYS.map((k) => [k, 'done', 1]));
    const [request] = await db.select().from(requests).where(eq(requests.id, id));
    expect(request?.status).toBe('completed');
    // Nothing was cut short; at most a timer for the other consumer's lease, in case it dies.
    expect([...a.sent, ...b.sent].filter((s) => s.message.reason !== 'timer')).toEqual([]);
  });

  it('leaves a step alone while its lease holds and reclaims it once the lease expires (a consumer died)', async () => {
    const runs = new Map<string, number>();
    const workflows = countingWorkflow(runs);
    let now = Date.now();
    const id = await approvedRequest(workflows, now);
    // A consumer claimed the first step, then died without settling it.
    await db.update(steps).set({ status: 'running', leaseOwner: 'dead-consumer', leaseExpiresAt: now + 30_000, attempts: 1 }).where(eq(steps.key, KEYS[0]!));

    const cron = consumer('cron', workflows, () => now);
    const early = await cron.drain(1);
    expect(early.ran).toBe(0);
    expect(runs.size).toBe(0);
    // The lease expiry is within the minute: the driver asks for a delayed wake-up at that time.
    expect(cron.sent).toEqual([{ message: { reason: 'timer' }, delaySeconds: 30 }]);

    now += 30_001;
    const late = await cron.drain(1);
    expect(late.ran).toBe(KEYS.length);
    const rows = await db.select().from(steps).where(eq(steps.requestId, id));
    expect(rows.map((s) => s.status)).toEqual(KEYS.map(() => 'done'));
    expect(rows[0]?.attempts).toBe(2);
  });

  it('asks for a delayed wake-up at the end of a retry backoff, and finishes on it', async () => {
    const runs = new Map<string, number>();
    const workflows = countingWorkflow(runs, (key, attempt) => (key === 'add-team' && attempt === 1 ? new TransientError('GitHub answered 502', 2_500) : undefined));
    let now = Date.now();
    const id = await approvedRequest(workflows, now);
    const c = consumer('consumer', workflows, () => now);

    const first = await c.drain(1);
    expect(first.ran).toBe(2);
    expect(first.followUp).toEqual({ reason: 'timer', delaySeconds: 3 });

    now += 3_000;
    await c.drain(1);
    const rows = await db.select().from(steps).where(eq(steps.requestId, id));
    expect(rows.map((s) => s.status)).toEqual(KEYS.map(() => 'done'));
    expect(runs.get('add-team')).toBe(2);
    expect(runs.get('create-repo')).toBe(1);
  });

  it('materialises a plan longer than one D1 statement can bind (100 parameters) on approval', async () => {
    const defs: StepDefinition[] = Array.from({ length: 25 }, (_, i) => ({ key: `step-${i}`, title: `Step ${i}`, kind: 'manual' }));
    const id = await approvedRequest(() => defs, Date.now());
    const rows = await db.select({ key: steps.key, position: steps.position }).from(steps).where(eq(steps.requestId, id)).orderBy(steps.position);
    expect(rows).toEqual(defs.map((d, position) => ({ key: d.key, position })));
  });

  it('hands on to a new invocation when it hits its per-invocation limit', async () => {
    const runs = new Map<string, number>();
    const workflows = countingWorkflow(runs);
    const now = Date.now();
    await approvedRequest(workflows, now);
    const c = consumer('consumer', workflows, () => now);
    const result = await c.drain(1, 3);
    expect(result.ran).toBe(3);
    expect(result.followUp).toEqual({ reason: 'more-work', delaySeconds: 0 });
    expect(c.sent).toEqual([{ message: { reason: 'more-work' }, delaySeconds: 0 }]);
  });

  it("the cron's recovery window (resumeActionNotes with since) runs on D1 and tells an untold action within it, not one before it", async () => {
    const now = Date.now();
    const [r] = await db.insert(requests).values({ ticketId: 4242, type: 'new', status: 'completed', params: {}, requestedAt: now, updatedAt: now }).returning();
    const event = async (at: number) => (await db.insert(events).values({ requestId: r!.id, ticketId: 4242, actor: 'agent:1', action: 'approved', at }).returning())[0]!.id;
    const told = await event(now - 3 * RECOVERY_WINDOW_MS);
    await db.insert(ticketNotes).values({ requestId: r!.id, ticketId: 4242, eventId: told, marker: 'told', html: '<p>x</p>', createdAt: now });
    const old = await event(now - 2 * RECOVERY_WINDOW_MS);
    const recent = await event(now - 60_000);
    expect(await resumeActionNotes(db, 'UTC', now - RECOVERY_WINDOW_MS)).toBe(1);
    const owed = (await db.select({ eventId: ticketNotes.eventId }).from(ticketNotes)).map((n) => n.eventId);
    expect(owed).toContain(recent);
    expect(owed).not.toContain(old);
    await db.delete(ticketNotes);
  });

  it('recovery rebuilds on D1 the events of an approval and a skip a kill cut off, once, and the late action records none', async () => {
    const now = Date.now();
    const workflows = () => [{ key: 'import', title: 'Import on staging', kind: 'manual' as const }];
    const deps = (d: Db) => ({ db: d, clock: () => now, workflows, engine: { refreshRequestStatus: async () => undefined }, wake: () => {}, timeZone: 'UTC' });
    const [r] = await db.insert(requests).values({ ticketId: 4343, type: 'new', kind: 'xml', status: 'pending_approval', courseNumber: '8.01r', term: '2027_Spring', params: {}, requestedAt: now, updatedAt: now }).returning();
    await expect(approveRequest(deps(killedBeforeEvent(db)), r!.id, { id: 'agent:1', name: 'Ada' }, 'test')).rejects.toThrow(Killed);
    await expect(skipStep(deps(killedBeforeEvent(db)), r!.id, 'import', 'Imported by the instructor', { id: 'agent:1', name: 'Ada' })).rejects.toThrow(Killed);
    expect(await db.select().from(events)).toEqual([]);

    expect(await recoverActionEvents(db, 'UTC', now - RECOVERY_WINDOW_MS)).toBe(2);
    const rebuilt = await db.select().from(events);
    expect(rebuilt.map((e) => [e.action, e.actorName, e.at])).toEqual([['approved', 'Ada', now], ['step_skipped', 'Ada', now]]);
    expect((await db.select({ eventId: ticketNotes.eventId }).from(ticketNotes)).map((n) => n.eventId)).toEqual(rebuilt.map((e) => e.id));
    expect(await recoverActionEvents(db, 'UTC', now - RECOVERY_WINDOW_MS)).toBe(0);
    expect(await recordEventOnce(db, now, { requestId: r!.id, ticketId: 4343, actor: { id: 'agent:1' }, action: 'approved', detail: { via: 'test' } })).toBeUndefined();
    expect(await db.select().from(events)).toHaveLength(2);
    await db.delete(ticketNotes);
  });
});
