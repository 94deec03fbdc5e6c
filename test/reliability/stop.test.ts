import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startChild, type ChildService } from './support/child-service';
import { expectNewXmlCourseOnce, type XmlCourse } from './support/invariants';
import { createWorld, driveTicket, sleep, type World } from './support/world';

/**
 * `orcoursetrion serve` stopped by a Ctrl-C (SIGINT) while the engine's thread is in the middle of
 * a step that does not end (GitHub holds its repository POST): the process still ends, after the
 * engine's grace, saying why; the next start finishes the flow with nothing done twice.
 */
describe('a Ctrl-C while a step waits on GitHub', () => {
  let world: World | undefined;
  let child: ChildService | undefined;
  afterAll(async () => {
    await child?.kill();
    await world?.close();
  });

  it('ends the process with exit code 0 after the grace, and the next start finishes the flow once', async () => {
    let arrived: () => void = () => {};
    const repoPostArrived = new Promise<void>((resolve) => (arrived = resolve));
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    world = await createWorld({
      env: { ORC_EDX_API: 'git_import', ORC_LEASE_SECONDS: '1', ORC_RETRY_BASE_MS: '50', ORC_RETRY_MAX_MS: '1000' },
      // The first repository POST is answered only once the test says so: the create-repo step is running until then.
      wrap: (name, handler) =>
        name !== 'github'
          ? handler
          : async (req) => {
              if (!held && req.method === 'POST' && /\/orgs\/[^/]+\/repos$/.test(new URL(req.url).pathname)) {
                held = true;
                arrived();
                await released;
              }
              return handler(req);
            },
    });
    const output: string[] = [];
    child = await startChild(world.env, { url: world.url, output });
    const course: XmlCourse = { courseNumber: '8.97s', term: '2027_Spring', members: ['ada', 'grace'] };
    const ticketId = world.sims.zendesk.createTicketAsRequester({
      email: 'prof@mit.test',
      name: 'Prof',
      fields: { request_type: 'new', course_kind: 'xml', course_number: course.courseNumber, course_title: 'Stopped course', term: course.term, team_members: course.members.join(', '), instructor: 'ada' },
    });
    const driving = driveTicket(world, ticketId, { timeoutMs: 120_000 });
    await repoPostArrived;

    child.process.kill('SIGINT');
    expect(await child.exited).toBe(0);
    const said = output.join('');
    expect(said).toContain('Stopping: answering the requests under way, then letting running steps finish');
    expect(said).toContain('the engine thread was ended with work still running');

    // GitHub answers the POST after all (the repository exists now), and the service starts again.
    release();
    child = await startChild(world.env, { url: world.url, output });
    const view = await driving;
    expectNewXmlCourseOnce(world.sims, view, ticketId, course);
  }, 150_000);
});

/**
 * The service answers /healthz before its start has finished (the engine's thread recovers
 * statuses after the server listens). A Ctrl-C in that window used to end the process by Node's
 * default (exit 130, no stop); it is now the same stop as later, once the start is done.
 */
describe('a Ctrl-C while the service is still starting', () => {
  let world: World | undefined;
  let child: ChildService | undefined;
  let lock: Database.Database | undefined;
  afterAll(async () => {
    lock?.close();
    await child?.kill();
    await world?.close();
  });

  it('stops the service once started, with exit code 0 and the stop line, and never says it is running', async () => {
    world = await createWorld();
    // The test holds the file's write lock: the engine thread's recovery (a write) waits on it (busy_timeout 5 s), so the start cannot finish.
    lock = new Database(world.dbPath);
    lock.exec('BEGIN IMMEDIATE');
    const output: string[] = [];
    child = await startChild(world.env, { url: world.url, output });
    child.process.kill('SIGINT');
    // The signal was handled (its line is out) while the start still waits on the lock; then the start may finish.
    while (!output.join('').includes('Stopping: ')) {
      if (child.process.exitCode !== null || child.process.signalCode !== null) break;
      await sleep(10);
    }
    lock.exec('ROLLBACK');
    expect(await child.exited).toBe(0);
    const said = output.join('');
    expect(said).toContain('Stopping: answering the requests under way');
    expect(said).not.toContain('Orcoursetrion is running at');
  }, 60_000);
});
