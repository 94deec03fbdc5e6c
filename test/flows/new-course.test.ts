import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './sandbox';

describe('new course, end to end through signed webhooks', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.close());

  it('XML course with every edX step manual: repo, teams, scaffold, staging hook, instructions, final comment', async () => {
    sb = await startSandbox();
    const { ticketId, pending } = await sb.fileAndApprove({
      request_type: 'new', course_number: '8.01r', course_title: 'Physics I: <Classical> Mechanics', course_kind: 'xml', term: '2027_Spring',
      team_members: 'ada, grace', instructor: 'ada', description: 'Forces & motion', weeks: 14,
    });
    expect(pending.planned).toBe(true);
    expect(pending.steps.map((s: { key: string }) => s.key)).toEqual(['create-repo', 'deploy-team', 'github-team', 'scaffold-course', 'default-branch', 'staging-hook', 'staging-import', 'edx-course-team', 'update-ticket']);

    const actions = await sb.followInstructions(ticketId);
    expect(actions).toBe(2); // git import + course team: no edX API configured

    const { body } = await sb.api(`/tickets/${ticketId}`);
    expect(body.request).toMatchObject({ status: 'completed', courseKey: 'course-v1:MITx+8.01r+2027_Spring', repo: 'mitx/content-mit-801r-2027_Spring' });
    expect(body.steps.map((s: { status: string }) => s.status)).toEqual(['done', 'done', 'done', 'done', 'done', 'done', 'done', 'done', 'done']);

    const gh = sb.sims.github.read;
    const repo = gh.repo('mitx', 'content-mit-801r-2027_Spring');
    expect(repo).toBeDefined();
    expect(Object.keys(gh.files('mitx', 'content-mit-801r-2027_Spring')!).sort()).toEqual(['about/overview.html', 'course.xml', 'course/2027_Spring.xml', 'policies/2027_Spring/grading_policy.json', 'policies/2027_Spring/policy.json']);
    expect(gh.files('mitx', 'content-mit-801r-2027_Spring')!['about/overview.html']).toContain('Forces &amp; motion');
    expect(gh.team('mitx', 'content-mit-801r-2027_spring')?.members).toEqual(['ada', 'grace']);
    expect(repo!.teams).toEqual({ 'content-mit-801r-2027_spring': 'push', 'mitx-content-deployment': 'push' });
    // The sandbox's staging hook is edx-sysadmin: JSON and signed, or it would refuse every push.
    expect(repo!.hooks).toEqual([expect.objectContaining({ url: sb.service.config.ORC_STAGING_GITRELOAD, contentType: 'json', signed: true })]);

    const comments = sb.sims.zendesk.comments(ticketId);
    // Out of scope, Jenkins CI is in no plan and no note.
    expect(comments.map((c) => c.html_body).join('\n')).not.toMatch(/jenkins/i);
    const publicAfterRequest = comments.filter((c) => c.public).slice(1);
    expect(publicAfterRequest).toHaveLength(1);
    expect(publicAfterRequest[0]!.html_body).toContain('content-mit-801r-2027_Spring');
    expect(publicAfterRequest[0]!.html_body).toContain('Physics I: &lt;Classical&gt; Mechanics');
    expect(sb.sims.zendesk.ticket(ticketId).status).toBe('solved');
    const markers = comments.map((c) => /\[orc-marker [^\]]+\]/.exec(c.html_body)?.[0]).filter(Boolean);
    expect(new Set(markers).size).toBe(markers.length);
    expect(body.events.map((e: { action: string }) => e.action)).toEqual(['requested', 'approved', 'step_completed', 'step_completed']);
  });
});
