import { describe, expect, it } from 'vitest';
import { EdxPermanentError, EdxTransientError } from '../../src/integrations/edx/errors';
import { edxStateToData, loadEdxState } from '../../src/simulators/edx/simulator-persist';
import { createEdxSimulator, type SimRequest } from '../../src/simulators/edx/simulator';
import { CLIENT_SECRET, LMS, useEdx } from './harness';

const accountCalls = (requests: SimRequest[]) => requests.filter((r) => r.app === 'lms' && r.path === '/api/user/v1/accounts');

describe('LMS accounts (GET /api/user/v1/accounts?username=a,b) as staff', () => {
  const edx = useEdx({ sim: { users: ['ada', 'grace', 'Alan'] } });

  it('gives each known account with its email, in one call, and leaves unknown names out', async () => {
    const { client, sim } = edx.h;
    sim.addAccount({ username: 'katherine', email: 'kj@nasa.test', name: 'Katherine Johnson' });
    const found = await client.lookupAccounts(['ada', 'ghost', 'katherine', 'ada']);
    expect([...found.entries()]).toEqual([
      ['ada', { username: 'ada', email: 'ada@example.edu', isActive: true }],
      ['katherine', { username: 'katherine', email: 'kj@nasa.test', isActive: true }],
    ]);
    expect(found.has('ghost')).toBe(false);
    expect(accountCalls(sim.state.requests)).toHaveLength(1);
  });

  it('none known is the LMS\'s 404, read as "no account", not an error', async () => {
    const { client, sim } = edx.h;
    expect((await client.lookupAccounts(['ghost', 'nobody'])).size).toBe(0);
    expect(accountCalls(sim.state.requests).map((r) => r.status)).toEqual([404]);
  });

  it('where the LMS matches any case (MySQL), keeps its spelling under the name asked; no names, no call', async () => {
    const { client, sim } = edx.h;
    expect((await client.lookupAccounts(['alan'])).size).toBe(0);
    sim.quirks.accountLookupIgnoresCase = true;
    expect((await client.lookupAccounts(['alan'])).get('alan')).toMatchObject({ username: 'Alan' });
    expect((await client.lookupAccounts([])).size).toBe(0);
    expect(accountCalls(sim.state.requests)).toHaveLength(2);
  });

  it('reports an account that was never activated', async () => {
    const { client, sim } = edx.h;
    sim.addAccount({ username: 'margaret', isActive: false });
    expect((await client.lookupAccounts(['margaret'])).get('margaret')).toMatchObject({ isActive: false });
  });

  it('asks in chunks of 50 names (a URL has a length limit)', async () => {
    const { client, sim } = edx.h;
    const names = Array.from({ length: 120 }, (_, i) => `user${i}`);
    for (const username of names) sim.addAccount({ username });
    const found = await client.lookupAccounts(names);
    expect(found.size).toBe(120);
    expect(accountCalls(sim.state.requests)).toHaveLength(3);
  });

  it('a 5xx is transient (the caller retries), with what was attempted', async () => {
    const { client, sim } = edx.h;
    sim.faults.next({ status: 503, path: /api\/user\/v1\/accounts/ });
    const err = await client.lookupAccounts(['ada']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EdxTransientError);
    expect(String(err)).toContain('look up the edX accounts of ada: edX answered 503');
  });
});

describe('LMS accounts when the service user is not global staff', () => {
  const edx = useEdx({ sim: { users: ['ada'], serviceUserIsStaff: false } });

  it('the LMS hides emails, and the lookup fails at once naming the fix', async () => {
    const err = await edx.h.client.lookupAccounts(['ada']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EdxPermanentError);
    expect(String(err)).toMatch(/ORC_EDX_CLIENT_ID\) is not global staff; give it is_staff=True/);
  });
});

describe('the simulator\'s accounts rule', () => {
  it('refuses a call without a valid token (401), accepts a Bearer token, and 404s when no name exists', async () => {
    const sim = createEdxSimulator({ users: ['ada'], clientSecret: CLIENT_SECRET });
    const url = `${LMS}/api/user/v1/accounts?username=ada`;
    expect((await sim.lms.request(url)).status).toBe(401);
    expect((await sim.lms.request(url, { headers: { authorization: 'Bearer forged' } })).status).toBe(401);
    const issued = await sim.lms.request(`${LMS}/oauth2/access_token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'sim-client', client_secret: CLIENT_SECRET }),
    });
    const { access_token: token } = (await issued.json()) as { access_token: string };
    const ok = await sim.lms.request(url, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual([expect.objectContaining({ username: 'ada', email: 'ada@example.edu', is_active: true })]);
    const none = await sim.lms.request(`${LMS}/api/user/v1/accounts?username=ghost,`, { headers: { authorization: `Bearer ${token}` } });
    expect(none.status).toBe(404);
    expect(await none.text()).toBe('');
  });

  it('keeps its accounts with the saved world', () => {
    const sim = createEdxSimulator({ users: ['ada'] });
    sim.addAccount({ username: 'grace', email: 'grace@navy.test' });
    const saved = JSON.parse(JSON.stringify(edxStateToData(sim.state))) as unknown;
    const restarted = createEdxSimulator({ users: ['ada'] });
    loadEdxState(restarted.state, saved);
    expect(restarted.state.accounts.map((a) => a.email)).toEqual(['orcoursetrion@example.edu', 'ada@example.edu', 'grace@navy.test']);
  });
});
