import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketNotes, webhookDeliveries } from '../../src/db/schema';
import { dueBacklog, outboxBacklog } from '../../src/engine/claim';
import { TransientError, PermanentError } from '../../src/errors';
import { observedFetch } from '../../src/integrations/calls';
import { createPrometheusMetrics } from '../../src/metrics/prometheus';
import { startSandbox, type Sandbox } from '../flows/sandbox';
import { createHarness, insertRequest } from '../support/harness';

/** The value of one series in Prometheus text, or undefined when it is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** A service with nothing due and nothing owed. */
const idle = { backlog: async () => ({ deliveries: 0, steps: 0, oldestDueAt: undefined }), outbox: async () => ({ owed: 0, failed: 0, oldestDueAt: undefined }), clock: () => 0 };

describe('metrics', () => {
  it('counts external calls by system and status, and 429s and GitHub 403 limits as rate limits', async () => {
    const metrics = createPrometheusMetrics(idle);
    const answers = [
      new Response('{}', { status: 200 }),
      new Response('{}', { status: 429, headers: { 'retry-after': '3' } }),
      new Response('{}', { status: 403, headers: { 'retry-after': '60' } }),
      new Response('{}', { status: 403, headers: { 'x-ratelimit-remaining': '0' } }),
      new Response('{}', { status: 403 }),
    ];
    const github = observedFetch('github', async () => answers.shift()!, metrics.calls);
    for (let i = 0; i < 5; i++) await github('https://api.github.test/');
    const zendesk = observedFetch('zendesk', async () => Promise.reject(new TypeError('fetch failed')), metrics.calls);
    await expect(zendesk('https://acme.zendesk.test/')).rejects.toThrow('fetch failed');

    const text = await metrics.render();
    expect(sample(text, 'orc_external_calls_total{system="github",status="200"}')).toBe(1);
    expect(sample(text, 'orc_external_calls_total{system="github",status="429"}')).toBe(1);
    expect(sample(text, 'orc_external_calls_total{system="github",status="403"}')).toBe(3);
    expect(sample(text, 'orc_external_calls_total{system="zendesk",status="network_error"}')).toBe(1);
    expect(sample(text, 'orc_external_rate_limits_total{system="github",kind="too_many_requests"}')).toBe(1);
    expect(sample(text, 'orc_external_rate_limits_total{system="github",kind="secondary"}')).toBe(1);
    expect(sample(text, 'orc_external_rate_limits_total{system="github",kind="primary"}')).toBe(1);
  });

  it('keeps each instance on its own registry', async () => {
    const make = () => createPrometheusMetrics(idle);
    const a = make();
    const b = make();
    a.deliveryReceived('new');
    expect(sample(await a.render(), 'orc_webhook_deliveries_received_total{outcome="new"}')).toBe(1);
    expect(sample(await b.render(), 'orc_webhook_deliveries_received_total{outcome="new"}')).toBeUndefined();
  });

  it('measures the backlog as what a claimer would take: due deliveries, runnable due steps, and the oldest due age', async () => {
    const h = createHarness({ workflows: () => [{ key: 'a', title: 'A', kind: 'auto', run: async () => ({}) }, { key: 'b', title: 'B', kind: 'auto', run: async () => ({}) }] });
    const now = h.clock.now;
    const insert = (invocationId: string, values: Partial<typeof webhookDeliveries.$inferInsert>) =>
      h.handle.db.insert(webhookDeliveries).values({ invocationId, ticketId: 1, body: '{}', receivedAt: now, ...values });
    await insert('due-1', { nextRunAt: now - 30_000 });
    await insert('due-2', { nextRunAt: now - 5_000 });
    await insert('later', { nextRunAt: now + 60_000 });
    await insert('abandoned', { status: 'running', leaseExpiresAt: now - 90_000 });
    await insert('held', { status: 'running', leaseExpiresAt: now + 60_000 });
    await insert('done', { status: 'done', nextRunAt: now - 100_000 });
    expect(await dueBacklog(h.handle.db, now)).toEqual({ deliveries: 3, steps: 0, oldestDueAt: now - 90_000 });

    // Two steps of one request: only the first is runnable, so the backlog counts one.
    const request = await insertRequest(h, { status: 'in_progress' });
    const { steps } = await import('../../src/db/schema');
    await h.handle.db.insert(steps).values([
      { requestId: request.id, key: 'a', title: 'A', kind: 'auto', status: 'pending', position: 0, nextRunAt: now - 200_000, updatedAt: now },
      { requestId: request.id, key: 'b', title: 'B', kind: 'auto', status: 'pending', position: 1, nextRunAt: now - 300_000, updatedAt: now },
    ]);
    expect(await dueBacklog(h.handle.db, now)).toEqual({ deliveries: 3, steps: 1, oldestDueAt: now - 200_000 });
    h.handle.close();
  });

  it('counts ticket notes posted, retried and failed, and measures the outbox: owed, failed, and the oldest note a claimer would take', async () => {
    let metrics: ReturnType<typeof createPrometheusMetrics> | undefined;
    const refusals: Record<string, Error[]> = { m1: [new TransientError('Zendesk answered 503')], m2: [new PermanentError('Zendesk ticket 2 is closed')] };
    const h = createHarness({
      observer: { stepSettled: (s) => metrics!.engine.stepSettled(s), deliveryProcessed: (o) => metrics!.engine.deliveryProcessed(o), noteSettled: (o) => metrics!.engine.noteSettled(o) },
      hooks: {
        postNote: async (note) => {
          const refusal = refusals[note.marker]?.shift();
          if (refusal) throw refusal;
        },
      },
    });
    metrics = createPrometheusMetrics({ backlog: () => dueBacklog(h.handle.db, h.clock.now), outbox: () => outboxBacklog(h.handle.db, h.clock.now), clock: () => h.clock.now });
    const now = h.clock.now;
    const owe = (ticketId: number, marker: string, values: Partial<typeof ticketNotes.$inferInsert> = {}) =>
      h.handle.db.insert(ticketNotes).values({ ticketId, marker, html: '<p>x</p>', createdAt: now, nextRunAt: now, ...values });
    await owe(1, 'm1', { nextRunAt: now - 40_000 });
    await owe(2, 'm2', { nextRunAt: now - 10_000 });
    // Behind m1 on its ticket: owed, but not due until m1 is posted, so not the oldest due.
    await owe(1, 'm3', { nextRunAt: now - 90_000 });
    await owe(3, 'later', { nextRunAt: now + 60_000 });
    await owe(4, 'posted', { status: 'done', nextRunAt: now - 500_000 });
    expect(await outboxBacklog(h.handle.db, now)).toEqual({ owed: 4, failed: 0, oldestDueAt: now - 40_000 });
    const outbox = async () => {
      const text = await metrics!.render();
      return {
        ...Object.fromEntries(['posted', 'retry', 'failed'].map((o) => [o, sample(text, `orc_ticket_notes_total{outcome="${o}"}`)])),
        owed: sample(text, 'orc_ticket_notes_owed'),
        failedNow: sample(text, 'orc_ticket_notes_failed'),
        oldestDue: sample(text, 'orc_ticket_notes_oldest_due_age_seconds'),
      };
    };
    expect(await outbox()).toEqual({ posted: undefined, retry: undefined, failed: undefined, owed: 4, failedNow: 0, oldestDue: 40 });

    await h.engine.runDue();
    // m1 backs off (retry), m2 gives up (failed), m3 waits behind m1; then m1 and m3 are posted.
    expect(await outboxBacklog(h.handle.db, h.clock.now)).toMatchObject({ owed: 3, failed: 1 });
    h.clock.now = (await h.engine.nextDueAt())!;
    await h.engine.runDue();
    expect(await outbox()).toEqual({ posted: 2, retry: 1, failed: 1, owed: 1, failedNow: 1, oldestDue: 0 });
    h.handle.close();
  });
});

