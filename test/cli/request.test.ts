import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerRequestCommand } from '../../src/cli/request';
import { createZendeskAdapter } from '../../src/integrations/zendesk/adapter';
import { applySetup } from '../../src/integrations/zendesk/setup/apply';
import { loadZendeskIds } from '../../src/db/zendesk-objects';
import { requests } from '../../src/db/schema';
import { silentLogger } from '../../src/log';
import { parseConfig } from '../../src/config';
import { openSqlite } from '../../src/db/sqlite';
import { eventsOf } from '../../src/requests/events';
import { getRequest } from '../../src/requests/actions';
import type { SandboxSimulators } from '../../src/sandbox/simulators';
import { captured } from './io';
import { startCliWorld } from './world';

const SECRET = 'request-test-shared-secret-0123456789abcdef';
let sims: SandboxSimulators;
let env: Record<string, string>;

beforeAll(async () => {
  ({ sims, env } = await startCliWorld('request', SECRET));
});
afterAll(() => sims.close());

function cli() {
  const c = captured(env);
  registerRequestCommand(c.program, c.cli);
  return c;
}

describe('orcoursetrion request', () => {
  it('names every bad field, as intake does, creates nothing and exits 1', async () => {
    const { io, run } = cli();
    const code = await run(['request', 'new', '--course', '8 01', '--term', 'Spring_2027', '--kind', 'video', '--member', 'ada', 'not_a-user!', '--start-date', 'tomorrow', '--json']);
    expect(code).toBe(1);
    const lines = io.err.trim().split('\n');
    expect(lines.map((l) => l.split(':')[1]!.trim()).sort()).toEqual(['--course', '--kind', '--member', '--start-date', '--term', '--title']);
    expect(io.err).toContain('write 2027_Spring');
    expect(JSON.parse(io.out)).toMatchObject({ ok: false, problems: expect.arrayContaining([{ field: 'courseTitle', message: expect.stringContaining('required') }]) });
    expect(sims.github.read.repoNames('mitx')).toEqual([]);
  });

  it('runs the GitHub checks too: an unknown user and a missing source repo are problems', async () => {
    const { io, run } = cli();
    expect(await run(['request', 'new', '--course', '8.01r', '--term', '2027_Spring', '--title', 'Physics', '--member', 'ada', 'nobody-here'])).toBe(1);
    expect(io.err).toBe('orcoursetrion request: --member: not GitHub users: nobody-here; check the spelling of each username\n');
    const again = cli();
    expect(await again.run(['request', 'rerun', '--course', '9.99', '--term', '2026_Fall', '--new-term', '2027_Spring'])).toBe(1);
    expect(again.io.err).toContain('--term: there is no repository mitx/content-mit-999-2026_Fall');
  });

  it('creates a ticketless request, approves it as cli:<user>, prints id, course key, repo and plan', async () => {
    const { io, run } = cli();
    expect(await run(['request', 'new', '--course', '8.01r', '--term', '2027_Spring', '--title', 'Physics', '--member', 'ada', 'grace', '--approve', '--json'])).toBe(0);
    const view = JSON.parse(io.out);
    expect(view.request).toMatchObject({ status: 'in_progress', courseKey: 'course-v1:MITx+8.01r+2027_Spring', repo: 'mitx/content-mit-801r-2027_Spring' });
    expect(view.steps[0]).toMatchObject({ key: 'create-repo', status: 'pending' });
    const handle = openSqlite(env.ORC_DATABASE!);
    const row = await getRequest(handle.db, view.request.id);
    expect(row).toMatchObject({ ticketId: null, requester: 'cli:tester', decidedBy: 'cli:tester' });
    expect((await eventsOf(handle.db, row.id)).map((e) => `${e.actor}:${e.action}`)).toEqual(['cli:tester:requested', 'cli:tester:approved']);
    handle.close();

    // The same course and term again is a duplicate, as on a ticket.
    const dup = cli();
    expect(await dup.run(['request', 'new', '--course', '8.01r', '--term', '2027_Spring', '--title', 'Physics', '--member', 'ada'])).toBe(1);
    expect(dup.io.err).toContain(`--term: course-v1:MITx+8.01r+2027_Spring is already requested (request ${row.id})`);

    const text = cli();
    expect(await text.run(['request', 'publish', '--course', '8.01r', '--term', '2027_Spring'])).toBe(1); // no repo yet: nothing ran
    expect(io.out + io.err + text.io.err).not.toContain(SECRET);
  });

  it('needs no ORC_APP_SHARED_SECRET (it serves no sidebar); members may be separated by commas', async () => {
    const { ORC_APP_SHARED_SECRET: _unused, ...noSecret } = env;
    expect(() => parseConfig(noSecret)).toThrow(/ORC_APP_SHARED_SECRET/);
    const c = captured(noSecret);
    registerRequestCommand(c.program, c.cli);
    expect(await c.run(['request', 'new', '--course', '18.06', '--term', '2027_Spring', '--title', 'Linear Algebra', '--member', 'ada,grace', '--json'])).toBe(0);
    expect(c.io.err).toBe('');
    const handle = openSqlite(env.ORC_DATABASE!);
    expect((await getRequest(handle.db, JSON.parse(c.io.out).request.id)).plan).toMatchObject({ members: ['ada', 'grace'] });
    handle.close();
  });
});

