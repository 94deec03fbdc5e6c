import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AgentCache, zendeskAgentDirectory } from '../../src/auth/agent-directory';
import { createZendeskHttp } from '../../src/integrations/zendesk/client';
import { createUserOperations } from '../../src/integrations/zendesk/users';
import { silentLogger } from '../../src/log';
import { createZendeskSimulator, type ZendeskSimulator } from '../../src/simulators/zendesk/simulator';
import { AGENT, agentToken, createHarness, fakeClock, insertRequest, type Harness } from '../support/harness';

/** The directory over a simulated Zendesk account, through node-zendesk and the adapter's transport. */
function directoryOver(sim: ZendeskSimulator, clock: () => number, options: { ttlMs?: number; maxEntries?: number; cache?: AgentCache } = {}) {
  const http = createZendeskHttp({
    config: { ORC_ZENDESK_URL: 'https://acme.zendesk.test', ORC_ZENDESK_EMAIL: 'orc-bot@acme.test', ORC_ZENDESK_TOKEN: 'zd-token-actor' },
    logger: silentLogger,
    fetch: (input, init) => sim.fetch(new Request(input, init)),
  });
  const users = createUserOperations(http);
  return zendeskAgentDirectory({ lookup: (id) => users.getUser(id), clock, ...options });
}
const userLookups = (sim: ZendeskSimulator) => sim.requests.filter((r) => r.method === 'GET' && /^\/api\/v2\/users\/\d+$/.test(r.path)).length;

describe('the actor of a sidebar call is the Zendesk user its token names', () => {
  let sim: ZendeskSimulator;
  const clock = fakeClock();
  beforeEach(() => {
    sim = createZendeskSimulator({ email: 'orc-bot@acme.test', token: 'zd-token-actor', clock });
  });

  it('records the name Zendesk has, not the one in the claims, and asks Zendesk once per agent within the TTL', async () => {
    sim.seedUser({ id: 2001, name: 'Grace Agent', email: 'grace@example.edu', role: 'agent' });
    const agents = directoryOver(sim, clock, { ttlMs: 60_000 });
    expect(await Promise.all([agents.agent('2001'), agents.agent('2001')])).toEqual([
      { id: 'agent:2001', name: 'Grace Agent' },
      { id: 'agent:2001', name: 'Grace Agent' },
    ]);
    await agents.agent('2001');
    expect(userLookups(sim)).toBe(1);
    clock.advance(60_001);
    await agents.agent('2001');
    expect(userLookups(sim)).toBe(2);
  });

  it('shares settled answers through a cache that outlives the directory (a Worker builds one per invocation)', async () => {
    sim.seedUser({ id: 2002, name: 'Kim Agent', email: 'kim@example.edu', role: 'agent' });
    sim.seedUser({ id: 2003, name: 'Pat Requester', email: 'pat@example.edu', role: 'end-user' });
    const cache: AgentCache = new Map();
    const first = directoryOver(sim, clock, { cache });
    expect(await first.agent('2002')).toEqual({ id: 'agent:2002', name: 'Kim Agent' });
    await expect(first.agent('2003')).rejects.toMatchObject({ status: 403 });
    const second = directoryOver(sim, clock, { cache });
    expect(await second.agent('2002')).toEqual({ id: 'agent:2002', name: 'Kim Agent' });
    await expect(second.agent('2003')).rejects.toMatchObject({ status: 403, message: expect.stringContaining('is an end-user') });
    expect(userLookups(sim)).toBe(2);
    expect([...cache.values()].every((entry) => typeof entry.expiresAt === 'number')).toBe(true);
  });

  it('keeps at most maxEntries agents, dropping the least recently used', async () => {
    for (const id of [3001, 3002, 3003]) sim.seedUser({ id, name: `Agent ${id}`, email: `a${id}@example.edu`, role: 'agent' });
    const agents = directoryOver(sim, clock, { maxEntries: 2 });
    await agents.agent('3001');
    await agents.agent('3002');
    await agents.agent('3001'); // 3001 is now the most recent
    await agents.agent('3003'); // evicts 3002
    expect(userLookups(sim)).toBe(3);
    await agents.agent('3001');
    expect(userLookups(sim)).toBe(3);
    await agents.agent('3002');
    expect(userLookups(sim)).toBe(4);
  });

  it.each([
    ['an end user', { role: 'end-user' as const }, 'is an end-user'],
    ['a suspended agent', { role: 'agent' as const, suspended: true }, 'is suspended'],
    ['a deleted agent', { role: 'agent' as const, active: false }, 'does not exist'],
  ])('refuses %s with 403', async (_name, user, why) => {
    sim.seedUser({ id: 4001, name: 'Someone', email: 'someone@example.edu', ...user });
    await expect(directoryOver(sim, clock).agent('4001')).rejects.toMatchObject({ status: 403, code: 'not_an_agent', message: expect.stringContaining(why) });
  });

  it('refuses a user Zendesk does not know (403) and a sub that is no user id (401)', async () => {
    const agents = directoryOver(sim, clock);
    await expect(agents.agent('999999')).rejects.toMatchObject({ status: 403, message: expect.stringContaining('does not exist') });
    await expect(agents.agent('ada@example.edu')).rejects.toMatchObject({ status: 401 });
    expect(userLookups(sim)).toBe(1);
  });

  it('answers 503 while Zendesk is down, and does not remember the outage', async () => {
    sim.seedUser({ id: 5001, name: 'Lin Agent', email: 'lin@example.edu', role: 'admin' });
    const agents = directoryOver(sim, clock);
    sim.faults.serverError(1, 500);
    await expect(agents.agent('5001')).rejects.toMatchObject({ status: 503, code: 'zendesk_unavailable' });
    expect(await agents.agent('5001')).toEqual({ id: 'agent:5001', name: 'Lin Agent' });
  });
});

describe('sidebar API with the looked-up actor', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness({ workflows: () => [{ key: 'notify', title: 'Tell the requester', kind: 'auto', run: async () => ({}) }] });
  });
  afterEach(() => h.handle.close());

  it('approves under the Zendesk name even when the claims name someone else', async () => {
    const req = await insertRequest(h, { ticketId: 9 });
    const token = await agentToken({ name: 'The Dean', email: 'dean@example.edu' });
    const res = await h.app.request(`/api/requests/${req.id}/approve`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.request.decidedBy).toBe(AGENT.name);
    expect(body.events).toEqual([expect.objectContaining({ actor: `agent:${AGENT.id}`, actorName: AGENT.name, action: 'approved' })]);
  });

  it('refuses a valid token whose sub is not an agent of the account', async () => {
    const token = await agentToken({ sub: '424242' });
    const res = await h.app.request('/api/requests', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('not_an_agent');
  });
});
