import { eq, ne, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { requests, webhookDeliveries } from '../../src/db/schema';
import { claimStep } from '../../src/engine/claim';
import { createEngine, stepsOf } from '../../src/engine/engine';
import { instructionsOf } from '../../src/engine/instructions-of';
import type { StepDefinition } from '../../src/engine/types';
import { PermanentError, TransientError } from '../../src/errors';
import { silentLogger } from '../../src/log';
import { approveRequest, completeStep, retryStep } from '../../src/requests/actions';
import { createHarness, insertRequest, type Harness } from '../support/harness';

const agent = { id: 'agent:1', name: 'Ada' };

function deps(h: Harness, workflows: () => StepDefinition[]) {
  return { db: h.handle.db, clock: h.clock, workflows, engine: h.engine, wake: () => {}, timeZone: 'UTC' };
}

describe('durable step engine', () => {
  let h: Harness;
  afterEach(() => h?.handle.close());

  it('retries a transient failure with backoff, honouring Retry-After, then completes', async () => {
    let calls = 0;
    const flow: StepDefinition[] = [
      {
        key: 'flaky',
        title: 'Flaky call',
        kind: 'auto',
        run: async () => {
          calls++;
          if (calls === 1) throw new TransientError('GitHub answered 502');
          if (calls === 2) throw new TransientError('rate limited', 90_000);
          return { ok: true };
        },
      },
    ];
    h = createHarness({ workflows: () => flow });
    const req = await insertRequest(h);
    await approveRequest(deps(h, () => flow), req.id, agent, 'test');

    expect(await h.engine.runDue()).toBe(1);
    let [step] = await stepsOf(h.handle.db, req.id);
    expect(step).toMatchObject({ status: 'pending', attempts: 1, error: 'GitHub answered 502' });
    // base 1s, attempt 1, jitter pinned at 0.5 -> 750 ms
    expect(step!.nextRunAt - h.clock.now).toBe(750);
    expect(await h.engine.runDue()).toBe(0); // not due yet: no busy retry

    h.clock.advance(750);
    expect(await h.engine.runDue()).toBe(1);
    [step] = await stepsOf(h.handle.db, req.id);
    expect(step).toMatchObject({ status: 'pending', attempts: 2 });
    expect(step!.nextRunAt - h.clock.now).toBe(90_000); // Retry-After wins over a 1.5 s backoff
    expect(await h.engine.nextDueAt()).toBe(step!.nextRunAt);

    h.clock.advance(90_000);
    await h.engine.runDue();
    [step] = await stepsOf(h.handle.db, req.id);
    expect(step).toMatchObject({ status: 'done', attempts: 3, result: { ok: true }, error: null });
    const [r] = await h.handle.db.select().from(requests).where(eq(requests.id, req.id));
    expect(r?.status).toBe('completed');
    expect(calls).toBe(3);
  });

  it('fails a permanent error at once, visibly, and completes after an agent retries it', async () => {
    let broken = true;
    const failures: string[] = [];
    const flow: StepDefinition[] = [
      { key: 'create-repo', title: 'Create repo', kind: 'auto', run: async () => { if (broken) throw new PermanentError('Repository content-mit-801r-2027_Spring exists with foreign content'); return { repo: 'x' }; } },
    ];
    h = createHarness({ workflows: () => flow, hooks: { stepFailed: async (_ctx, e) => void failures.push(e) } });
    const req = await insertRequest(h);
    await approveRequest(deps(h, () => flow), req.id, agent, 'test');
    await h.engine.runDue();
    const [step] = await stepsOf(h.handle.db, req.id);
    expect(step).toMatchObject({ status: 'failed', attempts: 1 });
    expect(step!.error).toContain('foreign content');
    expect(failures).toHaveLength(1);
    expect((await h.handle.db.select().from(requests))[0]?.status).toBe('failed');
    expect(await h.engine.runDue()).toBe(0);

    broken = false;
    await retryStep(deps(h, () => flow), req.id, 'create-repo', agent);
    await h.engine.runDue();
    expect((await stepsOf(h.handle.db, req.id))[0]).toMatchObject({ status: 'done', result: { repo: 'x' } });
    expect((await h.handle.db.select().from(requests))[0]?.status).toBe('completed');
  });

  it('gives up on a transient error after the maximum attempts', async () => {
    const flow: StepDefinition[] = [{ key: 'down', title: 'Down', kind: 'auto', run: async () => { throw new TransientError('edX answered 503'); } }];
    h = createHarness({ workflows: () => flow, maxAttempts: 3 });
    const req = await insertRequest(h);
    await approveRequest(deps(h, () => flow), req.id, agent, 'test');
    for (let i = 0; i < 5; i++) {
      await h.engine.runDue();
      h.clock.advance(10 * 60_000);
    }
    const [step] = await stepsOf(h.handle.db, req.id);
    expect(step).toMatchObject({ status: 'failed', attempts: 3 });
    expect(step!.error).toBe('edX answered 503 (gave up after 3 attempts)');
  });

  it('reclaims a step from a crashed worker after its lease and completes it once', async () => {
    const effects: string[] = [];
    const flow: StepDefinition[] = [{ key: 'hook', title: 'Add hook', kind: 'auto', run: async () => { effects.push('hook'); return { hook: 1 }; } }];
    h = createHarness({ workflows: () => flow, leaseMs: 30_000 });
    const req = await insertRequest(h);
    await approveRequest(deps(h, () => flow), req.id, agent, 'test');

    // Worker A claims the step, then dies (kill -9): it never settles.
    const claimed = await claimStep(h.handle.db, h.clock.now, 'worker-A', 30_000);
    expect(claimed).toMatchObject({ key: 'hook', status: 'running', leaseOwner: 'worker-A', attempts: 1 });

    // Worker B sees nothing due while A's lease holds.
    expect(await h.engine.runDue()).toBe(0);
    expect(await h.engine.nextDueAt()).toBe(h.clock.now + 30_000);

    h.clock.advance(30_001);
    expect(await h.engine.runDue()).toBe(1);
    const [step] = await stepsOf(h.handle.db, req.id);
    expect(step).toMatchObject({ status: 'done', attempts: 2, leaseOwner: null, result: { hook: 1 } });
    expect(effects).toEqual(['hook']);

    // A wakes up late and tries to settle: fenced out, nothing changes.
    const late = createEngine({ db: h.handle.db, clock: h.clock, log: silentLogger, workflows: () => flow, hooks: {}, options: { workerId: 'worker-A', leaseMs: 30_000, maxAttempts: 5 } });
    expect(await late.runDue()).toBe(0);
    expect((await stepsOf(h.handle.db, req.id))[0]?.status).toBe('done');
  });

  it('claims a crashed worker\'s step first, then pending steps most overdue first, never one behind an unfinished step', async () => {
    const flow: StepDefinition[] = [
      { key: 'repo', title: 'Create repo', kind: 'auto', run: async () => ({}) },
      { key: 'hook', title: 'Add hook', kind: 'auto', run: async () => ({}) },
    ];
    h = createHarness({ workflows: () => flow, leaseMs: 30_000 });
    const first = await insertRequest(h);
    await approveRequest(deps(h, () => flow), first.id, agent, 'test');
    const claim = async (worker: string) => {
      const step = await claimStep(h.handle.db, h.clock.now, worker, 30_000);
      return step && `${step.requestId}:${step.key}`;
    };
    // Worker A claims the first request's repo step and dies; its hook step waits behind it.
    expect(await claim('worker-A')).toBe(`${first.id}:repo`);
    h.clock.advance(10_000);
    const second = await insertRequest(h, { courseNumber: '8.02r' });
    await approveRequest(deps(h, () => flow), second.id, agent, 'test');
    // The first request's hook is the most overdue pending step, but it is blocked: skipped.
    expect(await claim('worker-B')).toBe(`${second.id}:repo`);
    expect(await claim('worker-B')).toBeUndefined();

    h.clock.advance(30_000);
    const third = await insertRequest(h, { courseNumber: '8.03r' });
    await approveRequest(deps(h, () => flow), third.id, agent, 'test');
    // Both leases ran out (A's first): abandoned steps go before the newly due one.
    expect(await claim('worker-C')).toBe(`${first.id}:repo`);
    expect(await claim('worker-C')).toBe(`${second.id}:repo`);
    expect(await claim('worker-C')).toBe(`${third.id}:repo`);
    expect(await claim('worker-C')).toBeUndefined();
  });

  it('does not redo a memoised side effect when reporting it failed', async () => {
    const effects: string[] = [];
    let reportFails = true;
    const flow: StepDefinition[] = [{ key: 'repo', title: 'Create repo', kind: 'auto', run: async () => { effects.push('create'); return { id: 7 }; } }];
    h = createHarness({
      workflows: () => flow,
      hooks: {
        stepDone: async () => {
          if (reportFails) throw new TransientError('Zendesk answered 429', 2_000);
        },
      },
    });
    const req = await insertRequest(h);
    await approveRequest(deps(h, () => flow), req.id, agent, 'test');
    await h.engine.runDue();
    expect((await stepsOf(h.handle.db, req.id))[0]).toMatchObject({ status: 'pending', result: { id: 7 }, reported: false });
    reportFails = false;
    h.clock.advance(2_000);
    await h.engine.runDue();
    expect((await stepsOf(h.handle.db, req.id))[0]).toMatchObject({ status: 'done', reported: true });
    expect(effects).toEqual(['create']);
  });

  it('blocks on a manual step until an agent marks it done, then runs the rest', async () => {
    const ran: string[] = [];
    const waiting: string[] = [];
    const flow: StepDefinition[] = [
      { key: 'a', title: 'A', kind: 'auto', run: async () => void ran.push('a') },
      { key: 'import', title: 'Import into staging', kind: 'manual', instructions: () => ({ text: 'Run git_add_course', html: '<p>Run git_add_course</p>' }) },
      { key: 'c', title: 'C', kind: 'auto', run: async () => void ran.push('c') },
      { key: 'jenkins', title: 'Jenkins CI', kind: 'auto', skipReason: 'Jenkins CI is out of scope' },
    ];
    h = createHarness({ workflows: () => flow, hooks: { stepWaiting: async (ctx, i) => void waiting.push(`${ctx.step.key}:${i?.text}`) } });
    const req = await insertRequest(h);
    await approveRequest(deps(h, () => flow), req.id, agent, 'test');
    await h.engine.runDue();
    expect(ran).toEqual(['a']);
    expect(waiting).toEqual(['import:Run git_add_course']);
    let rows = await stepsOf(h.handle.db, req.id);
    expect(rows.map((s) => s.status)).toEqual(['done', 'waiting', 'pending', 'skipped']);
    expect(rows[3]?.note).toBe('Jenkins CI is out of scope');
    expect((await h.handle.db.select().from(requests))[0]?.status).toBe('waiting_on_agent');

    h.clock.advance(24 * 3600_000);
    expect(await h.engine.runDue()).toBe(0);
    expect(await h.engine.nextDueAt()).toBeUndefined();
    expect(ran).toEqual(['a']);

    await completeStep(deps(h, () => flow), req.id, 'import', 'imported, checked the outline', agent);
    await h.engine.runDue();
    rows = await stepsOf(h.handle.db, req.id);
    expect(rows.map((s) => s.status)).toEqual(['done', 'done', 'done', 'skipped']);
    expect(rows[1]).toMatchObject({ completedBy: 'Ada', note: 'imported, checked the outline' });
    expect(ran).toEqual(['a', 'c']);
    expect((await h.handle.db.select().from(requests))[0]?.status).toBe('completed');
  });

  it('prepares a manual step once when it starts (an outage retried), memoised, and renders its instructions from that', async () => {
    let lookups = 0;
    const flow: StepDefinition[] = [
      {
        key: 'team',
        title: 'Add the team',
        kind: 'manual',
        prepare: async () => {
          lookups++;
          if (lookups === 1) throw new TransientError('LMS answered 503');
          return { email: `ada-${lookups}@mit.test` };
        },
        instructions: (_request, prepared) => ({ text: `Add ${String(prepared?.email ?? 'ada (email to look up)')}`, html: '<p>Add</p>' }),
      },
    ];
    const waiting: string[] = [];
    h = createHarness({ workflows: () => flow, hooks: { stepWaiting: async (_ctx, i) => void waiting.push(i?.text ?? '') } });
    const req = await insertRequest(h);
    await approveRequest(deps(h, () => flow), req.id, agent, 'test');
    await h.engine.runDue();
    let [step] = await stepsOf(h.handle.db, req.id);
    expect(step).toMatchObject({ status: 'pending', error: 'LMS answered 503', result: null });
    expect(waiting).toEqual([]);

    h.clock.advance(step!.nextRunAt - h.clock.now);
    await h.engine.runDue();
    [step] = await stepsOf(h.handle.db, req.id);
    expect(step).toMatchObject({ status: 'waiting', result: { email: 'ada-2@mit.test' } });
    expect(waiting).toEqual(['Add ada-2@mit.test']);
    expect(instructionsOf(flow[0], req, step!)?.text).toBe('Add ada-2@mit.test');
    expect(lookups).toBe(2);
  });

  it('processes a delivery once, in order per ticket, and retries a transient intake failure', async () => {
    const seen: string[] = [];
    let fail = true;
    h = createHarness({
      hooks: {
        processDelivery: async (d) => {
          seen.push(d.invocationId);
          if (d.invocationId === 'a' && fail) {
            fail = false;
            throw new TransientError('Zendesk answered 503');
          }
        },
      },
    });
    const { createDeliveryRecorder } = await import('../../src/webhooks/delivery-recorder');
    const recorder = createDeliveryRecorder(h.handle.db);
    const base = { webhookId: null, event: 'updated', body: '{}', receivedAt: h.clock.now };
    await Promise.all([recorder.record({ ...base, invocationId: 'a', ticketId: 1 }), recorder.record({ ...base, invocationId: 'b', ticketId: 1 }), recorder.record({ ...base, invocationId: 'a', ticketId: 1 })]);
    await h.engine.runDue();
    // b waits behind a (same ticket) while a backs off.
    expect(seen).toEqual(['a']);
    h.clock.advance(5_000);
    await h.engine.runDue();
    // a's second read is after b was recorded, so it answers b too (coalesced, no read of its own).
    expect(seen).toEqual(['a', 'a']);
    await h.engine.runDue();
    expect(seen).toEqual(['a', 'a']);
    const rows = await h.handle.db.select({ id: webhookDeliveries.invocationId, status: webhookDeliveries.status }).from(webhookDeliveries).orderBy(webhookDeliveries.id);
    expect(rows).toEqual([
      { id: 'a', status: 'done' },
      { id: 'b', status: 'done' },
    ]);
  });

  it('claims an abandoned delivery first, then the oldest pending one whose ticket has nothing earlier unfinished', async () => {
    h = createHarness();
    const now = h.clock.now;
    const row = (invocationId: string, ticketId: number, values: Partial<typeof webhookDeliveries.$inferInsert>) => ({ invocationId, ticketId, body: '{}', receivedAt: now, nextRunAt: now, ...values });
    await h.handle.db.insert(webhookDeliveries).values([
      row('busy', 1, { status: 'running', leaseOwner: 'other', leaseExpiresAt: now + 10_000 }),
      row('behind-busy', 1, { status: 'pending' }),
      row('backing-off', 2, { status: 'pending', nextRunAt: now + 5_000 }),
      row('behind-backoff', 2, { status: 'pending' }),
      row('free', 3, { status: 'pending' }),
      row('abandoned', 4, { status: 'running', leaseOwner: 'dead', leaseExpiresAt: now - 1 }),
    ]);
    const claimed = async () => ((await h.engine.claim()) as { row: { invocationId: string } } | undefined)?.row.invocationId;
    expect(await claimed()).toBe('abandoned');
    expect(await claimed()).toBe('free');
    expect(await claimed()).toBeUndefined();
    h.clock.advance(5_000);
    expect(await claimed()).toBe('backing-off');
    expect(await claimed()).toBeUndefined();
  });

  it.each([
    ['in one write', undefined],
    ['a few rows a write (the Node engine thread)', 7],
  ])('serves a burst of 10,000 deliveries for 100 tickets with one ticket read per ticket, settling %s', async (_, settleChunkRows) => {
    const reads = new Map<number, number>();
    const outcomes: string[] = [];
    h = createHarness();
    const engine = createEngine({
      db: h.handle.db,
      clock: h.clock,
      log: silentLogger,
      workflows: () => [],
      hooks: { processDelivery: async (d) => void reads.set(d.ticketId!, (reads.get(d.ticketId!) ?? 0) + 1) },
      options: { workerId: 'burst', leaseMs: 30_000, maxAttempts: 5, random: () => 0.5, settleChunkRows },
      observer: { deliveryProcessed: (o) => void outcomes.push(o), stepSettled: () => {}, noteSettled: () => {} },
    });
    const rows = Array.from({ length: 10_000 }, (_, i) => ({ invocationId: `burst-${i}`, ticketId: 1 + (i % 100), body: '{}', receivedAt: h.clock.now }));
    for (let i = 0; i < rows.length; i += 500) await h.handle.db.insert(webhookDeliveries).values(rows.slice(i, i + 500));
    expect(await engine.runDue()).toBe(100);
    expect([...reads.values()].reduce((a, b) => a + b, 0)).toBe(100);
    expect(reads.size).toBe(100);
    expect(outcomes.filter((o) => o === 'done')).toHaveLength(100);
    expect(outcomes.filter((o) => o === 'coalesced')).toHaveLength(9_900);
    const [left] = await h.handle.db.select({ n: sql<number>`count(*)` }).from(webhookDeliveries).where(ne(webhookDeliveries.status, 'done'));
    expect(left?.n).toBe(0);
  });

  it('the Node driver lets the event loop turn between items, so HTTP is served while it drains', async () => {
    let processed = 0;
    h = createHarness({ hooks: { processDelivery: async () => void processed++ } });
    const rows = Array.from({ length: 50 }, (_, i) => ({ invocationId: `turn-${i}`, ticketId: 1000 + i, body: '{}', receivedAt: h.clock.now }));
    await h.handle.db.insert(webhookDeliveries).values(rows);
    const { startNodeDriver } = await import('../../src/engine/node-driver');
    const driver = startNodeDriver(h.engine, { concurrency: 1, clock: h.clock, log: silentLogger });
    driver.wake();
    // What a request arriving now would see: the next macrotask runs after an item, not after the drain.
    const seenByNextTurn = await new Promise<number>((resolve) => setImmediate(() => resolve(processed)));
    expect(seenByNextTurn).toBeLessThan(50);
    await expect.poll(() => processed).toBe(50);
    await driver.stop();
  });

  it('gives a delivery recorded during a ticket read a read of its own', async () => {
    const seen: string[] = [];
    const { createDeliveryRecorder } = await import('../../src/webhooks/delivery-recorder');
    let recorder: ReturnType<typeof createDeliveryRecorder>;
    const base = { webhookId: null, event: 'updated', body: '{}', ticketId: 7 };
    h = createHarness({
      hooks: {
        processDelivery: async (d) => {
          seen.push(d.invocationId);
          // An agent edits the ticket while intake is reading it.
          if (d.invocationId === 'first') await recorder.record({ ...base, invocationId: 'during', receivedAt: h.clock.now });
        },
      },
    });
    recorder = createDeliveryRecorder(h.handle.db);
    await recorder.record({ ...base, invocationId: 'first', receivedAt: h.clock.now });
    await recorder.record({ ...base, invocationId: 'queued', receivedAt: h.clock.now });
    await h.engine.runDue();
    // 'queued' was waiting when the first read began: answered by it. 'during' came after: read again.
    expect(seen).toEqual(['first', 'during']);
    const rows = await h.handle.db.select({ id: webhookDeliveries.invocationId, status: webhookDeliveries.status }).from(webhookDeliveries).orderBy(webhookDeliveries.id);
    expect(rows.map((r) => r.status)).toEqual(['done', 'done', 'done']);
  });

  it('does not start a scheduled request before its start time', async () => {
    const ran: string[] = [];
    const flow: StepDefinition[] = [{ key: 'go', title: 'Go', kind: 'auto', run: async () => void ran.push('go') }];
    h = createHarness({ workflows: () => flow });
    const startAt = h.clock.now + 3 * 86_400_000;
    const req = await insertRequest(h, { startAt });
    const approved = await approveRequest(deps(h, () => flow), req.id, agent, 'test');
    expect(approved.status).toBe('scheduled');
    expect(await h.engine.runDue()).toBe(0);
    expect(await h.engine.nextDueAt()).toBe(startAt);
    h.clock.now = startAt;
    expect(await h.engine.runDue()).toBe(1);
    expect(ran).toEqual(['go']);
    const [r] = await h.handle.db.select().from(requests).where(eq(requests.id, req.id));
    expect(r?.status).toBe('completed');
  });

  it('on start, brings a request whose status fell behind its steps (a kill between the two writes) back in line', async () => {
    const flow: StepDefinition[] = [
      { key: 'a', title: 'A', kind: 'auto', run: async () => ({}) },
      { key: 'import', title: 'Import', kind: 'manual', instructions: () => ({ text: 'Import it', html: '<p>Import it</p>' }) },
    ];
    h = createHarness({ workflows: () => flow });
    const waiting = await insertRequest(h, { courseNumber: '1.01' });
    const finished = await insertRequest(h, { courseNumber: '1.02' });
    for (const r of [waiting, finished]) await approveRequest(deps(h, () => flow), r.id, agent, 'test');
    await h.engine.runDue();
    await completeStep(deps(h, () => flow), finished.id, 'import', 'done', agent);
    const statusOf = async (id: number) => (await h.handle.db.select().from(requests).where(eq(requests.id, id)))[0]?.status;
    expect([await statusOf(waiting.id), await statusOf(finished.id)]).toEqual(['waiting_on_agent', 'completed']);

    // What a kill right after settling the step leaves: the step moved, its request did not.
    await h.handle.db.update(requests).set({ status: 'in_progress', completedAt: null });
    const { startNodeDriver } = await import('../../src/engine/node-driver');
    const driver = startNodeDriver(h.engine, { concurrency: 1, clock: h.clock, log: silentLogger });
    await expect.poll(() => statusOf(finished.id)).toBe('completed');
    await driver.stop();
    expect(await statusOf(waiting.id)).toBe('waiting_on_agent');
    expect(h.logs.filter((l) => l.includes('request status recovered'))).toHaveLength(2);
    // In line already: nothing to do, nothing logged.
    expect(await h.engine.recoverStatuses()).toBe(0);
  });
});
