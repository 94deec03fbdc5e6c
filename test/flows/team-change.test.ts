import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './sandbox';

/**
 * The "Change course team" request through the real service: tickets filed in the simulated
 * Zendesk, taken in through the signed webhook, read back through the sidebar API, and the
 * GitHub team and the edX run read from the simulators right afterwards.
 */

const ORG = 'mitx';
const repoOf = (course: string, term: string) => `content-mit-${course.replace(/\./g, '')}-${term}`;

/** A course as the earlier requests left it: its repository, its GitHub team and its run on edX. */
function seedCourse(sb: Sandbox, course: string, team: string[], term = '2027_Spring') {
  const repo = repoOf(course, term);
  sb.sims.github.seed.repo(ORG, repo, { files: { 'course.xml': '<course/>\n' } }).team(ORG, repo, { members: team, permission: 'push' });
  sb.sims.edx.addRun({ org: 'MITx', number: course, run: term, team: team.map((user) => ({ user, role: 'staff' })) });
  return { repo, key: `course-v1:MITx+${course}+${term}` };
}

const teamChange = (course: string, change: { add?: string; remove?: string }, term = '2027_Spring') => ({
  request_type: 'team',
  course_number: course,
  course_kind: 'xml',
  term,
  ...(change.add && { team_add: change.add }),
  ...(change.remove && { team_remove: change.remove }),
});

const RULES = { rules: [{ name: 'course team asks', when: { type: ['team'], requesterOnCourseTeam: true } }] };