describe('GET /metrics on the running service', () => {
  const TOKEN = 'metrics-token-0123456789abcdef';
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ ORC_METRICS_TOKEN: TOKEN, ORC_EDX_API: 'git_import' });
  }, 60_000);
  afterAll(async () => sb?.close());
  const scrape = (token?: string) => fetch(`${sb.service.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('refuses a missing or wrong token', async () => {
    for (const token of [undefined, 'wrong-token-0123456789abcdef', `${TOKEN}x`]) {
      const res = await scrape(token);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 'unauthorized', message: 'GET /metrics needs Authorization: Bearer <ORC_METRICS_TOKEN>' } });
    }
  });

  it('after a course request runs: deliveries, steps, external calls by system, requests by route and status, an empty backlog', async () => {
    const { ticketId } = await sb.fileAndApprove({ request_type: 'new', course_number: '8.02m', course_title: 'Electricity', course_kind: 'xml', term: '2027_Spring', team_members: 'ada', instructor: 'ada' });
    await sb.followInstructions(ticketId);
    // The engine settles the delivery after its intake: wait for the backlog to be empty, as the scrape reports it.
    const text = await sb.until('the engine to drain', async () => {
      const body = await (await scrape(TOKEN)).text();
      return sample(body, 'orc_engine_backlog{kind="delivery"}') === 0 && sample(body, 'orc_engine_backlog{kind="step"}') === 0 ? body : undefined;
    });
    const res = await scrape(TOKEN);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(sample(text, 'orc_webhook_deliveries_received_total{outcome="new"}')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'orc_webhook_deliveries_processed_total{outcome="done"}')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'orc_engine_steps_total{kind="auto",outcome="done"}')).toBeGreaterThanOrEqual(5);
    expect(sample(text, 'orc_engine_steps_total{kind="manual",outcome="waiting"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'orc_engine_step_duration_seconds_count{kind="auto",outcome="done"}')).toBeGreaterThanOrEqual(5);
    for (const system of ['github', 'zendesk', 'edx']) expect(text, system).toMatch(new RegExp(`^orc_external_calls_total\\{system="${system}",status="20[01]"\\} [1-9]`, 'm'));
    expect(text).toMatch(/^orc_http_requests_total\{method="POST",route="\/webhooks\/zendesk",status="202"\} [1-9]/m);
    expect(sample(text, 'orc_http_requests_total{method="GET",route="/metrics",status="401"}')).toBe(3);
    expect(sample(text, 'orc_engine_oldest_due_age_seconds')).toBe(0);
    expect(sample(text, 'orc_ticket_notes_total{outcome="posted"}')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'orc_ticket_notes_failed')).toBe(0);
  }, 60_000);
});

describe('GET /metrics without ORC_METRICS_TOKEN', () => {
  it('does not exist', async () => {
    const sb = await startSandbox();
    try {
      const res = await fetch(`${sb.service.url}/metrics`, { headers: { authorization: 'Bearer anything-at-all-0123456789' } });
      expect(res.status).toBe(404);
    } finally {
      await sb.close();
    }
  }, 60_000);
});
