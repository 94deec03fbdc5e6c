import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTransient, retryAfterOf } from '../../src/errors';
import { silentLogger } from '../../src/log';
import { createZendeskAdapter } from '../../src/integrations/zendesk/adapter';
import { TicketClosed, TicketNotFound, ZendeskConflict, ZendeskRateLimited, ZendeskUnavailable } from '../../src/integrations/zendesk/errors';
import { commentMarker } from '../../src/integrations/zendesk/marker';
import { runSetup, TOKEN, zendeskWorld } from './world';

let world: ReturnType<typeof zendeskWorld>;
let ticketId: number;
beforeEach(async () => {
  world = zendeskWorld();
  expect((await runSetup(world.env)).code).toBe(0);
  ticketId = world.sim.createTicketAsRequester({ email: 'prof@mit.test', fields: { request_type: 'new', course_number: '8.01r' } });
});
afterEach(() => world.close());

const markerCount = (marker: string) => world.sim.comments(ticketId).filter((c) => c.html_body.includes(marker)).length;

describe('Zendesk adapter', () => {
  it('reads a ticket with its form, status, requester and field values', async () => {
    const ticket = await world.adapter().getTicket(ticketId);
    expect(ticket).toMatchObject({ id: ticketId, status: 'new', requester: { email: 'prof@mit.test' } });
    expect(ticket.formId).toBe(world.sim.admin.ticketForms()[0]?.id);
    expect([...ticket.customFields.values()]).toContain('orc_type_new');
  });

  it('reads the ticket and its requester in one request, the requester side-loaded', async () => {
    world.sim.requests.length = 0;
    const ticket = await world.adapter().getTicket(ticketId);
    expect(ticket.requester).toMatchObject({ email: 'prof@mit.test' });
    expect(world.sim.requests).toEqual([{ method: 'GET', path: `/api/v2/tickets/${ticketId}` }]);
    // An update reads the ticket (side-loaded) and writes it: the requester comes from that read.
    world.sim.requests.length = 0;
    expect((await world.adapter().updateTicket(ticketId, { status: 'open' })).ticket.requester).toMatchObject({ email: 'prof@mit.test' });
    expect(world.sim.requests.filter((r) => r.path.includes('/users/'))).toEqual([]);
  });

  it('reads the requester on its own when the side-load lacks a usable record of them', async () => {
    // The docs call side-loaded users "partial": a record without the email key, or none at all, is not trusted.
    const cases: Array<(users: Array<Record<string, unknown>>) => unknown> = [(users) => users.map(({ email: _email, ...rest }) => rest), () => [], () => undefined];
    for (const rewrite of cases) {
      const fetchRewriting: typeof fetch = async (input, init) => {
        const res = await fetch(input, init);
        if (!String(input).includes('include=users')) return res;
        const body = (await res.json()) as { users?: Array<Record<string, unknown>> };
        return Response.json({ ...body, users: rewrite(body.users ?? []) }, { status: res.status });
      };
      world.sim.requests.length = 0;
      const ticket = await createZendeskAdapter({ config: world.env, logger: silentLogger, fetch: fetchRewriting }).getTicket(ticketId);
      expect(ticket.requester).toMatchObject({ email: 'prof@mit.test' });
      expect(world.sim.requests.map((r) => r.path)).toEqual([`/api/v2/tickets/${ticketId}`, expect.stringMatching(/^\/api\/v2\/users\/\d+$/)]);
    }
  });

  it('leaves a solved ticket solved when a comment asks to keep it so, and posts the comment', async () => {
    const zd = world.adapter();
    await zd.updateTicket(ticketId, { status: 'solved' });
    const late = { html: '<p>plan</p>', public: false, marker: commentMarker(7, 'plan.x') };
    expect(await zd.addComment({ ticketId, ...late, status: 'open', keepSolved: true })).toEqual({ posted: true });
    expect(world.sim.ticket(ticketId).status).toBe('solved');
    // Without it the status applies (a step's own note on a ticket it is working on).
    await zd.addComment({ ticketId, html: '<p>step</p>', public: false, marker: commentMarker(7, 'done.x'), status: 'open' });
    expect(world.sim.ticket(ticketId).status).toBe('open');
  });

  it('turns a 404 into a permanent TicketNotFound', async () => {
    const err = await world.adapter().getTicket(999_999).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TicketNotFound);
    expect(isTransient(err)).toBe(false);
  });

  it('sits out short Retry-After waits and succeeds', async () => {
    world.sim.faults.rateLimit(2, 1);
    const ticket = await world.adapter().getTicket(ticketId);
    expect(ticket.id).toBe(ticketId);
    expect(world.waits).toEqual([1000, 1000]);
  });

  it('throws a long Retry-After to the engine as transient, with the wait', async () => {
    world.sim.faults.rateLimit(1, 120);
    const err = await world.adapter().getTicket(ticketId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZendeskRateLimited);
    expect(isTransient(err)).toBe(true);
    expect(retryAfterOf(err)).toBe(120_000);
    expect(world.waits).toEqual([]);
  });

  it('re-reads and re-applies an update that met a 409', async () => {
    world.sim.faults.conflictOnTicketUpdate(2);
    const result = await world.adapter().updateTicket(ticketId, { status: 'open' });
    expect(result.changed).toBe(true);
    expect(world.sim.ticket(ticketId).status).toBe('open');
    expect(world.sim.requests.filter((r) => r.method === 'PUT')).toHaveLength(3);
  });

  it('gives up on a conflict that does not clear, as a transient error', async () => {
    world.sim.faults.conflictOnTicketUpdate(10);
    const err = await world.adapter().updateTicket(ticketId, { status: 'open' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZendeskConflict);
    expect(isTransient(err)).toBe(true);
    expect(world.sim.ticket(ticketId).status).toBe('new');
  });

  it('reports a 5xx as transient', async () => {
    world.sim.faults.serverError(1, 502);
    const err = await world.adapter().getTicket(ticketId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZendeskUnavailable);
    expect(isTransient(err)).toBe(true);
  });

  it('gives up on a request that hangs, as a transient error, instead of holding the step', async () => {
    const hanging: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    const adapter = createZendeskAdapter({ config: world.env, logger: silentLogger, fetch: hanging, requestTimeoutMs: 50 });
    const started = Date.now();
    const err = await adapter.getTicket(ticketId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZendeskUnavailable);
    expect(isTransient(err)).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('posts a marked comment once, however often the step runs', async () => {
    const zendesk = world.adapter();
    const marker = commentMarker(17, 'intake-problems');
    const input = { ticketId, html: '<p>Please fix the term.</p>', public: true, marker, status: 'pending' as const };
    expect(await zendesk.addComment(input)).toEqual({ posted: true });
    expect(await zendesk.addComment(input)).toEqual({ posted: false });
    expect(markerCount(marker)).toBe(1);
    expect(world.sim.ticket(ticketId).status).toBe('pending');
    // Another step of the same request is another comment.
    expect(await zendesk.addComment({ ...input, marker: commentMarker(17, 'intake-problems-2') })).toEqual({ posted: true });
    expect(markerCount(marker)).toBe(1);
  });

  it('finds the marker again after a 409 retry, so the comment is not doubled', async () => {
    world.sim.faults.conflictOnTicketUpdate(1);
    const marker = commentMarker('r-1', 'plan-note');
    await world.adapter().addComment({ ticketId, html: '<p>Plan</p>', public: false, marker });
    expect(markerCount(marker)).toBe(1);
    expect(world.sim.comments(ticketId).at(-1)?.public).toBe(false);
  });

  it('a closed ticket refuses any update with 422, and the adapter says so as a permanent TicketClosed naming what to do', async () => {
    world.sim.closeTicket(ticketId);
    const comments = world.sim.comments(ticketId).length;
    const err = await world.adapter().addComment({ ticketId, html: '<p>Approved.</p>', public: false, marker: commentMarker(17, 'action.1') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TicketClosed);
    expect(isTransient(err)).toBe(false);
    expect((err as Error).message).toContain(`Zendesk ticket ${ticketId} is closed and takes no more comments`);
    expect((err as Error).message).toContain('create a follow-up ticket');
    expect(world.sim.comments(ticketId)).toHaveLength(comments);
    expect(world.sim.ticket(ticketId).status).toBe('closed');
  });

  it('never writes the token into a comment', async () => {
    await world.adapter().addComment({ ticketId, html: `<p>git push failed: https://x:${TOKEN}@example</p>`, public: false, marker: commentMarker(1, 'failure') });
    const last = world.sim.comments(ticketId).at(-1);
    expect(last?.html_body).toContain('[redacted]');
    expect(JSON.stringify(world.sim.comments(ticketId))).not.toContain(TOKEN);
  });

  it('never puts the token in a thrown error, even when Zendesk echoes it', async () => {
    const zendesk = createZendeskAdapter({
      config: world.env,
      logger: silentLogger,
      fetch: async () => Response.json({ error: 'InvalidValue', description: `bad header Basic ${Buffer.from(`${world.env.ORC_ZENDESK_EMAIL}/token:${TOKEN}`).toString('base64')} ${TOKEN}` }, { status: 400 }),
    });
    const err = await zendesk.getTicket(ticketId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String(err instanceof Error && err.message)).toContain('InvalidValue');
    expect(String(err instanceof Error && err.message)).not.toContain(TOKEN);
  });

  it('sends nothing when the ticket already has the values', async () => {
    const zendesk = world.adapter();
    await zendesk.updateTicket(ticketId, { status: 'open' });
    const puts = world.sim.requests.filter((r) => r.method === 'PUT').length;
    expect((await zendesk.updateTicket(ticketId, { status: 'open' })).changed).toBe(false);
    expect(world.sim.requests.filter((r) => r.method === 'PUT')).toHaveLength(puts);
  });
});
