import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSetup, zendeskWorld } from './world';

let world: ReturnType<typeof zendeskWorld>;
beforeEach(async () => {
  world = zendeskWorld();
  expect((await runSetup(world.env)).code).toBe(0);
});
afterEach(() => world.close());

const fields = { request_type: 'new', course_number: '8.01r' } as const;
const events = () => world.delivered.map((d) => JSON.parse(d.body));

describe('Zendesk simulator deliveries', () => {
  it('signs each delivery as documented: base64(HMAC-SHA256(secret, timestamp + body))', async () => {
    const ticketId = world.sim.createTicketAsRequester({ email: 'prof@mit.test', fields });
    await world.sim.idle();
    expect(world.delivered).toHaveLength(1);
    const [delivery] = world.delivered;
    const webhook = world.sim.admin.webhooks()[0]!;
    expect(delivery?.url).toBe('https://orc.example.edu/webhooks/zendesk');
    const timestamp = delivery!.headers.get('x-zendesk-webhook-signature-timestamp')!;
    expect(timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const expected = createHmac('sha256', world.sim.admin.signingSecret(webhook.id)!).update(timestamp + delivery!.body).digest('base64');
    expect(delivery!.headers.get('x-zendesk-webhook-signature')).toBe(expected);
    expect(delivery!.headers.get('x-zendesk-webhook-id')).toBe(webhook.id);
    expect(delivery!.headers.get('x-zendesk-webhook-invocation-id')).toMatch(/^[0-9A-Z]{26}$/);
    expect(events()).toEqual([{ ticket_id: String(ticketId), event: 'created' }]);
  });

  it('tests a webhook as Zendesk does: one request signed with its secret, the endpoint\'s answer relayed; an unknown webhook is 404', async () => {
    const webhook = world.sim.admin.webhooks()[0]!;
    const admin = world.adapter().admin;
    const answer = await admin.testWebhook(webhook.id, { endpoint: 'https://orc.example.edu/webhooks/zendesk', payload: '{"orcoursetrion_probe":"n"}' });
    expect(answer).toMatchObject({ status: 202 });
    expect(world.delivered).toHaveLength(1);
    const [test] = world.delivered;
    const timestamp = test!.headers.get('x-zendesk-webhook-signature-timestamp')!;
    const expected = createHmac('sha256', world.sim.admin.signingSecret(webhook.id)!).update(timestamp + test!.body).digest('base64');
    expect(test!.headers.get('x-zendesk-webhook-signature')).toBe(expected);
    expect(test!.body).toBe('{"orcoursetrion_probe":"n"}');
    await expect(admin.testWebhook('01NOSUCHWEBHOOK000000000000', { endpoint: 'https://orc.example.edu/webhooks/zendesk', payload: '{}' })).rejects.toThrow(/404/);
  });

  it('fires the update trigger on a decision or status change and on a requester reply, not on a silent agent note', async () => {
    const ticketId = world.sim.createTicketAsRequester({ email: 'prof@mit.test', fields });
    world.sim.updateAsAgent(ticketId, { comment: 'looking at it' });
    world.sim.applyMacroAsAgent(ticketId, '[Orcoursetrion] Approve course request');
    world.sim.updateAsAgent(ticketId, { comment: 'internal only, status unchanged' });
    world.sim.updateAsAgent(ticketId, { status: 'pending' });
    world.sim.editAsRequester(ticketId, { comment: 'fixed the term' });
    await world.sim.idle();
    // The first agent note moved the new ticket to open (a status change), as Zendesk does; the second changed nothing.
    expect(events().map((e) => e.event)).toEqual(['created', 'updated', 'updated', 'updated', 'updated']);
    expect(world.sim.fieldValue(ticketId, 'decision')).toBe('orc_decision_approve');
    expect(world.sim.ticket(ticketId).status).toBe('open');
  });

  it('ignores tickets on other forms', async () => {
    world.sim.createTicketAsRequester({ email: 'someone@mit.test', fields: {}, onForm: false });
    await world.sim.idle();
    expect(world.delivered).toEqual([]);
  });

  it('redelivers a duplicate byte for byte, and retries with a fresh signature under the same invocation id', async () => {
    world.sim.createTicketAsRequester({ email: 'prof@mit.test', fields });
    await world.sim.idle();
    const [invocation] = world.sim.invocations();
    await world.sim.redeliver(invocation!.id);
    await world.sim.retry(invocation!.id);
    const [first, duplicate, retry] = world.delivered;
    const header = (d: typeof first, name: string) => d?.headers.get(name);
    expect([...duplicate!.headers.entries()]).toEqual([...first!.headers.entries()]);
    expect(duplicate!.body).toBe(first!.body);
    expect(header(retry, 'x-zendesk-webhook-invocation-id')).toBe(invocation!.id);
    const secret = world.sim.admin.signingSecret(invocation!.webhookId)!;
    const ts = header(retry, 'x-zendesk-webhook-signature-timestamp')!;
    expect(header(retry, 'x-zendesk-webhook-signature')).toBe(createHmac('sha256', secret).update(ts + retry!.body).digest('base64'));
    expect(world.sim.invocations()[0]?.attempts).toHaveLength(3);
  });

  it('refuses API calls without the right token', async () => {
    const response = await world.sim.fetch(new Request('https://acme.zendesk.test/api/v2/tickets/1.json', { headers: { authorization: 'Basic eDp5' } }));
    expect(response.status).toBe(401);
  });

  it('refuses a safe_update with a stale stamp (409)', async () => {
    const ticketId = world.sim.createTicketAsRequester({ email: 'prof@mit.test', fields });
    const stale = world.sim.ticket(ticketId).updated_at;
    world.sim.updateAsAgent(ticketId, { status: 'open' });
    const auth = `Basic ${Buffer.from(`${world.env.ORC_ZENDESK_EMAIL}/token:${world.env.ORC_ZENDESK_TOKEN}`).toString('base64')}`;
    const response = await world.sim.fetch(
      new Request(`https://acme.zendesk.test/api/v2/tickets/${ticketId}.json`, {
        method: 'PUT',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify({ ticket: { status: 'solved', safe_update: true, updated_stamp: stale } }),
      }),
    );
    expect(response.status).toBe(409);
    expect(world.sim.ticket(ticketId).status).toBe('open');
  });
});
