import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerRequestCommand } from '../../src/cli/request';
import { openSqlite } from '../../src/db/sqlite';
import { getRequest } from '../../src/requests/actions';
import { eventsOf } from '../../src/requests/events';
import type { SandboxSimulators } from '../../src/sandbox/simulators';
import { captured } from './io';
import { startCliWorld } from './world';

let sims: SandboxSimulators;
let env: Record<string, string>;

beforeAll(async () => {
  ({ sims, env } = await startCliWorld('request-actions', 'request-actions-secret-0123456789abcdef'));
});
afterAll(() => sims.close());

function cli() {
  const c = captured(env);
  registerRequestCommand(c.program, c.cli);
  return c;
}

async function newRequest(course: string): Promise<number> {
  const c = cli();
  expect(await c.run(['request', 'new', '--course', course, '--term', '2027_Spring', '--title', 'Physics', '--member', 'ada', '--json'])).toBe(0);
  return JSON.parse(c.io.out).request.id;
}

describe('orcoursetrion request approve|retry ID...', () => {
  it('approves each id as if alone, one line per id, exit 1 when any failed', async () => {
    const a = await newRequest('8.61');
    const b = await newRequest('8.62');
    const first = cli();
    expect(await first.run(['request', 'approve', String(a), '999', String(b)])).toBe(1);
    expect(first.io.out).toBe(`approved request ${a}\nrequest 999: Request 999 was not found\napproved request ${b}\n`);

    const handle = openSqlite(env.ORC_DATABASE!);
    for (const id of [a, b]) {
      expect(await getRequest(handle.db, id)).toMatchObject({ status: 'in_progress', decidedBy: 'cli:tester' });
      expect((await eventsOf(handle.db, id)).map((e) => `${e.actor}:${e.action}:${(e.detail as { via?: string } | null)?.via ?? ''}`)).toEqual(['cli:tester:requested:', 'cli:tester:approved:bulk']);
    }
    handle.close();

    const again = cli();
    expect(await again.run(['request', 'approve', String(a), '--json'])).toBe(1);
    expect(JSON.parse(again.io.out)).toEqual({ results: [{ id: a, ok: false, code: 'conflict', error: expect.stringContaining('only a request pending approval can be approved') }] });
    const retry = cli();
    expect(await retry.run(['request', 'retry', String(a)])).toBe(1);
    expect(retry.io.out).toContain(`request ${a}: Request ${a} is in progress and has no failed step`);
  });

  it('refuses an id that is not a number, or no id at all, as a usage error', async () => {
    const bad = cli();
    expect(await bad.run(['request', 'approve', 'twelve'])).toBe(2);
    expect(await cli().run(['request', 'retry'])).toBe(2);
  });
});

describe('orcoursetrion request, with approval rules', () => {
  it('approves a new request the rules match, recording the rule, and leaves the others for an agent', async () => {
    const rules = JSON.stringify({ rules: [{ name: 'studio from the terminal', when: { kind: ['studio'] } }] });
    const c = captured({ ...env, ORC_APPROVAL_RULES: rules });
    registerRequestCommand(c.program, c.cli);
    expect(await c.run(['request', 'new', '--kind', 'studio', '--course', '8.71', '--term', '2027_Spring', '--title', 'Physics', '--member', 'ada'])).toBe(0);
    expect(c.io.out).toMatch(/^Created request (\d+), approved by the approval rule "studio from the terminal"\./);
    const id = Number(/^Created request (\d+)/.exec(c.io.out)![1]);
    const handle = openSqlite(env.ORC_DATABASE!);
    expect(await getRequest(handle.db, id)).toMatchObject({ status: 'in_progress', decidedBy: 'approval rule "studio from the terminal"' });
    expect((await eventsOf(handle.db, id)).at(-1)).toMatchObject({ actor: 'rule:studio from the terminal', action: 'approved', detail: expect.objectContaining({ via: 'approval rule' }) });
    handle.close();

    const xml = captured({ ...env, ORC_APPROVAL_RULES: rules });
    registerRequestCommand(xml.program, xml.cli);
    expect(await xml.run(['request', 'new', '--course', '8.72', '--term', '2027_Spring', '--title', 'Physics', '--member', 'ada'])).toBe(0);
    expect(xml.io.out).toMatch(/^Created request \d+ \(approve it in the sidebar, or run again with --approve\)\./);
  });
});

describe('orcoursetrion request reschedule ID --start DAY [--confirm]', () => {
  it('moves a scheduled request, and starts it on a past day only with --confirm', async () => {
    const c = cli();
    expect(await c.run(['request', 'new', '--course', '8.79', '--term', '2027_Spring', '--title', 'Physics', '--member', 'ada', '--start-date', '2099-01-01', '--json']), c.io.err).toBe(0);
    const id = JSON.parse(c.io.out).request.id as number;
    const row = async () => {
      const handle = openSqlite(env.ORC_DATABASE!);
      try {
        return await getRequest(handle.db, id);
      } finally {
        handle.close();
      }
    };
    // The approval rules an earlier test set up may have approved it already.
    if ((await row()).status === 'pending_approval') expect(await cli().run(['request', 'approve', String(id)])).toBe(0);
    expect((await row()).status).toBe('scheduled');

    const moved = cli();
    expect(await moved.run(['request', 'reschedule', String(id), '--start', '2098-06-01', '--json'])).toBe(0);
    expect(JSON.parse(moved.io.out)).toMatchObject({ ok: true, id, status: 'scheduled' });

    const asked = cli();
    expect(await asked.run(['request', 'reschedule', String(id), '--start', '2020-03-01'])).toBe(1);
    expect(asked.io.err).toMatch(/^orcoursetrion request reschedule: Sunday, March 1, 2020 at 12:00 AM \S+ is in the past: rescheduling to it starts the work now; run again with --confirm/);
    expect((await row()).status).toBe('scheduled');

    const bad = cli();
    expect(await bad.run(['request', 'reschedule', String(id), '--start', 'tomorrow'])).toBe(1);
    expect(bad.io.err).toContain('--start: "tomorrow" is not a day: give the day to start on as YYYY-MM-DD');

    const started = cli();
    expect(await started.run(['request', 'reschedule', String(id), '--start', '2020-03-01', '--confirm'])).toBe(0);
    expect(started.io.out).toBe(`Request ${id} starts now (in progress).\n`);
    expect(await row()).toMatchObject({ status: 'in_progress', startAt: null });
    const handle = openSqlite(env.ORC_DATABASE!);
    try {
      expect((await eventsOf(handle.db, id)).map((e) => e.action)).toEqual(expect.arrayContaining(['rescheduled', 'started_now']));
    } finally {
      handle.close();
    }
  });
});
