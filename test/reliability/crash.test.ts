import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../support/fault-injection';
import { startChild, type ChildService } from './support/child-service';
import { expectActionNotesOnce, expectNewXmlCourseOnce, repoNameOf, type XmlCourse } from './support/invariants';
import { createWorld, driveTicket, sleep, ticketView, type World } from './support/world';

/**
 * The service as a real process, SIGKILLed (no shutdown hook, like kill -9 or a lost machine)
 * and restarted on the same SQLite file while a new XML course flow runs. The simulators live
 * in this process, so GitHub, Zendesk and edX keep their state across the crash, and a
 * duplicate repo, hook, team change or comment would show.
 *
 * ORC_CRASH_RUNS (default 10) kills per test; ORC_RELIABILITY_SEED replays a failing sequence.
 */
const RUNS = Number(process.env.ORC_CRASH_RUNS ?? 10);
const SEED = Number(process.env.ORC_RELIABILITY_SEED ?? Math.floor(Math.random() * 2 ** 31));
const MEMBERS = ['ada', 'grace'];

const fields = (c: XmlCourse) => ({
  request_type: 'new', course_kind: 'xml', course_number: c.courseNumber, course_title: `Crash course ${c.courseNumber}`,
  term: c.term, team_members: c.members.join(', '), instructor: c.members[0]!, description: 'Survives kill -9', weeks: 12,
});

describe(`crash recovery: SIGKILL during a new XML course flow (seed ${SEED})`, () => {
  let world: World;
  let child: ChildService;
  const output: string[] = [];
  const start = () => startChild(world.env, { url: world.url, output });

  beforeAll(async () => {
    // git import by API, course team by hand: the flow has auto edX steps and a manual one.
    world = await createWorld({ env: { ORC_EDX_API: 'git_import', ORC_LEASE_SECONDS: '1', ORC_ENGINE_CONCURRENCY: '4', ORC_RETRY_BASE_MS: '50', ORC_RETRY_MAX_MS: '1000' } });
    child = await start();
  }, 150_000);
  afterAll(async () => {
    await child?.kill();
    await world?.close();
  });

  const file = (c: XmlCourse) => world.sims.zendesk.createTicketAsRequester({ email: 'prof@mit.test', name: 'Prof', fields: fields(c) });

  it('a kill in the middle of the flow (after the repo, before the ticket update): it finishes with no duplicate repo, hook, team change or comment', async () => {
    const course: XmlCourse = { courseNumber: '8.99r', term: '2027_Spring', members: MEMBERS };
    // Slow GitHub down so "the middle" lasts long enough to be hit on purpose.
    world.sims.github.setLatency(120);
    const ticketId = file(course);
    let killedDuring = '';
    const driving = driveTicket(world, ticketId, { timeoutMs: 90_000 });
    for (let i = 0; i < 400 && !killedDuring; i++) {
      const view = await ticketView(world, ticketId);
      const done = new Set(view?.steps.filter((s) => s.status === 'done').map((s) => s.key));
      if (done.has('create-repo') && !done.has('staging-hook')) {
        killedDuring = view!.steps.map((s) => `${s.key}:${s.status}`).join(' ');
        await child.kill();
      } else await sleep(20);
    }
    expect(killedDuring, 'the test reached the middle of the flow').not.toBe('');
    const writesBefore = world.sims.github.stats.contentCreating();
    child = await start();
    world.sims.github.setLatency(0);
    const view = await driving;
    expectNewXmlCourseOnce(world.sims, view, ticketId, course);
    // The macro's approval and the agent's "mark done": each told once.
    expect(expectActionNotesOnce(world.sims, world.dbPath, ticketId)).toBeGreaterThanOrEqual(2);
    // The restarted service did the rest: it wrote to GitHub after the crash.
    expect(world.sims.github.stats.contentCreating()).toBeGreaterThan(writesBefore);
    expect(world.sims.edx.state.gitImports.filter((g) => g.repoName === repoNameOf(course)).length).toBeGreaterThanOrEqual(1);
  }, 150_000);

  it(`${RUNS} kills at random points from filing to the final comment: every run ends with one repo, one hook, exact teams, no duplicate comment`, async () => {
    const random = seededRandom(SEED);
    // A run without a kill measures how long the flow takes, so the kills land inside it.
    const warm: XmlCourse = { courseNumber: '8.98r', term: '2027_Spring', members: MEMBERS };
    const began = Date.now();
    const warmTicket = file(warm);
    expectNewXmlCourseOnce(world.sims, await driveTicket(world, warmTicket), warmTicket, warm);
    const flowMs = Date.now() - began;

    const killedAt: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const course: XmlCourse = { courseNumber: `8.${String(run).padStart(2, '0')}c`, term: '2027_Spring', members: run % 2 ? ['grace', 'alan', 'ada'] : MEMBERS };
      const ticketId = file(course);
      const killAt = Math.floor(random() * flowMs);
      let finished = false;
      const killer = (async () => {
        await sleep(killAt);
        if (finished) return;
        await child.kill();
        killedAt.push(killAt);
        child = await start();
      })();
      const view = await driveTicket(world, ticketId, { timeoutMs: 90_000 }).finally(() => {
        finished = true;
      });
      await killer;
      // A kill that lands after the flow finished proves nothing: restart and let the run count only when it was inside.
      expectNewXmlCourseOnce(world.sims, view, ticketId, course);
      expect(expectActionNotesOnce(world.sims, world.dbPath, ticketId)).toBeGreaterThanOrEqual(2);
    }
    // Most kills must land inside a flow, else the test would pass without crashing anything.
    expect(killedAt.length).toBeGreaterThanOrEqual(Math.ceil(RUNS / 2));
    // Nothing extra anywhere: one repo per request, no stray teams.
    expect(world.sims.github.read.repoNames('mitx')).toHaveLength(RUNS + 2);
  }, 120_000 + RUNS * 30_000);
});
