import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { webhookDeliveries, zendeskObjects } from '../../src/db/schema';
import { signZendeskPayload, verifyZendeskSignature } from '../../src/webhooks/signature';
import { createHarness, signedDelivery, WEBHOOK_SECRET, type Harness } from '../support/harness';

const body = JSON.stringify({ ticket_id: '42', event: 'created' });

describe('Zendesk signature', () => {
  it('matches the documented formula: base64(HMAC-SHA256(secret, timestamp + body))', async () => {
    const { createHmac } = await import('node:crypto');
    const ts = '2026-11-25T12:00:00Z';
    const expected = createHmac('sha256', 'dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==').update(ts + body).digest('base64');
    expect(await signZendeskPayload('dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==', ts, body)).toBe(expected);
  });

  it('rejects a signature over body + timestamp (the old docs order)', async () => {
    const { createHmac } = await import('node:crypto');
    const ts = '2026-11-25T12:00:00Z';
    const swapped = createHmac('sha256', WEBHOOK_SECRET).update(body + ts).digest('base64');
    const check = await verifyZendeskSignature({ secrets: [WEBHOOK_SECRET], signature: swapped, timestamp: ts, body: new TextEncoder().encode(body), now: Date.parse(ts) });
    expect(check).toEqual({ ok: false, reason: 'signature does not match' });
  });
});

