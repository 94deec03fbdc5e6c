import { afterEach, describe, expect, it } from 'vitest';
import { managedTitle } from '../../src/courses/request-fields';
import type { Problem } from '../../src/requests/draft';
import { problemsReply } from '../../src/story/messages';
import { cleanCourse } from '../olx/fixtures';
import { startSandbox, type Sandbox } from './sandbox';

const REPO = 'content-mit-801r-2026_Fall';
const fields = { course_number: '8.01r', course_title: 'Physics I', team_members: 'ada, grace', instructor: 'ada', request_type: 'publish', course_kind: 'xml', term: '2026_Fall' };
const publicReplies = (sb: Sandbox, ticketId: number) => sb.sims.zendesk.comments(ticketId).filter((c) => c.public).slice(1);
const notes = (sb: Sandbox, ticketId: number) => sb.sims.zendesk.comments(ticketId).filter((c) => !c.public).map((c) => c.html_body);

/** The fixture course with a missing problem file (blocking) and a format the grading policy lacks (blocking). */
const broken = () => ({
  ...cleanCourse(),
  'vertical/unit1.xml': '<vertical display_name="Unit 1">\n  <html url_name="intro"/>\n  <problem url_name="q1"/>\n  <problem url_name="q9"/>\n</vertical>\n',
  'sequential/final.xml': '<sequential display_name="Final" format="Exam" due="2026-12-15T00:00:00Z">\n  <vertical url_name="unit2"/>\n</sequential>\n',
  'html/intro.html': '<p>See <img src="/static/missing.png"></p>\n',
});

describe('the course check at publish intake, through the HTTP boundary', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.close());

  it('a broken course gets one reply naming its problems; after a fix is pushed and the ticket saved, the publish goes through', async () => {
    sb = await startSandbox({ ORC_EDX_API: 'git_import' });
    sb.sims.github.seed.repo('mitx', REPO, { files: broken() });
    const { ticketId, view } = await sb.file(fields, 'waiting_on_requester');

    expect(view.request.problems.map((p: Problem) => `${p.file}:${p.line}`)).toEqual(['vertical/unit1.xml:4', 'sequential/final.xml:1']);
    const replies = await sb.until('the public reply', () => (publicReplies(sb, ticketId).length > 0 ? publicReplies(sb, ticketId) : undefined));
    expect(replies).toHaveLength(1);
    const reply = replies[0]!.html_body;
    expect(reply).toContain('<code>vertical/unit1.xml</code>');
    expect(reply).toContain('line 4: &lt;problem url_name=&quot;q9&quot;&gt; points to problem/q9.xml, which does not exist');
    expect(reply).toContain('format &quot;Exam&quot;');
    expect(reply).not.toContain('missing.png'); // a warning: for the agents, not the requester
    const warnings = await sb.until('the warnings note', () => notes(sb, ticketId).find((n) => n.includes('Course check:')));
    expect(warnings).toContain('static/missing.png');
    expect(sb.sims.zendesk.ticket(ticketId).status).toBe('pending');

    // The on-demand check says the same (the sidebar's button).
    const checked = await sb.api(`/requests/${view.request.id}/check`, { method: 'POST' });
    expect(checked.status).toBe(200);
    expect(checked.body).toMatchObject({ repo: `mitx/${REPO}`, branch: 'main', blocking: true });
    expect(checked.body.problems.filter((p: { severity: string }) => p.severity === 'blocking')).toHaveLength(2);

    // The course team fixes the course and saves the ticket: intake checks again and it passes.
    sb.sims.github.seed.push('mitx', REPO, { 'vertical/unit1.xml': cleanCourse()['vertical/unit1.xml']!, 'sequential/final.xml': cleanCourse()['sequential/final.xml']! }, 'Fix the course');
    sb.sims.zendesk.editAsRequester(ticketId, { comment: 'fixed and pushed' });
    await sb.until('the request to await approval', async () => ((await sb.api(`/tickets/${ticketId}`)).body.request.status === 'pending_approval' ? true : undefined));
    const plan = await sb.until('the plan note', () => notes(sb, ticketId).find((n) => n.includes('Course request is valid')));
    expect(plan).toContain('static/missing.png'); // the warning remains, in the plan note
    expect((await sb.api(`/requests/${view.request.id}/check`, { method: 'POST' })).body.blocking).toBe(false);

    sb.sims.zendesk.applyMacroAsAgent(ticketId, managedTitle('Approve course request'));
    expect(await sb.followInstructions(ticketId)).toBe(1);
    expect(sb.sims.productionEdx.state.gitImports.map((g) => `${g.repoName}@${g.branch}`)).toEqual([`${REPO}@live`]);
  });

  it('the on-demand check of a request without a repository yet is a clear 409', async () => {
    sb = await startSandbox();
    const { view } = await sb.file({ ...fields, request_type: 'new', term: '2027_Spring' });
    const res = await sb.api(`/requests/${view.request.id}/check`, { method: 'POST' });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('does not exist yet');
  });
});

describe('the reply to a course with many problems', () => {
  it('lists the first 20, grouped by file, and counts the rest', () => {
    const problems: Problem[] = Array.from({ length: 23 }, (_, i) => ({ field: 'repo', message: `problem ${i}`, file: `vertical/u${i % 3}.xml`, line: i + 1 }));
    const html = problemsReply([{ field: 'term', message: 'bad term' }, ...problems]);
    expect(html.match(/<code>/g)).toHaveLength(3);
    expect(html).toContain('line 20: problem 19');
    expect(html).not.toContain('problem 20');
    expect(html).toContain('… and 3 more.');
    expect(html).toContain('<strong>Term</strong>: bad term');
    expect(html.indexOf('vertical/u0.xml')).toBeLessThan(html.indexOf('vertical/u1.xml'));
  });
});