describe('orcoursetrion request team', () => {
  it('takes --add and --remove, names their problems by option, and plans the change', async () => {
    const empty = cli();
    expect(await empty.run(['request', 'team', '--course', '8.07', '--term', '2027_Spring'])).toBe(1);
    expect(empty.io.err).toContain('--add: is required for a team change');
    const both = cli();
    expect(await both.run(['request', 'team', '--course', '8.07', '--term', '2027_Spring', '--add', 'ada', '--remove', 'Ada'])).toBe(1);
    expect(both.io.err).toContain('--remove: ada is both added and removed: list each person once');

    sims.github.seed.repo('mitx', 'content-mit-807-2027_Spring').team('mitx', 'content-mit-807-2027_Spring', { members: ['ada', 'alan'] });
    const { io, run } = cli();
    expect(await run(['request', 'team', '--course', '8.07', '--term', '2027_Spring', '--add', 'grace', 'katherine', '--remove', 'alan', '--json'])).toBe(0);
    const view = JSON.parse(io.out);
    expect(view.request).toMatchObject({ type: 'team', status: 'pending_approval', repo: 'mitx/content-mit-807-2027_Spring', teamChange: { add: ['grace', 'katherine'], remove: ['alan'] } });
    expect(view.steps.map((s: { key: string }) => s.key)).toEqual(['github-team-change', 'edx-course-team', 'edx-course-team-production', 'edx-course-team-remove', 'update-ticket']);
    // Nothing runs before approval.
    expect(sims.github.read.team('mitx', 'content-mit-807-2027_Spring')?.members).toEqual(['ada', 'alan']);
  });
});

describe('orcoursetrion request cancel', () => {
  it('cancels a request with a required reason, as cli:<user>; a second cancel, a bad ID and an unknown one exit 1', async () => {
    const made = cli();
    expect(await made.run(['request', 'new', '--course', '18.02', '--term', '2027_Spring', '--title', 'Calculus', '--member', 'ada', '--approve', '--json'])).toBe(0);
    const id = String(JSON.parse(made.io.out).request.id);

    const noReason = cli();
    expect(await noReason.run(['request', 'cancel', id])).toBe(1);
    expect(noReason.io.err).toBe('orcoursetrion request: A reason is required to cancel a request: the requester will read it\n');

    const ok = cli();
    expect(await ok.run(['request', 'cancel', id, '--reason', 'Calculus moves to the fall'])).toBe(0);
    expect(ok.io.out).toBe(`Cancelled request ${id}: Calculus moves to the fall. The service tells the ticket, with what to undo, at its next wake-up.\n`);
    const handle = openSqlite(env.ORC_DATABASE!);
    expect(await getRequest(handle.db, Number(id))).toMatchObject({ status: 'cancelled', reason: 'Calculus moves to the fall' });
    expect((await eventsOf(handle.db, Number(id))).at(-1)).toMatchObject({ actor: 'cli:tester', action: 'cancelled' });
    handle.close();

    const again = cli();
    expect(await again.run(['request', 'cancel', id, '--reason', 'twice'])).toBe(1);
    expect(again.io.err).toContain(`Request ${id} is cancelled`);
    const bad = cli();
    expect(await bad.run(['request', 'cancel', 'abc', '--reason', 'x'])).toBe(1);
    expect(bad.io.err).toContain("ID must be the request's number");
    const unknown = cli();
    expect(await unknown.run(['request', 'cancel', '99999', '--reason', 'x'])).toBe(1);
    expect(unknown.io.err).toContain('99999');
    const misplaced = cli();
    expect(await misplaced.run(['request', 'new', '--reason', 'x'])).toBe(2);
  });
});

