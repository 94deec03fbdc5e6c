import { afterEach, describe, expect, it } from 'vitest';
import { courseRepoFiles, startSandbox, type Sandbox } from './sandbox';

/**
 * The course team carried forward (issue 13): a publish or rerun whose form lists nobody takes
 * the course's latest completed request's team, else its GitHub team; a team on the form replaces
 * it; a team found nowhere is refused at intake. Everything through tickets and the sidebar API.
 * The timeout bounds a hang on a loaded machine (a new course, a publish and two reruns); it is no time goal.
 */

const notes = (sb: Sandbox, ticketId: number) => sb.sims.zendesk.comments(ticketId).filter((c) => !c.public).map((c) => c.html_body);
const planNoteOf = (sb: Sandbox, ticketId: number) => sb.until('the plan note', () => notes(sb, ticketId).find((n) => n.includes('Course request is valid')));
const edxTeam = (sb: Sandbox, key: string) => sb.sims.edx.findRun(key)!.team.map((m) => `${m.user}:${m.role}`).sort();

describe('the course team carried forward', { timeout: 180_000 }, () => {
  let sb: Sandbox;
  afterEach(async () => sb?.close());

  it('a publish and a rerun after a new course, with no members on their forms, give the new course\'s team to GitHub and edX; a form team replaces it', async () => {
    sb = await startSandbox({ ORC_EDX_API: 'all' });
    const course = { course_number: '18.01', course_title: 'Calculus', course_kind: 'xml', instructor: 'Gil Strang' };
    const first = await sb.fileAndApprove({ ...course, request_type: 'new', term: '2026_Fall', team_members: 'ada, grace' });
    await sb.followInstructions(first.ticketId);
    const made = (await sb.api(`/tickets/${first.ticketId}`)).body.request;
    expect(made.status).toBe('completed');
    sb.sims.github.seed.push('mitx', 'content-mit-1801-2026_Fall', courseRepoFiles('2026_Fall', '18.01', 'Calculus'));

    // Publish, no members on the form: the new course's team, from its request.
    const publish = await sb.fileAndApprove({ ...course, request_type: 'publish', term: '2026_Fall' });
    expect(publish.pending.request.plan.members).toEqual(['ada', 'grace']);
    expect(publish.pending.request.plan.teamSource).toMatchObject({ from: 'request', requestId: made.id, ticketId: first.ticketId });
    expect(await planNoteOf(sb, publish.ticketId)).toMatch(new RegExp(`Course team: ada, grace \\(from request #${made.id} \\(ticket #${first.ticketId}\\), completed \\d{4}-\\d{2}-\\d{2}\\)`));
    await sb.followInstructions(publish.ticketId);
    const published = (await sb.api(`/tickets/${publish.ticketId}`)).body;
    expect(published.request.status).toBe('completed');
    expect(published.steps.find((s: { key: string }) => s.key === 'edx-course-team-production').result.summary).toContain('ada (staff), grace (staff)');
    expect(edxTeam(sb, 'course-v1:MITx+18.01+2026_Fall')).toEqual(['ada:staff', 'grace:staff']);

    // Rerun, no members on the form: the latest completed request is the publish, with the same team.
    const rerun = await sb.fileAndApprove({ ...course, request_type: 'rerun', term: '2026_Fall', new_term: '2027_Spring' });
    expect(rerun.pending.request.plan.teamSource).toMatchObject({ from: 'request', requestId: published.request.id });
    expect(await sb.followInstructions(rerun.ticketId)).toBe(2); // the two destructive deletes
    expect((await sb.api(`/tickets/${rerun.ticketId}`)).body.request.status).toBe('completed');
    expect(sb.sims.github.read.team('mitx', 'content-mit-1801-2027_spring')?.members).toEqual(['ada', 'grace']);
    expect(edxTeam(sb, 'course-v1:MITx+18.01+2027_Spring')).toEqual(['ada:staff', 'grace:staff']);

    // A team on the form replaces the carried one, everywhere.
    const replaced = await sb.fileAndApprove({ ...course, request_type: 'rerun', term: '2027_Spring', new_term: '2027_Fall', team_members: 'alan' });
    expect(replaced.pending.request.plan).toMatchObject({ members: ['alan'], teamSource: { from: 'form' } });
    expect(await planNoteOf(sb, replaced.ticketId)).toContain('Course team: alan (from this ticket).');
    await sb.followInstructions(replaced.ticketId);
    expect(sb.sims.github.read.team('mitx', 'content-mit-1801-2027_fall')?.members).toEqual(['alan']);
    expect(edxTeam(sb, 'course-v1:MITx+18.01+2027_Fall')).toEqual(['alan:staff']);
  });

  it('without records, the course\'s GitHub team; with no team anywhere, intake refuses naming Team members until the requester lists them', async () => {
    sb = await startSandbox();
    sb.sims.github.seed.repo('mitx', 'content-mit-1802-2026_Fall', { files: courseRepoFiles('2026_Fall', '18.02', 'Calculus') });
    sb.sims.github.seed.repo('mitx', 'content-mit-1803-2026_Fall', { files: courseRepoFiles('2026_Fall', '18.03', 'Calculus') });
    sb.sims.github.seed.team('mitx', 'content-mit-1802-2026_Fall', { members: ['carol', 'dan'] });
    const publish = (number: string) => ({ request_type: 'publish', course_number: number, course_kind: 'xml', term: '2026_Fall' });

    const known = await sb.file(publish('18.02'));
    expect(known.view.request.plan).toMatchObject({ members: ['carol', 'dan'], teamSource: { from: 'github', team: 'mitx/content-mit-1802-2026_Fall' } });
    expect(await planNoteOf(sb, known.ticketId)).toContain('Course team: carol, dan (from GitHub team mitx/content-mit-1802-2026_Fall).');

    // A Studio rerun made by hand in Studio gets the carried team as its own agent step (Studio's UI rerun copies no team).
    sb.sims.github.seed.repo('MITx-Studio2LMS', 'content-mit-1804-2026_Fall', { files: courseRepoFiles('2026_Fall', '18.04', 'Calculus') }).team('MITx-Studio2LMS', 'content-mit-1804-2026_Fall', { members: ['grace'] });
    const studio = await sb.file({ request_type: 'rerun', course_number: '18.04', course_kind: 'studio', term: '2026_Fall', new_term: '2027_Spring' });
    const teamStep = studio.view.steps.find((s: { key: string }) => s.key === 'edx-course-team');
    expect(teamStep).toMatchObject({ kind: 'manual' });
    expect(teamStep.instructions.text).toContain('lists grace (Staff)');

    const unknown = await sb.file(publish('18.03'), 'waiting_on_requester');
    expect(unknown.view.request.problems).toEqual([{ field: 'teamMembers', message: expect.stringContaining("list the course team's GitHub usernames") }]);
    const reply = await sb.until('the public reply', () => sb.sims.zendesk.comments(unknown.ticketId).filter((c) => c.public).slice(1)[0]);
    expect(reply.html_body).toContain('<strong>Team members</strong>: is required');
    expect(reply.html_body).toContain('mitx/content-mit-1803-2026_Fall');
    expect((await sb.api(`/requests/${unknown.view.request.id}/approve`, { method: 'POST' })).status).toBe(409);

    sb.sims.zendesk.editAsRequester(unknown.ticketId, { fields: { team_members: 'ada' } });
    const fixed = await sb.until('the request to await approval', async () => {
      const r = await sb.api(`/tickets/${unknown.ticketId}`);
      return r.body.request.status === 'pending_approval' ? r.body : undefined;
    });
    expect(fixed.request.plan).toMatchObject({ members: ['ada'], teamSource: { from: 'form' } });
  });
});
