import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/db/sqlite';
import { startSimulators } from '../../src/sandbox/simulators';
import { createWorldStore } from '../../src/sandbox/world-store';
import { startSandbox, type Sandbox } from './sandbox';

const PHYSICS = { request_type: 'new', course_number: '8.01r', course_title: 'Physics I', course_kind: 'xml', term: '2027_Spring', team_members: 'ada grace', instructor: 'ada', weeks: 14 };

describe('the sandbox restarted on the same database continues its story', () => {
  let sb: Sandbox | undefined;
  afterEach(async () => sb?.close());

  it('keeps tickets, repositories and runs; finishes the request; new tickets take new numbers', async () => {
    const database = join(mkdtempSync(join(tmpdir(), 'orc-restart-')), 'orc.db');
    sb = await startSandbox({ ORC_DATABASE: database });
    const { ticketId } = await sb.fileAndApprove(PHYSICS);
    // Counted once the ticket has every comment it is owed so far: a note still in the outbox would be posted after the count.
    const waiting = await sb.until('the first manual step, its notes posted', async () => {
      const r = await sb!.api(`/tickets/${ticketId}`);
      return r.body.request.status === 'waiting_on_agent' && sb!.notesOwed(ticketId) === 0 ? r.body : undefined;
    });
    const before = { comments: sb.sims.zendesk.comments(ticketId).length, repo: sb.sims.github.read.repo('mitx', 'content-mit-801r-2027_Spring') };
    expect(before.repo).toBeDefined();
    await sb.close();

    // Stopped (as Ctrl-C stops npm start) and started again on the same file.
    sb = await startSandbox({ ORC_DATABASE: database });
    expect(sb.sims.zendesk.ticketIds()).toContain(ticketId);
    expect(sb.sims.zendesk.comments(ticketId)).toHaveLength(before.comments);
    expect(sb.sims.github.read.repo('mitx', 'content-mit-801r-2027_Spring')).toEqual(before.repo);
    expect(sb.sims.github.read.team('mitx', 'mitx-content-deployment')?.repos).toHaveProperty('mitx/content-mit-801r-2027_spring', 'push');
    // The restored account is the one setup made: running setup again (at start) made no second form.
    expect(sb.sims.zendesk.admin.ticketForms()).toHaveLength(1);

    const resumed = await sb.api(`/tickets/${ticketId}`);
    expect(resumed.body.request).toMatchObject({ id: waiting.request.id, status: 'waiting_on_agent', courseNumber: '8.01r' });
    await sb.followInstructions(ticketId);
    const done = await sb.api(`/tickets/${ticketId}`);
    expect(done.body.request.status).toBe('completed');
    expect(sb.sims.zendesk.ticket(ticketId).status).toBe('solved');

    // A new ticket after the restart is a new request with its own number; the old one is untouched.
    const { ticketId: next, view } = await sb.file({ ...PHYSICS, course_number: '6.S91', course_title: 'Special subject' });
    expect(next).toBeGreaterThan(ticketId);
    expect(view.request).toMatchObject({ courseNumber: '6.S91', status: 'pending_approval' });
    expect(view.request.id).not.toBe(waiting.request.id);
    expect((await sb.api(`/tickets/${ticketId}`)).body.request).toMatchObject({ courseNumber: '8.01r', status: 'completed' });
  });

  it('a database recorded before the world was kept still never reuses a recorded ticket number', async () => {
    const database = join(mkdtempSync(join(tmpdir(), 'orc-restart-')), 'orc.db');
    sb = await startSandbox({ ORC_DATABASE: database });
    const { ticketId } = await sb.file(PHYSICS);
    await sb.close();
    // As if an older version had run: the requests are there, the simulated world is not.
    const handle = openSqlite(database);
    handle.sqlite.prepare('DELETE FROM sandbox_state').run();
    handle.close();

    sb = await startSandbox({ ORC_DATABASE: database });
    expect(sb.sims.zendesk.ticketIds()).toEqual([]);
    const { ticketId: next, view } = await sb.file({ ...PHYSICS, course_number: '6.S91' });
    expect(next).toBeGreaterThan(ticketId);
    expect(view.request.courseNumber).toBe('6.S91');
    expect((await sb.api(`/tickets/${ticketId}`)).body.request.courseNumber).toBe('8.01r');
  });
});

describe('the world store', () => {
  it('round-trips GitHub, Zendesk and edX through the database, and refuses a world it cannot read', async () => {
    const handle = openSqlite(':memory:');
    const first = await startSimulators();
    const second = await startSimulators();
    try {
      first.github.seed.user('ada').org('mitx').team('mitx', 'Deploy', { members: ['ada'], permission: 'push' });
      first.github.seed.repo('mitx', 'course', { files: { 'course.xml': '<course/>', 'static/images/course_image.jpg': 'jpeg' }, hooks: ['https://lms.test/hook'] });
      first.edx.addRun({ org: 'MITx', number: '8.01r', run: '2027_Spring', team: [{ user: 'ada', role: 'staff' }] });
      first.edx.state.gitImports.push({ via: 'edx-sysadmin', url: 'https://lms.test/hook', repoName: 'course', sshUrl: 'git@github.test:mitx/course.git', branch: 'main' });
      const users = first.zendesk.persist.dump().users;
      await createWorldStore(handle.db, first, Date.now).save();

      expect(await createWorldStore(handle.db, second, Date.now).restore()).toBe(true);
      expect(second.github.read.snapshot()).toEqual(first.github.read.snapshot());
      expect(second.github.read.files('mitx', 'course')).toEqual(first.github.read.files('mitx', 'course'));
      expect(second.edx.state.runs).toEqual(first.edx.state.runs);
      expect(second.edx.state.gitImports).toEqual(first.edx.state.gitImports);
      expect(second.zendesk.persist.dump().users).toEqual(users);

      handle.sqlite.prepare("UPDATE sandbox_state SET data = '{\"runs\": 3}' WHERE key = 'edx'").run();
      await expect(createWorldStore(handle.db, second, Date.now).restore()).rejects.toThrow(/saved edx world .*fresh database/);
      expect(second.edx.state.runs).toEqual(first.edx.state.runs);
    } finally {
      await Promise.all([first.close(), second.close()]);
      handle.close();
    }
  });
});