describe('orcoursetrion request, with Zendesk configured', () => {
  it('opens a course-request ticket for the request, so intake and the ticket story see it', async () => {
    const withDesk = { ...sims.env, ORC_SANDBOX: '0', ORC_APP_SHARED_SECRET: SECRET, ORC_DATABASE: join(mkdtempSync(join(tmpdir(), 'orc-request-zd-')), 'orc.db') };
    const handle = openSqlite(withDesk.ORC_DATABASE);
    const config = parseConfig(withDesk);
    await applySetup({ admin: createZendeskAdapter({ config, logger: silentLogger }).admin, db: handle.db, publicUrl: 'http://127.0.0.1:9', now: Date.now });

    const c = captured(withDesk);
    registerRequestCommand(c.program, c.cli);
    expect(await c.run(['request', 'new', '--course', '6.0001', '--term', '2027_Spring', '--title', 'Python <intro>', '--member', 'ada', '--json'])).toBe(0);
    const view = JSON.parse(c.io.out);
    const row = await getRequest(handle.db, view.request.id);
    expect(row.ticketId).toEqual(expect.any(Number));
    handle.close();

    const ticket = sims.zendesk.ticket(row.ticketId!);
    expect(ticket.subject).toBe('Course request: new 6.0001 2027_Spring');
    expect(sims.zendesk.fieldValue(row.ticketId!, 'course_number')).toBe('6.0001');
    expect(sims.zendesk.fieldValue(row.ticketId!, 'request_type')).toBe('orc_type_new');
    expect(sims.zendesk.fieldValue(row.ticketId!, 'course_title')).toBe('Python <intro>');
    const [note] = sims.zendesk.comments(row.ticketId!);
    expect(note).toMatchObject({ public: false });
    expect(note!.html_body).toContain('cli:tester');
  });

  it('takes up the ticket an earlier attempt opened before it died, instead of opening a second one', async () => {
    const withDesk = { ...sims.env, ORC_SANDBOX: '0', ORC_APP_SHARED_SECRET: SECRET, ORC_DATABASE: join(mkdtempSync(join(tmpdir(), 'orc-request-zd-')), 'orc.db') };
    const handle = openSqlite(withDesk.ORC_DATABASE);
    const config = parseConfig(withDesk);
    const zendesk = createZendeskAdapter({ config, logger: silentLogger });
    await applySetup({ admin: zendesk.admin, db: handle.db, publicUrl: 'http://127.0.0.1:9', now: Date.now });
    const ids = await loadZendeskIds(handle.db);
    const key = 'orcoursetrion:new:course-v1:mitx+18.06+2027_spring';
    // What the earlier attempt left: its ticket, and no request (killed before it was recorded).
    const orphan = await zendesk.createTicket({ subject: 'Course request: new 18.06 2027_Spring', html: '<p>first attempt</p>', formId: ids.formId, customFields: [], externalId: key });

    const c = captured(withDesk);
    registerRequestCommand(c.program, c.cli);
    expect(await c.run(['request', 'new', '--course', '18.06', '--term', '2027_Spring', '--title', 'Linear Algebra', '--member', 'ada', '--json'])).toBe(0);
    const row = await getRequest(handle.db, JSON.parse(c.io.out).request.id);
    expect(row.ticketId).toBe(orphan);
    expect(await zendesk.findTicketsByExternalId(key)).toEqual([{ id: orphan, status: expect.any(String) }]);

    // Its ticket is now the request's: a new request for the same course after a rejection gets its own.
    await handle.db.update(requests).set({ status: 'rejected' });
    const again = captured(withDesk);
    registerRequestCommand(again.program, again.cli);
    expect(await again.run(['request', 'new', '--course', '18.06', '--term', '2027_Spring', '--title', 'Linear Algebra', '--member', 'ada', '--json'])).toBe(0);
    const second = await getRequest(handle.db, JSON.parse(again.io.out).request.id);
    expect(second.ticketId).not.toBe(orphan);
    expect((await zendesk.findTicketsByExternalId(key)).map((t) => t.id)).toEqual([orphan, second.ticketId]);
    handle.close();
  });
});
