import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketNotes } from '../../src/db/schema';
import { openSqlite } from '../../src/db/sqlite';
import type { RunningService } from '../../src/server';
import { createFaultInjector, type FaultInjector, type FaultKind } from '../support/fault-injection';
import type { SimulatorName } from '../support/simulator-servers';
import { expectActionNotesOnce, expectNewXmlCourseOnce, expectNoDuplicateComments, serviceComments } from './support/invariants';
import { api, createWorld, driveTicket, sleep, startInProcess, ticketView, type World } from './support/world';

/**
 * GitHub, Zendesk and edX each fail 20 % of their requests (at seeded places): 5xx (before or after doing the
 * work), 429 with Retry-After, GitHub's secondary-limit 403, a stall ending in a dropped
 * connection, a reset (before or after doing the work). Every request must still finish, with
 * no duplicate side effect. ORC_FAULT_RATE / ORC_FAULT_REQUESTS / ORC_RELIABILITY_SEED tune it.
 */
const SEED = Number(process.env.ORC_RELIABILITY_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RATE = Number(process.env.ORC_FAULT_RATE ?? 0.2);
const REQUESTS = Number(process.env.ORC_FAULT_REQUESTS ?? 3);

// edX's Studio, LMS and production share one fault sequence: the LMSes answer only a few
// requests each, so edX is one system here.
type FaultySystem = 'github' | 'zendesk' | 'edx';
const systemOf = (name: SimulatorName): FaultySystem => (name === 'github' || name === 'zendesk' ? name : 'edx');
const KINDS: Record<FaultySystem, FaultKind[]> = {
  github: ['5xx', '429', 'secondary-403', 'stall', 'reset'],
  // A 403 from Zendesk or edX means "forbidden", never a rate limit: not a transient fault there.
  zendesk: ['5xx', '429', 'stall', 'reset'],
  edx: ['5xx', '429', 'stall', 'reset'],
};

describe(`faults: every simulator fails ${RATE * 100} % of requests (seed ${SEED})`, () => {
  let world: World;
  let service: RunningService;
  let logs: string[];
  const injectors = new Map<FaultySystem, FaultInjector>();

  beforeAll(async () => {
    world = await createWorld({
      // Every edX API the simulator can finish for both kinds (its gitreload does not make a Studio
      // run, so the XML course team stays an agent step); retries start at 50 ms, as in CI time.
      env: { ORC_EDX_API: 'course_runs,advanced_settings,import,git_import', ORC_LEASE_SECONDS: '5', ORC_STEP_MAX_ATTEMPTS: '40', ORC_RETRY_BASE_MS: '50', ORC_RETRY_MAX_MS: '2000' },
      wrap: (name, handler) => {
        const system = systemOf(name);
        let injector = injectors.get(system);
        if (!injector) {
          injector = createFaultInjector({ rate: RATE, seed: SEED + system.length * 7919 + system.charCodeAt(0), kinds: KINDS[system], stallMs: 250 });
          // Zendesk setup runs before the service exists: faults start with the service.
          injector.enabled = false;
          injectors.set(system, injector);
        }
        return injector.wrap(handler);
      },
    });
    ({ service, logs } = await startInProcess(world));
    for (const injector of injectors.values()) injector.enabled = true;
  }, 30_000);
  afterAll(async () => {
    await service?.close();
    await world?.close();
  });

  it(`${REQUESTS} new XML courses and a Studio course at once all finish with no duplicate repo, hook, team, course run, import or comment`, async () => {
    const xml = Array.from({ length: REQUESTS }, (_, i) => ({ courseNumber: `7.${String(i).padStart(2, '0')}f`, term: '2027_Spring', members: ['ada', 'grace'] }));
    const tickets = xml.map((c) =>
      world.sims.zendesk.createTicketAsRequester({
        email: 'prof@mit.test',
        fields: { request_type: 'new', course_kind: 'xml', course_number: c.courseNumber, course_title: `Faulty ${c.courseNumber}`, term: c.term, team_members: c.members.join(', '), instructor: 'ada' },
      }),
    );
    const studioTicket = world.sims.zendesk.createTicketAsRequester({
      email: 'prof@mit.test',
      fields: { request_type: 'new', course_kind: 'studio', course_number: '7.99s', course_title: 'Faulty Studio', term: '2027_Spring', team_members: 'ada, grace', instructor: 'ada' },
    });
    const views = await Promise.all([...tickets, studioTicket].map((t) => driveTicket(world, t, { timeoutMs: 60_000 + REQUESTS * 10_000 }))).catch((e) => {
      console.log(logs.filter((l) => /"level":"(warn|error)"/.test(l)).slice(-40).join('\n'));
      console.log(JSON.stringify(world.sims.zendesk.invocations().map((i) => [i.ticketId, i.attempts.map((a) => a.status ?? a.error)])));
      throw e;
    });

    xml.forEach((c, i) => expectNewXmlCourseOnce(world.sims, views[i]!, tickets[i]!, c));
    for (const ticketId of [...tickets, studioTicket]) expect(expectActionNotesOnce(world.sims, world.dbPath, ticketId)).toBeGreaterThanOrEqual(1);
    const studio = views.at(-1)!;
    expect(studio.request.status, JSON.stringify(studio.steps)).toBe('completed');
    const runs = world.sims.edx.state.runs.filter((r) => r.id.startsWith('course-v1:MITx+7.99s+'));
    expect(runs.map((r) => r.id)).toEqual(['course-v1:MITx+7.99s+2027_Spring']);
    expect(runs[0]!.advanced.giturl).toContain('content-mit-799s-2027_Spring');
    expect(world.sims.github.read.repoNames('MITx-Studio2LMS')).toEqual(['content-mit-799s-2027_Spring']);
    expectNoDuplicateComments(world.sims, studioTicket);

    // The faults really happened, of every kind, on every system.
    const count = (system: FaultySystem) => injectors.get(system)?.injected.length ?? 0;
    expect({ github: count('github') > 0, zendesk: count('zendesk') > 0, edx: count('edx') > 0 }).toEqual({ github: true, zendesk: true, edx: true });
    const kinds = new Set([...injectors.values()].flatMap((inj) => inj.injected.map((f) => f.kind)));
    expect([...kinds].sort()).toEqual(['429', '5xx', 'reset', 'secondary-403', 'stall']);
    // No request failed for good: transient errors were retried, not reported as failures.
    expect(logs.filter((l) => l.includes('"step failed"'))).toEqual([]);
  }, 90_000 + REQUESTS * 10_000);

  it('the plan note and the approval note reach the ticket once each when Zendesk refuses every update (409) until an agent has approved in the sidebar', async () => {
    // Only the conflicts here: the random faults would make the window this test opens on purpose a matter of luck.
    for (const injector of injectors.values()) injector.enabled = false;
    try {
      world.sims.zendesk.faults.conflictOnTicketUpdate(1_000_000);
      const course = { courseNumber: '7.60n', term: '2027_Spring', members: ['ada', 'grace'] };
      const ticketId = world.sims.zendesk.createTicketAsRequester({
        email: 'prof@mit.test',
        fields: { request_type: 'new', course_kind: 'xml', course_number: course.courseNumber, course_title: 'Planned', term: course.term, team_members: course.members.join(', '), instructor: 'ada' },
      });
      // Wait until intake recorded the request and Zendesk refused the plan note twice (the outbox will retry it).
      const db = openSqlite(world.dbPath);
      const planNote = async () => (await db.db.select().from(ticketNotes).where(eq(ticketNotes.ticketId, ticketId))).find((n) => n.marker.includes('/plan.'));
      let view = await ticketView(world, ticketId);
      for (let i = 0; i < 1500 && (view?.request.status !== 'pending_approval' || ((await planNote())?.attempts ?? 0) < 2); i++) {
        await sleep(20);
        view = await ticketView(world, ticketId);
      }
      expect(view?.request.status).toBe('pending_approval');
      expect((await planNote())?.attempts).toBeGreaterThanOrEqual(2);
      // Recorded, its plan note refused: the agent approves in the sidebar before it could be posted.
      expect(serviceComments(world.sims, ticketId).some((c) => c.html_body.includes('Course request is valid'))).toBe(false);
      expect((await api(world, `/requests/${view!.request.id}/approve`, { method: 'POST' })).status).toBe(200);
      world.sims.zendesk.faults.clear();
      // driveTicket returns once the request completed and the ticket is owed no note.
      const done = await driveTicket(world, ticketId, { timeoutMs: 60_000 });
      const note = await planNote();
      db.close();
      expect(note).toMatchObject({ status: 'done' });
      expect(expectActionNotesOnce(world.sims, world.dbPath, ticketId)).toBeGreaterThanOrEqual(1);
      expectNewXmlCourseOnce(world.sims, done, ticketId, course);
    } finally {
      world.sims.zendesk.faults.clear();
      for (const injector of injectors.values()) injector.enabled = true;
    }
  }, 90_000);

  it('a permanent error fails the step at once, visibly (step error, internal note), and Retry completes it once the cause is fixed', async () => {
    const course = { courseNumber: '7.50p', term: '2027_Spring', members: ['ada'] };
    // GitHub refuses the staging hook with a validation error: no retry can fix that.
    world.sims.github.fail({ method: 'POST', path: /\/repos\/mitx\/content-mit-750p-2027_Spring\/hooks$/, status: 422, times: 1000, message: 'Validation Failed: hook URL is not allowed' });
    const ticketId = world.sims.zendesk.createTicketAsRequester({
      email: 'prof@mit.test',
      fields: { request_type: 'new', course_kind: 'xml', course_number: course.courseNumber, course_title: 'Permanent', term: course.term, team_members: 'ada', instructor: 'ada' },
    });
    const failed = await driveTicket(world, ticketId, { timeoutMs: 60_000 });
    expect(failed.request.status).toBe('failed');
    const step = failed.steps.find((s) => s.status === 'failed')!;
    expect(step.key).toBe('staging-hook');
    expect(step.error).toMatch(/422|not allowed|Validation/);
    // At once: one GitHub call for the hook per attempt, and a single attempt.
    expect(step.attempts).toBe(1);
    const note = await waitFor(() => serviceComments(world.sims, ticketId).find((c) => !c.public && c.html_body.includes('Failed:')), 20_000, () =>
      [...logs.filter((l) => l.includes('could not report')), ...serviceComments(world.sims, ticketId).map((c) => c.html_body.slice(0, 80))].join('\n'));
    expect(note.html_body).toMatch(/not allowed|422/);

    world.sims.github.clearFaults();
    const retried = await api(world, `/requests/${failed.request.id}/steps/staging-hook/retry`, { body: {} });
    expect(retried.status).toBe(200);
    const done = await driveTicket(world, ticketId, { timeoutMs: 60_000 });
    expectNewXmlCourseOnce(world.sims, done, ticketId, course);
  }, 120_000);
});

async function waitFor<T>(check: () => T | undefined, ms = 20_000, explain: () => string = () => ''): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out\n${explain()}`);
    await sleep(50);
  }
}

