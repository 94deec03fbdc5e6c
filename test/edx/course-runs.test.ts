import { describe, expect, it } from 'vitest';
import { courseKey, InvalidCourseKey } from '../../src/courses/naming';
import { EdxPermanentError, EdxTransientError } from '../../src/integrations/edx/errors';
import { useEdx } from './harness';

const KEY = courseKey('MITx', '8.01r', '2027_Spring');
const newRun = { org: 'MITx', number: '8.01r', run: '2027_Spring', title: 'Classical Mechanics' };
const mutations = (requests: { method: string }[]) => requests.filter((r) => r.method !== 'GET').length;

describe('course runs', () => {
  const edx = useEdx();

  it('creates a run with schedule and team, and a second call adopts it without writing', async () => {
    const { client, sim } = edx.h;
    const first = await client.createCourseRun({
      ...newRun,
      schedule: { start: '2027-02-01T00:00:00Z', end: '2027-05-20T00:00:00Z' },
      team: [{ user: 'prof-x', role: 'instructor' }],
    });
    expect(first.outcome).toBe('created');
    expect(first.run.id).toBe(KEY);
    const run = sim.findRun(KEY)!;
    expect(run.title).toBe('Classical Mechanics');
    expect(run.schedule.start).toBe('2027-02-01T00:00:00Z');
    expect(run.team).toContainEqual({ user: 'prof-x', role: 'instructor' });

    const writes = mutations(sim.state.requests);
    const second = await client.createCourseRun({ ...newRun, team: [{ user: 'prof-x', role: 'instructor' }] });
    expect(second.outcome).toBe('adopted');
    expect(mutations(sim.state.requests)).toBe(writes);
    expect(sim.state.runs).toHaveLength(1);
  });

  it('adopting a run made by hand adds the missing team members', async () => {
    const { client, sim } = edx.h;
    sim.addRun({ ...newRun, team: [{ user: 'someone', role: 'staff' }] });
    const result = await client.createCourseRun({ ...newRun, team: [{ user: 'prof-x', role: 'instructor' }] });
    expect(result.outcome).toBe('adopted');
    expect(sim.findRun(KEY)!.team).toEqual([
      { user: 'someone', role: 'staff' },
      { user: 'prof-x', role: 'instructor' },
    ]);
  });

  it('recognises a create answered with a 500 HTML page after Studio committed it', async () => {
    const { client, sim } = edx.h;
    sim.faults.next({ method: 'POST', path: /^\/api\/v1\/course_runs\/$/, status: 500, body: '<h1>Server Error (500)</h1>', afterHandling: true });
    const result = await client.createCourseRun(newRun);
    expect(result.outcome).toBe('adopted');
    expect(sim.state.runs.map((r) => r.id)).toEqual([KEY]);
  });

  it('never adopts a run whose key differs only by case: the duplicate answers 500 HTML, retried with the likely cause said', async () => {
    const { client, sim } = edx.h;
    sim.addRun({ org: 'mitx', number: '8.01R', run: '2027_spring' });
    const err = await client.createCourseRun(newRun).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EdxTransientError);
    expect(String(err)).toContain(`look for a run like ${KEY} in Studio`);
    expect(sim.state.requests.some((r) => r.method === 'POST' && r.status === 500)).toBe(true);
    expect(sim.state.runs).toHaveLength(1);
  });

  it('a 500 on create with no run behind it is transient', async () => {
    const { client, sim } = edx.h;
    sim.faults.next({ method: 'POST', path: /course_runs\/$/, status: 502, body: '<html><title>Bad Gateway</title></html>' });
    const err = await client.createCourseRun(newRun).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EdxTransientError);
    expect((err as EdxTransientError).status).toBe(502);
    expect(String(err)).toContain('HTML page "Bad Gateway"');
    // The engine's retry then succeeds.
    expect((await client.createCourseRun(newRun)).outcome).toBe('created');
  });

  it('429 carries Retry-After for the engine', async () => {
    const { client, sim } = edx.h;
    sim.faults.next({ method: 'GET', status: 429, retryAfterSeconds: 7, path: /course_runs/ });
    const err = await client.findCourseRun(KEY).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EdxTransientError);
    expect((err as EdxTransientError).retryAfterMs).toBe(7000);
  });

  it('a network failure is transient', async () => {
    edx.h.sim.faults.next({ network: true, path: /course_runs/ });
    await expect(edx.h.client.findCourseRun(KEY)).rejects.toThrow(/network error/);
    await expect(edx.h.client.findCourseRun(KEY)).resolves.toBeUndefined();
  });

  it('finds a run by its exact key in one GET, and lists one bounded page, never every run', async () => {
    const { client, sim } = edx.h;
    for (let i = 0; i < 45; i++) sim.addRun({ org: 'MITx', number: `6.${i}`, run: '2026_Fall' });
    sim.addRun(newRun);
    sim.state.requests.length = 0;
    expect((await client.findCourseRun(KEY))?.id).toBe(KEY);
    expect(await client.findCourseRun(courseKey('MITx', '9.99', '2027_Spring'))).toBeUndefined();
    expect((await client.listCourseRuns()).length).toBe(1);
    expect((await client.listCourseRuns(500)).length).toBe(46);
    expect(sim.state.requests.map((r) => r.path).filter((p) => p !== '/oauth2/access_token')).toEqual([`/api/v1/course_runs/${KEY}/`, '/api/v1/course_runs/course-v1:MITx+9.99+2027_Spring/', '/api/v1/course_runs/', '/api/v1/course_runs/']);
  });

  it('a create refused because a run differs only by letter case says so, without listing runs', async () => {
    const { client, sim } = edx.h;
    sim.addRun({ org: 'MITX', number: '8.01R', run: '2027_SPRING' });
    sim.quirks.duplicateCreateAnswers500 = false;
    sim.state.requests.length = 0;
    const err = await client.createCourseRun(newRun).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EdxPermanentError);
    expect(String(err)).toContain('ignoring letter case');
    expect(sim.state.requests.filter((r) => r.path === '/api/v1/course_runs/' && r.method === 'GET')).toEqual([]);
  });

  it('reruns a run, keeping the org, and a second call adopts it', async () => {
    const { client, sim } = edx.h;
    sim.addRun(newRun);
    const first = await client.rerunCourseRun({ sourceKey: KEY, run: '2027_Fall', team: [{ user: 'ta-1', role: 'staff' }] });
    expect(first).toMatchObject({ outcome: 'created', run: { id: 'course-v1:MITx+8.01r+2027_Fall' } });
    expect(sim.findRun('course-v1:MITx+8.01r+2027_Fall')).toMatchObject({ rerunOf: KEY, title: 'Classical Mechanics' });

    const writes = mutations(sim.state.requests);
    expect((await client.rerunCourseRun({ sourceKey: KEY, run: '2027_Fall', team: [{ user: 'ta-1', role: 'staff' }] })).outcome).toBe('adopted');
    expect(mutations(sim.state.requests)).toBe(writes);
  });

  it('a rerun that races another adopts the run Studio reports as existing (400 run shape)', async () => {
    const { client, sim } = edx.h;
    sim.addRun(newRun);
    // The run appears between our existence check and our POST's answer.
    sim.faults.next({ method: 'POST', path: /rerun\/$/, status: 400, body: { run: 'Course run course-v1:MITx+8.01r+2027_Fall already exists' }, afterHandling: true });
    const result = await client.rerunCourseRun({ sourceKey: KEY, run: '2027_Fall' });
    expect(sim.faults.pending()).toBe(0);
    expect(result.outcome).toBe('adopted');
    expect(sim.state.runs).toHaveLength(2);
  });

  it('rejects a source key that is not a course key before calling Studio', async () => {
    const { client, sim } = edx.h;
    await expect(client.rerunCourseRun({ sourceKey: 'course-v1:MITx+8.01/../x+2027', run: '2027_Fall' })).rejects.toBeInstanceOf(InvalidCourseKey);
    expect(sim.state.requests).toHaveLength(0);
  });
});

