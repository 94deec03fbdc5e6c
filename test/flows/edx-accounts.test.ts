import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './sandbox';

/** Team members are edX usernames too: intake checks them on the LMS when the edX API is configured. */

const base = { request_type: 'new', course_number: '8.01r', course_title: 'Physics I', course_kind: 'studio', term: '2027_Spring', instructor: 'Gil Strang' };
const accountCalls = (sb: Sandbox) => sb.sims.edx.state.requests.filter((r) => r.app === 'lms' && r.path === '/api/user/v1/accounts');
const notes = (sb: Sandbox, ticketId: number) => sb.sims.zendesk.comments(ticketId).filter((c) => !c.public).map((c) => c.html_body);

describe('team members without an edX account', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.close());

  it('intake names them in its reply under Team members, with where to register, and nothing runs', async () => {
    sb = await startSandbox({ ORC_EDX_API: 'all' });
    // On GitHub, not on edX: only the edX check can find it.
    sb.sims.github.seed.user('barbara');
    const { ticketId, view } = await sb.file({ ...base, team_members: 'ada, barbara' }, 'waiting_on_requester');
    expect(view.request.problems).toEqual([expect.objectContaining({ field: 'teamMembers', message: expect.stringContaining('no edX account with the username barbara') })]);
    // The request is recorded before the reply is posted: wait for the reply itself.
    const reply = await sb.until('the public reply', () => sb.sims.zendesk.comments(ticketId).filter((c) => c.public)[1]?.html_body);
    expect(reply).toContain('<strong>Team members</strong>: no edX account with the username barbara;');
    expect(reply).toContain(`register at ${sb.service.config.ORC_EDX_STAGING_URL} with that username, or correct the username`);
    expect(sb.sims.zendesk.ticket(ticketId).status).toBe('pending');
    // Nothing was created anywhere (the one-call-per-team rule is the adapter's contract test).
    expect(accountCalls(sb).length).toBeGreaterThan(0);
    expect(view.steps.map((s: { status: string }) => s.status)).toEqual(view.steps.map(() => 'pending'));
    expect(sb.sims.edx.state.requests.filter((r) => r.method !== 'GET' && r.app === 'studio')).toEqual([]);
    expect(sb.sims.github.read.repo('MITx-Studio2LMS', 'content-mit-801r-2027_Spring')).toBeUndefined();
  });

  it('all known: the request completes with the listed people as the run\'s team', async () => {
    sb = await startSandbox({ ORC_EDX_API: 'all' });
    const { ticketId } = await sb.fileAndApprove({ ...base, team_members: 'ada, grace' });
    expect(await sb.followInstructions(ticketId)).toBe(0);
    expect(accountCalls(sb).map((r) => r.status)).toEqual([200]);
    expect(sb.sims.edx.findRun('course-v1:MITx+8.01r+2027_Spring')!.team).toEqual([
      { user: 'ada', role: 'staff' },
      { user: 'grace', role: 'staff' },
    ]);
  });

  it('edX down through every attempt: intake tells the agents it could not check, and neither refuses nor passes silently', async () => {
    sb = await startSandbox({ ORC_EDX_API: 'all', ORC_STEP_MAX_ATTEMPTS: '2', ORC_RETRY_BASE_MS: '1', ORC_RETRY_MAX_MS: '1' });
    sb.sims.edx.faults.next({ status: 503, path: /^\/api\/user\/v1\/accounts$/, count: 2 });
    const { ticketId, view } = await sb.file({ ...base, team_members: 'ada, grace' });
    expect(view.request.problems).toEqual([]);
    expect(accountCalls(sb)).toHaveLength(2);
    const plan = await sb.until('the plan note', () => notes(sb, ticketId).find((n) => n.includes('Worth checking before approval')));
    expect(plan).toContain('<strong>Team members</strong>: not checked on edX (look up the edX accounts of ada, grace: edX answered 503');
  });

  it('edX down once: the delivery is retried and the second look finds everyone', async () => {
    sb = await startSandbox({ ORC_EDX_API: 'all', ORC_RETRY_BASE_MS: '1', ORC_RETRY_MAX_MS: '1' });
    sb.sims.edx.faults.next({ status: 503, path: /^\/api\/user\/v1\/accounts$/ });
    const { ticketId } = await sb.file({ ...base, team_members: 'ada, grace' });
    expect(accountCalls(sb).map((r) => r.status)).toEqual([503, 200]);
    const plan = await sb.until('the plan note', () => notes(sb, ticketId).find((n) => n.includes('Course request is valid')));
    expect(plan).not.toContain('not checked on edX');
  });

  it('the manual course-team step lists each person\'s email, looked up once when it starts and replayed the same', async () => {
    // The edX token is there (course runs through the API), the course team is left to an agent.
    sb = await startSandbox({ ORC_EDX_API: 'course_runs,advanced_settings,import' });
    sb.sims.github.seed.user('barbara');
    sb.sims.edx.addAccount({ username: 'barbara', email: 'barbara.liskov@mit.test' });
    const { ticketId, pending } = await sb.fileAndApprove({ ...base, team_members: 'ada, barbara' });
    const preview = pending.steps.find((s: { key: string }) => s.key === 'edx-course-team');
    expect(preview.instructions.text).toContain('Orcoursetrion looks up the email of each of ada, barbara on the LMS when this step starts');

    const view = await sb.until('the course-team step to wait', async () => {
      const r = await sb.api(`/tickets/${ticketId}`);
      return r.body.steps.find((s: { key: string; status: string }) => s.key === 'edx-course-team' && s.status === 'waiting') ? r.body : undefined;
    });
    const text: string = view.steps.find((s: { key: string }) => s.key === 'edx-course-team').instructions.text;
    expect(text).toContain('enter ada@example.edu (ada)');
    expect(text).toContain('enter barbara.liskov@mit.test (barbara)');
    expect(text).not.toContain('To look up first');
    const note = notes(sb, ticketId).find((n) => n.includes('Your turn: Add the course team'))!;
    expect(note).toContain('<code>barbara.liskov@mit.test</code> (<code>barbara</code>)');

    // Reading the step again asks the LMS nothing and gives the same text, whatever changed there since.
    const calls = accountCalls(sb).length;
    sb.sims.edx.addAccount({ username: 'ada', email: 'changed@mit.test' });
    const again = (await sb.api(`/tickets/${ticketId}`)).body;
    expect(again.steps.find((s: { key: string }) => s.key === 'edx-course-team').instructions.text).toBe(text);
    expect(accountCalls(sb)).toHaveLength(calls);
    expect(await sb.followInstructions(ticketId)).toBe(1);
  });
});
