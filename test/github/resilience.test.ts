import { describe, expect, it } from 'vitest';
import { parseGithubConfig } from '../../src/config';
import { RateLimited, TransientError } from '../../src/errors';
import * as actions from '../../src/integrations/github/course-actions';
import { client, githubEnv, PRODUCTION, sequentialClient, TIME_SCALE, useSimulator } from './setup';

const h = useSimulator();
const settings = parseGithubConfig(githubEnv());
const course = { course: '8.01r', term: '2027_Spring' };
const REPO = 'content-mit-801r-2027_Spring';

/** The same policy (retry-policy.ts) in both assemblies: the service's plugins and the CLI's hook. */
describe.each([
  ['the service\'s client (Octokit\'s retry and throttling plugins)', client],
  ['the CLI\'s sequential client (our request hook)', sequentialClient],
])('retries through %s', (_name, makeClient) => {
  it('waits out a 403 secondary rate limit (retry-after) and resumes', async () => {
    h.sim.seed.repo('mitx', REPO);
    h.sim.failSecondaryLimit({ method: 'POST', path: /\/hooks$/, times: 2 });
    await actions.releaseXml(await makeClient(), settings, course);
    expect(h.sim.read.repo('mitx', REPO)?.hooks.map((x) => x.url)).toEqual([PRODUCTION]);
    expect(h.sim.stats.requests.map((r) => r.status)).toEqual([403, 403, 201]);
  });

  it('gives up after its bounded retries with RateLimited carrying the wait', async () => {
    h.sim.seed.repo('mitx', REPO);
    h.sim.failSecondaryLimit({ method: 'POST', path: /\/hooks$/, times: 10, retryAfterSeconds: 7 });
    const err = await actions.releaseXml(await makeClient(), settings, course).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimited);
    expect((err as RateLimited).retryAfterMs).toBe(7000);
    expect(h.sim.read.repo('mitx', REPO)?.hooks).toEqual([]);
  });

  it('retries 5xx answers and succeeds', async () => {
    h.sim.fail({ method: 'POST', path: /^\/orgs\/mitx\/repos$/, status: 502, times: 2 });
    await actions.createXmlRepo(await makeClient(), settings, course);
    expect(h.sim.read.repoNames('mitx')).toEqual([REPO]);
  });

  it('maps 5xx that outlast the retries to TransientError', async () => {
    h.sim.seed.repo('mitx', REPO);
    h.sim.fail({ path: /\/hooks$/, status: 503, times: 10 });
    await expect(actions.rerunXml(await makeClient(), settings, course)).rejects.toBeInstanceOf(TransientError);
  });
});

describe('pacing content-creating requests', () => {
  it('keeps a burst under the secondary limit instead of being refused', async () => {
    const members = Array.from({ length: 12 }, (_, i) => `user${i}`);
    for (const m of members) h.sim.seed.user(m);
    // GitHub allows 6 writes per (scaled) minute here; the pacer, set below it as in production,
    // must spread the 14 writes over several windows.
    h.sim.setSecondaryLimit({ perMinute: 6, timeScale: TIME_SCALE });
    await actions.putTeam(await client(undefined, 4), { org: 'mitx', team: 'big', readOnly: false, members });
    expect(h.sim.read.team('mitx', 'big')?.members).toEqual([...members].sort());
    expect(h.sim.stats.requests.filter((r) => r.status === 403)).toEqual([]);
  });

  it("holds each write's slot until its answer: a pacer at the exact limit is never refused, with reads crowding the places in flight", async () => {
    const members = Array.from({ length: 16 }, (_, i) => `user${i}`);
    for (const m of members) h.sim.seed.user(m);
    // Every request takes 15 ms, and 40 user look-ups keep the client's 10 places in flight busy,
    // so a write waits for a place after its pacer slot: its arrival, not its queueing, must count.
    h.sim.setLatency(15);
    h.sim.setSecondaryLimit({ perMinute: 6, timeScale: TIME_SCALE });
    const github = await client(undefined, 6);
    const lookups = Array.from({ length: 4 }, () => github.missingUsers(members.slice(0, 10)));
    await Promise.all([actions.putTeam(github, { org: 'mitx', team: 'big', readOnly: false, members }), ...lookups]);
    expect(h.sim.read.team('mitx', 'big')?.members).toEqual([...members].sort());
    expect(h.sim.stats.contentCreating()).toBeGreaterThan(12);
    expect(h.sim.stats.requests.filter((r) => r.status === 403)).toEqual([]);
  });

  it('without the pacer the simulator enforces the limit with 403 + retry-after, and Octokit resumes', async () => {
    const members = Array.from({ length: 5 }, (_, i) => `user${i}`);
    for (const m of members) h.sim.seed.user(m);
    // A 3 s window (a minute at 0.05): the six writes land inside it however loaded the machine,
    // so the limit is always met; the Retry-After wait is scaled the same way on both sides.
    const timeScale = 0.05;
    h.sim.setSecondaryLimit({ perMinute: 4, timeScale });
    await actions.putTeam(await client(undefined, undefined, timeScale), { org: 'mitx', team: 'big', readOnly: false, members });
    expect(h.sim.read.team('mitx', 'big')?.members).toEqual([...members].sort());
    expect(h.sim.stats.requests.some((r) => r.status === 403)).toBe(true);
  });
});