describe('course runs with a fixed set of LMS users', () => {
  const edx = useEdx({ sim: { users: ['prof-x'] } });

  it('a 400 fails at once as permanent, with what Studio said', async () => {
    const { client, sim } = edx.h;
    const before = sim.state.requests.length;
    const err = await client.createCourseRun({ ...newRun, team: [{ user: 'ghost', role: 'staff' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EdxPermanentError);
    expect(String(err)).toContain('Course team user does not exist');
    expect(sim.state.runs).toHaveLength(0);
    // No retry inside the client: one GET (exists?), one POST, then the re-read (GET + list).
    expect(sim.state.requests.slice(before).filter((r) => r.app === 'studio' && r.method === 'POST')).toHaveLength(1);
  });
});

describe('course runs with a short request timeout', () => {
  const edx = useEdx({ client: { requestTimeoutMs: 100 } });

  it('a timeout is transient', async () => {
    edx.h.sim.faults.next({ delayMs: 400, path: /course_runs/ });
    const err = await edx.h.client.findCourseRun(KEY).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EdxTransientError);
    expect(String(err)).toContain('timed out');
  });
});

describe('course-run teams as Studio keeps them (update_team)', () => {
  const edx = useEdx({ sim: { users: ['ada', 'grace', 'alan'] } });
  const team = [{ user: 'ada', role: 'staff' as const }, { user: 'grace', role: 'staff' as const }];

  it('create keeps exactly the team sent: even the caller Studio made instructor is gone', async () => {
    const { client, sim } = edx.h;
    await client.createCourseRun({ ...newRun, team });
    expect(sim.findRun(KEY)!.team).toEqual(team);
  });

  it('rerun keeps exactly the team sent, not the source run\'s', async () => {
    const { client, sim } = edx.h;
    sim.addRun({ ...newRun, team: [{ user: 'alan', role: 'instructor' }] });
    await client.rerunCourseRun({ sourceKey: KEY, run: '2027_Fall', team: [{ user: 'grace', role: 'staff' }] });
    expect(sim.findRun(courseKey('MITx', '8.01r', '2027_Fall'))!.team).toEqual([{ user: 'grace', role: 'staff' }]);
  });

  it('a username edX does not know refuses the whole create (400), and nothing is created', async () => {
    const { client, sim } = edx.h;
    const err = await client.createCourseRun({ ...newRun, team: [...team, { user: 'Gil Strang', role: 'instructor' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EdxPermanentError);
    expect(String(err)).toContain('400 {"team":["Course team user does not exist"]}');
    expect(sim.findRun(KEY)).toBeUndefined();
  });

  it('adding to an existing run is a PATCH that keeps everyone, never a PUT', async () => {
    const { client, sim } = edx.h;
    sim.addRun({ ...newRun, team: [{ user: 'alan', role: 'instructor' }] });
    await client.addCourseTeam(KEY, team);
    expect(sim.state.requests.filter((r) => r.method === 'PUT')).toEqual([]);
    expect(sim.findRun(KEY)!.team).toEqual([{ user: 'alan', role: 'instructor' }, ...team]);
  });
});