describe('POST /webhooks/zendesk', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
  });
  afterEach(() => h.handle.close());

  const deliveries = () => h.handle.db.select().from(webhookDeliveries);

  it('answers the doctor\'s signed probe 200 with its nonce, records nothing and wakes nobody; a forged one is 401', async () => {
    const probe = JSON.stringify({ orcoursetrion_probe: 'nonce-1' });
    const init = await signedDelivery(probe, { now: h.clock.now });
    const { 'x-zendesk-webhook-invocation-id': _none, ...headers } = init.headers;
    const res = await h.app.request('/webhooks/zendesk', { ...init, headers });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'probe', orcoursetrion_probe: 'nonce-1' });
    const forged = await h.app.request('/webhooks/zendesk', await signedDelivery(probe, { now: h.clock.now, secret: 'not-the-secret' }));
    expect(forged.status).toBe(401);
    // Anything more than the probe is an ordinary body without a ticket id.
    const more = await h.app.request('/webhooks/zendesk', await signedDelivery(JSON.stringify({ orcoursetrion_probe: 'n', event: 'created' }), { now: h.clock.now }));
    expect(more.status).toBe(400);
    expect(await deliveries()).toHaveLength(0);
    expect(h.wakes).toBe(0);
  });

  it('records a correctly signed delivery and wakes the engine', async () => {
    const res = await h.app.request('/webhooks/zendesk', await signedDelivery(body, { now: h.clock.now, invocationId: 'inv-1' }));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: 'accepted' });
    const rows = await deliveries();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ invocationId: 'inv-1', ticketId: 42, event: 'created', status: 'pending' });
    expect(h.wakes).toBe(1);
  });

  it.each([
    ['a forged signature', async () => ({ ...(await signedDelivery(body, { now: h.clock.now, secret: 'not-the-secret' })) })],
    ['a stale timestamp (6 minutes old)', async () => signedDelivery(body, { now: h.clock.now - 6 * 60_000 })],
    ['a timestamp from the future', async () => signedDelivery(body, { now: h.clock.now + 6 * 60_000 })],
    [
      'no signature header',
      async () => {
        const init = await signedDelivery(body, { now: h.clock.now });
        const { 'x-zendesk-webhook-signature': _omit, ...headers } = init.headers;
        return { ...init, headers };
      },
    ],
    [
      'no timestamp header',
      async () => {
        const init = await signedDelivery(body, { now: h.clock.now });
        const { 'x-zendesk-webhook-signature-timestamp': _omit, ...headers } = init.headers;
        return { ...init, headers };
      },
    ],
    [
      'a replayed body and signature with a new timestamp',
      async () => {
        const old = await signedDelivery(body, { now: h.clock.now - 60 * 60_000 });
        const fresh = new Date(h.clock.now).toISOString().replace(/\.\d{3}Z$/, 'Z');
        return { ...old, headers: { ...old.headers, 'x-zendesk-webhook-signature-timestamp': fresh } };
      },
    ],
    [
      'a tampered body',
      async () => {
        const init = await signedDelivery(body, { now: h.clock.now });
        return { ...init, body: JSON.stringify({ ticket_id: '43', event: 'created' }) };
      },
    ],
  ])('rejects %s with 401 and records nothing', async (_name, make) => {
    const res = await h.app.request('/webhooks/zendesk', await make());
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('invalid_signature');
    expect(await deliveries()).toHaveLength(0);
    expect(h.wakes).toBe(0);
  });

  it('acknowledges a duplicate invocation with 200 and records it once', async () => {
    const init = await signedDelivery(body, { now: h.clock.now, invocationId: 'inv-dup' });
    const first = await h.app.request('/webhooks/zendesk', init);
    const second = await h.app.request('/webhooks/zendesk', init);
    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual({ status: 'duplicate' });
    expect(await deliveries()).toHaveLength(1);
    expect(h.wakes).toBe(1);
  });

  it('records the same invocation sent 5 times concurrently exactly once', async () => {
    const init = await signedDelivery(body, { now: h.clock.now, invocationId: 'inv-race' });
    const statuses = await Promise.all(Array.from({ length: 5 }, () => Promise.resolve(h.app.request('/webhooks/zendesk', init)).then((r) => r.status)));
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(4);
    expect(await deliveries()).toHaveLength(1);
  });

  it('names the problem in a malformed but signed body with 400', async () => {
    for (const [bad, expected] of [
      ['{"event":"created"}', 'ticket_id'],
      ['{"ticket_id":"abc"}', 'ticket_id'],
      ['not json', 'not valid JSON'],
      ['', 'ticket_id'],
    ] as const) {
      const res = await h.app.request('/webhooks/zendesk', await signedDelivery(bad, { now: h.clock.now }));
      expect(res.status, bad).toBe(400);
      expect((await res.json()).error.message).toContain(expected);
    }
    expect(await deliveries()).toHaveLength(0);
  });

  it('answers 415 to a signed body that is not JSON by content type', async () => {
    const init = await signedDelivery(body, { now: h.clock.now });
    const res = await h.app.request('/webhooks/zendesk', { ...init, headers: { ...init.headers, 'content-type': 'text/plain' } });
    expect(res.status).toBe(415);
    expect(await deliveries()).toHaveLength(0);
  });

  it('answers 413 to a 5 MB body without reading it all', async () => {
    const huge = JSON.stringify({ ticket_id: '1', pad: 'x'.repeat(5 * 1024 * 1024) });
    const res = await h.app.request('/webhooks/zendesk', await signedDelivery(huge, { now: h.clock.now }));
    expect(res.status).toBe(413);
    expect(await deliveries()).toHaveLength(0);
  });

  it('accepts the signing secret stored by `zendesk setup` when no env secret is set', async () => {
    const { webhookSecretSource } = await import('../../src/webhooks/secrets');
    const source = webhookSecretSource(h.handle.db, h.clock, undefined);
    expect(await source()).toEqual([]);
    await h.handle.db.insert(zendeskObjects).values({ key: 'webhook', kind: 'webhook', zendeskId: '01H', title: 'hook', secret: 'stored-secret', updatedAt: 0 });
    h.clock.advance(10_000);
    expect(await source()).toEqual(['stored-secret']);
    const [row] = await h.handle.db.select().from(zendeskObjects).where(eq(zendeskObjects.key, 'webhook'));
    expect(row?.secret).toBe('stored-secret');
  });
});
