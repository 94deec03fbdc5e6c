import { afterAll, describe, expect, it } from 'vitest';
import { signZendeskPayload } from '../../src/webhooks/signature';
import { inProcessWorld, sleep, ticketView } from './support/world';
import { expectNoDuplicateComments } from './support/invariants';

/**
 * Hostile and repeated deliveries against the real HTTP server (not app.request): what counts
 * is what got processed (delivery rows, request rows, Zendesk reads and comments), not only
 * the status code.
 */
const SECRET = 'reliability-webhook-secret-0123456789';

describe('webhook intake over real HTTP', () => {
  const ctx = inProcessWorld(SECRET);
  const statuses: number[] = [];

  afterAll(() => {
    // Whatever was thrown at it, the service never answered with a 5xx.
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
  });

  const isoNow = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const deliveryRows = (invocationId: string) => ctx.db.prepare('SELECT status FROM webhook_deliveries WHERE invocation_id = ?').all(invocationId);
  const allDeliveries = () => (ctx.db.prepare('SELECT count(*) AS n FROM webhook_deliveries').get() as { n: number }).n;
  const requestRows = (ticketId: number) => ctx.db.prepare('SELECT id, status FROM requests WHERE ticket_id = ?').all(ticketId) as { id: number; status: string }[];
  const ticketReads = (ticketId: number) => ctx.world.sims.zendesk.requests.filter((r) => r.method === 'GET' && r.path === `/api/v2/tickets/${ticketId}`).length;

  /** A ticket as a requester files it (Zendesk's trigger delivers it to the service as usual). */
  function fileTicket(): number {
    return ctx.world.sims.zendesk.createTicketAsRequester({
      email: 'prof@mit.test',
      fields: { request_type: 'new', course_kind: 'xml', course_number: '8.01r', course_title: 'Physics', term: '2027_Spring', team_members: 'ada', instructor: 'ada' },
    });
  }

  async function post(body: string, headers: Record<string, string>): Promise<number> {
    const res = await fetch(`${ctx.world.url}/webhooks/zendesk`, { method: 'POST', body, headers });
    await res.arrayBuffer();
    statuses.push(res.status);
    return res.status;
  }

  async function signed(body: string, options: { timestamp?: string; secret?: string; invocationId?: string; contentType?: string } = {}) {
    const timestamp = options.timestamp ?? isoNow();
    return {
      'content-type': options.contentType ?? 'application/json',
      'x-zendesk-webhook-signature': await signZendeskPayload(options.secret ?? SECRET, timestamp, body),
      'x-zendesk-webhook-signature-timestamp': timestamp,
      'x-zendesk-webhook-invocation-id': options.invocationId ?? crypto.randomUUID(),
      'x-zendesk-webhook-id': 'reliability',
    };
  }

  it('refuses forged, stale, future, unsigned and re-timestamped deliveries, and processes none of them', async () => {
    // A real ticket, so processing (if it wrongly happened) would show as a request row and reads.
    const ticketId = fileTicket();
    await settle(ticketId);
    const rowsBefore = requestRows(ticketId).length;
    const deliveriesBefore = allDeliveries();
    const readsBefore = ticketReads(ticketId);
    const body = JSON.stringify({ ticket_id: String(ticketId), event: 'created' });

    const good = await signed(body);
    const { 'x-zendesk-webhook-signature': _s, ...noSignature } = await signed(body);
    const { 'x-zendesk-webhook-signature-timestamp': _t, ...noTimestamp } = await signed(body);
    const attempts: Record<string, Record<string, string>> = {
      forged: await signed(body, { secret: 'not-the-secret-at-all' }),
      stale: await signed(body, { timestamp: isoNow(-6 * 60_000) }),
      future: await signed(body, { timestamp: isoNow(6 * 60_000) }),
      'no signature': noSignature,
      'no timestamp': noTimestamp,
      // A captured delivery replayed later with a fresh timestamp: the old signature no longer matches.
      'replayed with a new timestamp': { ...good, 'x-zendesk-webhook-signature-timestamp': isoNow(1_000), 'x-zendesk-webhook-invocation-id': crypto.randomUUID() },
      'body changed under the signature': { ...good, 'x-zendesk-webhook-invocation-id': crypto.randomUUID() },
      'not base64': { ...good, 'x-zendesk-webhook-signature': '%%%not-base64%%%' },
    };
    for (const [what, headers] of Object.entries(attempts)) {
      const sent = what === 'body changed under the signature' ? body.replace('created', 'updated') : body;
      expect(await post(sent, headers), what).toBe(401);
    }
    await sleep(300);
    expect(allDeliveries()).toBe(deliveriesBefore);
    expect(requestRows(ticketId)).toHaveLength(rowsBefore);
    expect(ticketReads(ticketId)).toBe(readsBefore);
  });

  it('processes the same invocation sent 5 times at once exactly once, and a replay of it byte for byte is acknowledged, not processed', async () => {
    const ticketId = fileTicket();
    // Let Zendesk's own delivery for the new ticket finish first, so only ours remain to count.
    const first = await settle(ticketId);
    const commentsBefore = ctx.world.sims.zendesk.comments(ticketId).length;
    const readsBefore = ticketReads(ticketId);

    const body = JSON.stringify({ ticket_id: String(ticketId), event: 'updated' });
    const headers = await signed(body, { invocationId: `inv-${ticketId}-x5` });
    const answers = await Promise.all(Array.from({ length: 5 }, () => post(body, headers)));
    expect(answers.sort()).toEqual([200, 200, 200, 200, 202]);
    await settle(ticketId);
    expect(deliveryRows(`inv-${ticketId}-x5`)).toEqual([{ status: 'done' }]);
    // One processing: one more read of the ticket, not five.
    const readsAfter = ticketReads(ticketId);
    expect(readsAfter - readsBefore).toBeGreaterThanOrEqual(1);
    const oneProcessing = readsAfter - readsBefore;

    // Zendesk's byte-for-byte redelivery, then its retry with a fresh timestamp and signature.
    expect(await post(body, headers)).toBe(200);
    expect(await post(body, await signed(body, { invocationId: `inv-${ticketId}-x5` }))).toBe(200);
    await sleep(300);
    expect(ticketReads(ticketId)).toBe(readsAfter);
    expect(requestRows(ticketId)).toEqual([first]);
    expect(ctx.world.sims.zendesk.comments(ticketId).length).toBe(commentsBefore);
    expectNoDuplicateComments(ctx.world.sims, ticketId);
    expect(oneProcessing).toBeLessThanOrEqual(3);
  });

  it('answers empty, 5 MB, non-JSON and wrongly typed bodies with a 4xx naming the problem, and records none', async () => {
    const before = allDeliveries();
    const empty = await signed('');
    expect(await post('', empty)).toBe(400);
    const big = 'x'.repeat(5 * 1024 * 1024);
    const bigBody = JSON.stringify({ ticket_id: '1', event: big });
    const bigStatus = await post(bigBody, await signed(bigBody));
    expect(bigStatus).toBe(413);
    expect(await post('{"ticket_id":', await signed('{"ticket_id":'))).toBe(400);
    const typed = JSON.stringify({ ticket_id: '1' });
    expect(await post(typed, await signed(typed, { contentType: 'text/plain' }))).toBe(415);
    expect(await post(typed, await signed(typed, { contentType: 'application/x-www-form-urlencoded' }))).toBe(415);
    const noTicket = JSON.stringify({ event: 'created' });
    const res = await fetch(`${ctx.world.url}/webhooks/zendesk`, { method: 'POST', body: noTicket, headers: await signed(noTicket) });
    statuses.push(res.status);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('ticket_id');
    await sleep(200);
    expect(allDeliveries()).toBe(before);
  });

  /** Waits until the ticket is quiet: deliveries answered and processed, reads no longer growing. */
  async function settle(ticketId: number): Promise<{ id: number; status: string }> {
    for (let i = 0; i < 50; i++) {
      const reads = ticketReads(ticketId);
      await ctx.world.sims.zendesk.idle();
      const row = await ticketIdle(ticketId);
      await sleep(150);
      if (ticketReads(ticketId) === reads && ctx.world.sims.zendesk.invocations().every((inv) => inv.attempts.length > 0)) return row;
    }
    throw new Error(`ticket ${ticketId} kept changing`);
  }

  /** Waits until the ticket's request exists and no delivery of it is pending; returns its row. */
  async function ticketIdle(ticketId: number): Promise<{ id: number; status: string }> {
    for (let i = 0; i < 200; i++) {
      const busy = (ctx.db.prepare("SELECT count(*) AS n FROM webhook_deliveries WHERE ticket_id = ? AND status IN ('pending','running')").get(ticketId) as { n: number }).n;
      const [row] = requestRows(ticketId);
      if (busy === 0 && row && (await ticketView(ctx.world, ticketId))) return row;
      await sleep(25);
    }
    throw new Error(`ticket ${ticketId} did not settle`);
  }
});