// Each test files tickets whose approved work runs meanwhile: room for a busy 2-core machine (every wait is for a state).
describe('course team change requests', { timeout: 60_000 }, () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ ORC_EDX_API: 'all', ORC_APPROVAL_RULES: JSON.stringify(RULES) });
  });
  afterAll(async () => sb?.close());

  const problemsOf = (view: any) => view.request.problems.map((p: { field: string; message: string }) => `${p.field}: ${p.message}`);

  /** Files a ticket as `email` and waits until intake has approved it or left it to an agent (the plan note says which). */
  async function fileAs(email: string, fields: Record<string, string>) {
    const ticketId = sb.sims.zendesk.createTicketAsRequester({ email, fields });
    const view = await sb.until(`ticket from ${email} to be taken in`, async () => {
      const r = await sb.api(`/tickets/${ticketId}`);
      if (r.status !== 200 || r.body.request.status === 'waiting_on_requester') return undefined;
      const waitsForAgent = sb.sims.zendesk.comments(ticketId).some((c) => !c.public && c.html_body.includes('Course request is valid') && c.html_body.includes('Approve it with the'));
      return r.body.request.status !== 'pending_approval' || waitsForAgent ? r.body : undefined;
    });
    return { ticketId, view };
  }

  it('adds and removes on GitHub and edX from filing to completion; the removal waits for an agent', async () => {
    const { repo, key } = seedCourse(sb, '8.061', ['ada', 'grace', 'alan']);
    const { ticketId, pending } = await sb.fileAndApprove(teamChange('8.061', { add: 'katherine, @margaret', remove: 'alan' }));
    expect(pending.request).toMatchObject({ type: 'team', courseKey: key, repo: `${ORG}/${repo}`, teamChange: { add: ['katherine', 'margaret'], remove: ['alan'] } });
    expect(pending.steps.map((s: { key: string }) => s.key)).toEqual(['github-team-change', 'edx-course-team', 'edx-course-team-production', 'edx-course-team-remove', 'update-ticket']);
    const planNote = await sb.until('the plan note', () => sb.sims.zendesk.comments(ticketId).find((c) => !c.public && c.html_body.includes('Course request is valid')));
    expect(planNote.html_body).toContain('Remove alan from the course team of');

    const waiting = await sb.until('the removal to wait for an agent', async () => {
      const r = await sb.api(`/tickets/${ticketId}`);
      return r.body.request.status === 'waiting_on_agent' ? r.body : undefined;
    });
    // Before the agent acts: GitHub has the whole change, edX the additions only.
    expect(sb.sims.github.read.team(ORG, repo)?.members).toEqual(['ada', 'grace', 'katherine', 'margaret']);
    expect(sb.sims.edx.findRun(key)?.team.map((t) => t.user).sort()).toEqual(['ada', 'alan', 'grace', 'katherine', 'margaret']);
    const removal = waiting.steps.find((s: { status: string }) => s.status === 'waiting');
    expect(removal).toMatchObject({ key: 'edx-course-team-remove', kind: 'manual' });
    expect(removal.instructions.destructive).toBe(true);
    expect(removal.instructions.text).toContain(`/course_team/${key}`);
    const unconfirmed = await sb.api(`/requests/${waiting.request.id}/steps/edx-course-team-remove/complete`, { body: {} });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.body.error.code).toBe('note_required');

    // The agent removes alan in Studio, as the instructions say, and confirms.
    const run = sb.sims.edx.findRun(key)!;
    run.team = run.team.filter((t) => t.user !== 'alan');
    expect(await sb.followInstructions(ticketId)).toBe(1);
    const done = (await sb.api(`/tickets/${ticketId}`)).body;
    expect(done.request.status).toBe('completed');
    expect(sb.sims.github.read.team(ORG, repo)?.members).toEqual(['ada', 'grace', 'katherine', 'margaret']);
    expect(sb.sims.edx.findRun(key)?.team.map((t) => `${t.user} (${t.role})`).sort()).toEqual(['ada (staff)', 'grace (staff)', 'katherine (staff)', 'margaret (staff)']);
    const reply = sb.sims.zendesk.comments(ticketId).find((c) => c.public && c.html_body.includes('The course team of 8.061'));
    expect(reply?.html_body).toContain('added katherine, margaret and removed alan');
    expect(sb.sims.zendesk.ticket(ticketId)?.status).toBe('solved');
  });

  it('changes a Studio course on edX only (its export repository has no course team); its edX team counts for the rule', async () => {
    sb.sims.github.seed.repo('MITx-Studio2LMS', repoOf('8.064', '2027_Spring'), { files: { '.gitignore': 'drafts/\n' } });
    const key = 'course-v1:MITx+8.064+2027_Spring';
    sb.sims.edx.addRun({ org: 'MITx', number: '8.064', run: '2027_Spring', team: [{ user: 'grace', role: 'instructor' }] });
    const { ticketId, view } = await fileAs('grace@example.edu', { ...teamChange('8.064', { add: 'edsger' }), course_kind: 'studio' });
    expect(view.request.decidedBy).toBe('approval rule "course team asks"');
    expect(view.steps.map((s: { key: string }) => s.key)).toEqual(['edx-course-team', 'edx-course-team-production', 'update-ticket']);
    const done = await sb.until('the team change to complete', async () => {
      const r = await sb.api(`/tickets/${ticketId}`);
      return r.body.request.status === 'completed' ? r.body : undefined;
    });
    expect(done.steps.every((s: { status: string }) => s.status === 'done')).toBe(true);
    expect(sb.sims.edx.findRun(key)?.team.map((t) => `${t.user} (${t.role})`).sort()).toEqual(['edsger (staff)', 'grace (instructor)']);
    expect(sb.sims.github.read.teamNames('MITx-Studio2LMS')).not.toContain(repoOf('8.064', '2027_Spring'));
  });

  it('refuses an unknown course, an empty change, someone both added and removed, and unknown users', async () => {
    seedCourse(sb, '8.062', ['ada']);
    const unknownCourse = await sb.file(teamChange('8.069', { add: 'grace' }), 'waiting_on_requester');
    expect(problemsOf(unknownCourse.view)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^term: there is no repository mitx\/content-mit-8069-2027_Spring/), expect.stringMatching(/^team: there is no GitHub team content-mit-8069-2027_Spring/), expect.stringMatching(/^term: course-v1:MITx\+8\.069\+2027_Spring is not on edX/)]),
    );
    const empty = await sb.file(teamChange('8.062', {}), 'waiting_on_requester');
    expect(problemsOf(empty.view)).toEqual(['teamAdd: is required for a team change: list the GitHub usernames to add, or those to remove, separated by commas']);
    const both = await sb.file(teamChange('8.062', { add: 'grace, Ada', remove: 'ada' }), 'waiting_on_requester');
    expect(problemsOf(both.view)).toEqual(['teamRemove: Ada is both added and removed: list each person once']);
    const unknownUser = await sb.file(teamChange('8.062', { add: 'grace, nosuchperson' }), 'waiting_on_requester');
    expect(problemsOf(unknownUser.view)).toEqual([expect.stringMatching(/^teamAdd: not GitHub users: nosuchperson;/), expect.stringMatching(/^teamAdd: no edX account with the username nosuchperson;/)]);
    // On GitHub but never signed in to the LMS: Studio would refuse to add them.
    sb.sims.github.seed.user('barbara');
    const noEdxAccount = await sb.file(teamChange('8.062', { add: 'grace, barbara' }), 'waiting_on_requester');
    expect(problemsOf(noEdxAccount.view)).toEqual([expect.stringMatching(/^teamAdd: no edX account with the username barbara;/)]);
    // The requester is told on the ticket, by the form's field names.
    const reply = await sb.until('the reply to the requester', () => sb.sims.zendesk.comments(unknownUser.ticketId).find((c) => c.public && c.html_body.includes('Before we can start')));
    expect(reply.html_body).toContain('<strong>Members to add</strong>');
  });

  it('approves a change asked by a member of the course team (by their edX account email); removals still wait for an agent', async () => {
    const { repo } = seedCourse(sb, '8.063', ['ada', 'grace']);
    const member = await fileAs('Ada@example.edu', teamChange('8.063', { add: 'edsger', remove: 'grace' }));
    expect(member.view.request.decidedBy).toBe('approval rule "course team asks"');
    const waiting = await sb.until('the removal to wait for an agent', async () => {
      const r = await sb.api(`/tickets/${member.ticketId}`);
      return r.body.request.status === 'waiting_on_agent' ? r.body : undefined;
    });
    expect(waiting.steps.find((s: { status: string }) => s.status === 'waiting')).toMatchObject({ key: 'edx-course-team-remove', kind: 'manual' });
    expect(sb.sims.github.read.team(ORG, repo)?.members).toEqual(['ada', 'edsger']);

    // Someone with an edX account who is not on the team, and an address no account has, wait for an agent.
    for (const email of ['katherine@example.edu', 'ada@elsewhere.test']) {
      const other = await fileAs(email, teamChange('8.063', { add: 'alan' }));
      expect(other.view.request.status).toBe('pending_approval');
      expect(other.view.request.decision).toBeNull();
      expect(sb.sims.zendesk.comments(other.ticketId).some((c) => !c.public && c.html_body.includes('Approve it with the'))).toBe(true);
    }
  });
});
