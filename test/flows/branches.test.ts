import { afterEach, describe, expect, it } from 'vitest';
import { managedTitle } from '../../src/courses/request-fields';
import { courseRepoFiles, startSandbox, type Sandbox } from './sandbox';

const base = { course_number: '8.01r', course_title: 'Physics I', team_members: 'ada, grace', instructor: 'ada' };
const stepKeys = (view: { steps: { key: string }[] }) => view.steps.map((s) => s.key);
const publicReplies = (sb: Sandbox, ticketId: number) => sb.sims.zendesk.comments(ticketId).filter((c) => c.public).slice(1);

describe('flows and branches, end to end', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.close());

  it('new Studio course with every edX API: no agent action, course run with giturl, initial import, team', async () => {
    sb = await startSandbox({ ORC_EDX_API: 'all' });
    // The Instructor is a display name, never sent as an edX username: the team is the listed people.
    const { ticketId, pending } = await sb.fileAndApprove({ ...base, instructor: 'Gil Strang', request_type: 'new', course_kind: 'studio', term: '2027_Spring' });
    expect(stepKeys(pending)).toEqual(['create-repo', 'deploy-team', 'export-repo-files', 'create-studio-course', 'set-giturl', 'import-course', 'edx-course-team', 'update-ticket']);
    expect(pending.steps.every((s: { kind: string }) => s.kind === 'auto')).toBe(true);
    expect(await sb.followInstructions(ticketId)).toBe(0);

    const run = sb.sims.edx.findRun('course-v1:MITx+8.01r+2027_Spring');
    expect(run).toBeDefined();
    expect(run!.advanced.giturl).toBe(`git@127.0.0.1:MITx-Studio2LMS/content-mit-801r-2027_Spring.git`);
    expect(run!.team.map((m) => `${m.user}:${m.role}`).sort()).toEqual(['ada:staff', 'grace:staff']);
    expect(run!.imports).toHaveLength(1);
    const repo = sb.sims.github.read.repo('MITx-Studio2LMS', 'content-mit-801r-2027_Spring')!;
    expect(repo.files['.gitignore']).toContain('drafts/');
    expect(repo.files['course.xml']).toContain('url_name="2027_Spring"');
    expect(repo.teams).toEqual({ 'mitx-studio-export': 'push' });
    expect(sb.sims.zendesk.ticket(ticketId).status).toBe('solved');
  });

  it('new Studio course without edX APIs: four manual steps with instructions', async () => {
    sb = await startSandbox();
    const { ticketId, pending } = await sb.fileAndApprove({ ...base, request_type: 'new', course_kind: 'studio', term: '2027_Spring' });
    expect(pending.steps.filter((s: { kind: string }) => s.kind === 'manual').map((s: { key: string }) => s.key)).toEqual(['create-studio-course', 'set-giturl', 'import-course', 'edx-course-team']);
    expect(await sb.followInstructions(ticketId)).toBe(4);
    const notes = sb.sims.zendesk.comments(ticketId).filter((c) => !c.public).map((c) => c.html_body);
    expect(notes.filter((n) => n.includes('Your turn:'))).toHaveLength(4);
    expect(notes.some((n) => n.includes('/settings/advanced/course-v1:MITx+8.01r+2027_Spring'))).toBe(true);
  });

  it('new XML course with the edX git import API: the staging hook is called instead of an instruction', async () => {
    sb = await startSandbox({ ORC_EDX_API: 'git_import' });
    const { ticketId } = await sb.fileAndApprove({ ...base, request_type: 'new', course_kind: 'xml', term: '2027_Spring' });
    expect(await sb.followInstructions(ticketId)).toBe(1); // the course team (course_team API off)
    expect(sb.sims.edx.state.gitImports.map((g) => `${g.repoName}@${g.branch}`)).toEqual(['content-mit-801r-2027_Spring@main']);
  });

  it('new XML course whose staging LMS imports master: the repository defaults to master and master is imported', async () => {
    sb = await startSandbox({ ORC_EDX_API: 'git_import', ORC_STAGING_GITRELOAD_BRANCH: 'master' });
    const { ticketId } = await sb.fileAndApprove({ ...base, request_type: 'new', course_kind: 'xml', term: '2027_Spring' });
    expect(await sb.followInstructions(ticketId)).toBe(1);
    const repo = sb.sims.github.read.repo('mitx', 'content-mit-801r-2027_Spring')!;
    expect(repo.defaultBranch).toBe('master');
    expect(Object.keys(repo.branches)).toEqual(['master']);
    expect(sb.sims.edx.state.gitImports.map((g) => `${g.repoName}@${g.branch}`)).toEqual(['content-mit-801r-2027_Spring@master']);
  });

  const failedStep = async (ticketId: number, key: string) => {
    const view = await sb.until('the request to fail', async () => {
      const r = await sb.api(`/tickets/${ticketId}`);
      return r.body.request.status === 'failed' ? r.body : undefined;
    });
    return view.steps.find((s: { key: string }) => s.key === key);
  };

  it('an LMS that imports another branch than ORC_STAGING_GITRELOAD_BRANCH fails the import step, naming the setting', async () => {
    sb = await startSandbox({ ORC_EDX_API: 'git_import' });
    sb.sims.edx.gitreloadSettings.defaultBranch = 'release';
    const { ticketId } = await sb.fileAndApprove({ ...base, request_type: 'new', course_kind: 'xml', term: '2027_Spring' });
    const step = await failedStep(ticketId, 'staging-import');
    expect(step.status).toBe('failed');
    expect(step.error).toContain('set ORC_STAGING_GITRELOAD_BRANCH=release');
    expect(sb.sims.edx.state.gitImports).toEqual([]);
  });

  it('an LMS without SYSADMIN_GITHUB_WEBHOOK_KEY fails the import step, naming the settings on both sides', async () => {
    sb = await startSandbox({ ORC_EDX_API: 'git_import' });
    sb.sims.edx.gitreloadSettings.webhookKey = undefined;
    const { ticketId } = await sb.fileAndApprove({ ...base, request_type: 'new', course_kind: 'xml', term: '2027_Spring' });
    const step = await failedStep(ticketId, 'staging-import');
    expect(step.error).toContain('403');
    expect(step.error).toContain('set SYSADMIN_GITHUB_WEBHOOK_KEY on the staging LMS to the value of ORC_GITRELOAD_SECRET');
  });

  it('publish an XML course: quality check, production hook, live branch, production import', async () => {
    sb = await startSandbox({ ORC_EDX_API: 'git_import' });
    sb.sims.github.seed.repo('mitx', 'content-mit-801r-2026_Fall', { files: courseRepoFiles('2026_Fall') });
    const { ticketId, pending } = await sb.fileAndApprove({ ...base, request_type: 'publish', course_kind: 'xml', term: '2026_Fall' });
    expect(stepKeys(pending)).toEqual(['production-hook', 'live-branch', 'production-import', 'edx-course-team-production', 'update-ticket']);
    expect(await sb.followInstructions(ticketId)).toBe(1);
    const repo = sb.sims.github.read.repo('mitx', 'content-mit-801r-2026_Fall')!;
    expect(Object.keys(repo.branches).sort()).toEqual(['live', 'main']);
    expect(repo.hooks.map((h) => h.url)).toEqual([sb.service.config.ORC_PRODUCTION_GITRELOAD]);
    expect(sb.sims.productionEdx.state.gitImports.map((g) => `${g.repoName}@${g.branch}`)).toEqual(['content-mit-801r-2026_Fall@live']);
    expect(publicReplies(sb, ticketId)[0]!.html_body).toContain('/courses/course-v1:MITx+8.01r+2026_Fall/course/');
  });

  it('publish a Studio course: the export to git is always an agent step', async () => {
    sb = await startSandbox({ ORC_EDX_API: 'all' });
    sb.sims.github.seed.repo('MITx-Studio2LMS', 'content-mit-801r-2026_Fall', { files: courseRepoFiles('2026_Fall') });
    const { ticketId, pending } = await sb.fileAndApprove({ ...base, request_type: 'publish', course_kind: 'studio', term: '2026_Fall' });
    expect(stepKeys(pending)).toEqual(['production-hook', 'export-to-git', 'live-branch', 'production-import', 'edx-course-team-production', 'update-ticket']);
    sb.sims.edx.addRun({ org: 'MITx', number: '8.01r', run: '2026_Fall', title: 'Physics I' });
    expect(await sb.followInstructions(ticketId)).toBe(1);
  });

  it('publish answers a failed quality check with one public reply naming each thing to fix', async () => {
    sb = await startSandbox();
    const files = courseRepoFiles('2026_Fall');
    delete (files as Record<string, string>)['static/images_course_image.jpg'];
    sb.sims.github.seed.repo('mitx', 'content-mit-801r-2026_Fall', { files: { ...files, 'course.xml': '<course url_name="2026_Fall"' } });
    const { ticketId, view } = await sb.file({ ...base, request_type: 'publish', course_kind: 'xml', term: '2026_Fall' }, 'waiting_on_requester');
    // A broken course.xml hides the rest of the course (its run names the policy and the image).
    expect(view.request.problems.map((p: { field: string; file: string }) => `${p.field}:${p.file}`)).toEqual(['repo:course.xml']);
    const reply = await sb.until('the public reply', () => publicReplies(sb, ticketId)[0]);
    expect(reply!.html_body).toContain('<code>course.xml</code>');
    expect(reply!.html_body).toContain('is not well-formed XML');
    expect(sb.sims.zendesk.ticket(ticketId).status).toBe('pending');
  });

  it('rerun an XML course: unhook the old repo, delete old runs by hand, copy without history with the new key', async () => {
    sb = await startSandbox();
    sb.sims.github.seed.repo('mitx', 'content-mit-801r-2026_Fall', { files: courseRepoFiles('2026_Fall'), hooks: ['https://gr.example.edu/', 'https://gr-prod.example.edu/'] });
    const { ticketId, pending } = await sb.fileAndApprove({ ...base, request_type: 'rerun', course_kind: 'xml', term: '2026_Fall', new_term: '2027_Spring' });
    expect(stepKeys(pending)).toEqual(['remove-hooks', 'delete-production', 'delete-staging', 'copy-repo', 'change-course-key', 'default-branch', 'deploy-team', 'github-team', 'staging-hook', 'staging-import', 'edx-course-team', 'update-ticket']);
    expect(pending.steps.find((s: { key: string }) => s.key === 'delete-production').instructions.destructive).toBe(true);
    expect(await sb.followInstructions(ticketId)).toBe(4);

    const gh = sb.sims.github.read;
    expect(gh.repo('mitx', 'content-mit-801r-2026_Fall')!.hooks).toEqual([]);
    const copy = gh.repo('mitx', 'content-mit-801r-2027_Spring')!;
    expect(copy.commits).toBeLessThanOrEqual(2);
    expect(copy.files['course.xml']).toContain('url_name="2027_Spring"');
    expect(Object.keys(copy.files)).toEqual(expect.arrayContaining(['course/2027_Spring.xml', 'policies/2027_Spring/policy.json']));
    expect(Object.keys(copy.files).some((f) => f.includes('2026_Fall'))).toBe(false);
    expect(JSON.parse(copy.files['policies/2027_Spring/policy.json']!)).toHaveProperty(['course/2027_Spring']);
    expect(publicReplies(sb, ticketId).at(-1)!.html_body).toContain('residential team');
  });

  it('rerun a Studio course with the edX APIs: split rerun and giturl, old staging run deleted after the copy', async () => {
    sb = await startSandbox({ ORC_EDX_API: 'all' });
    sb.sims.github.seed.repo('MITx-Studio2LMS', 'content-mit-801r-2026_Fall', { files: courseRepoFiles('2026_Fall'), hooks: ['https://gr.example.edu/'] });
    sb.sims.edx.addRun({ org: 'MITx', number: '8.01r', run: '2026_Fall', title: 'Physics I' });
    const { ticketId, pending } = await sb.fileAndApprove({ ...base, request_type: 'rerun', course_kind: 'studio', term: '2026_Fall', new_term: '2027_Spring' });
    expect(stepKeys(pending)).toEqual(['remove-hooks', 'delete-production', 'export-old-run', 'create-repo', 'deploy-team', 'export-repo-files', 'split-rerun', 'set-giturl', 'delete-staging', 'update-ticket']);
    expect(await sb.followInstructions(ticketId)).toBe(3);
    const final = (await sb.api(`/tickets/${ticketId}`)).body;
    expect(final.steps.filter((s: { status: string }) => s.status !== 'done').map((s: { key: string; error: string }) => `${s.key}: ${s.error}`)).toEqual([]);
    const run = sb.sims.edx.findRun('course-v1:MITx+8.01r+2027_Spring')!;
    expect(run.advanced.giturl).toBe('git@127.0.0.1:MITx-Studio2LMS/content-mit-801r-2027_Spring.git');
    expect(sb.sims.github.read.repo('MITx-Studio2LMS', 'content-mit-801r-2027_Spring')!.files['.gitignore']).toContain('drafts/');
  });

  it('asks the requester to fix every bad field, then validates again when the ticket is edited', async () => {
    sb = await startSandbox();
    const { ticketId, view } = await sb.file({ request_type: 'new', course_number: '8 01', course_kind: 'xml', term: 'Spring_2027', team_members: 'ada, nobody-here' }, 'waiting_on_requester');
    expect(view.request.problems.map((p: { field: string }) => p.field).sort()).toEqual(['courseNumber', 'courseTitle', 'term']);
    const reply = await sb.until('the public reply', () => publicReplies(sb, ticketId)[0]);
    for (const label of ['Course number', 'Course title', 'Term', '2027_Spring']) expect(reply!.html_body).toContain(label);

    sb.sims.zendesk.editAsRequester(ticketId, { fields: { course_number: '8.01r', course_title: 'Physics', term: '2027_Spring' } });
    const again = await sb.until('the unknown user to be reported', async () => {
      const r = await sb.api(`/tickets/${ticketId}`);
      return r.body.request.problems.some((p: { field: string }) => p.field === 'teamMembers') ? r.body : undefined;
    });
    expect(again.request.problems).toEqual([{ field: 'teamMembers', message: expect.stringContaining('nobody-here') }]);

    sb.sims.zendesk.editAsRequester(ticketId, { fields: { team_members: 'ada, grace' } });
    await sb.until('the request to await approval', async () => ((await sb.api(`/tickets/${ticketId}`)).body.request.status === 'pending_approval' ? true : undefined));
    await sb.until('the plan note', () => (sb.sims.zendesk.comments(ticketId).some((c) => !c.public && c.html_body.includes('Course request is valid')) ? true : undefined));
    expect(publicReplies(sb, ticketId)).toHaveLength(2);
  });

  it('rejects only with a reason: without one an internal note asks for it, with one the requester is told and the ticket solved', async () => {
    sb = await startSandbox();
    const { ticketId } = await sb.file({ ...base, request_type: 'new', course_kind: 'xml', term: '2027_Spring' });
    const reject = managedTitle('Reject course request');
    sb.sims.zendesk.applyMacroAsAgent(ticketId, reject);
    await sb.until('the agent to be asked for a reason', () => (sb.sims.zendesk.comments(ticketId).some((c) => !c.public && c.html_body.includes('needs a reason')) ? true : undefined));
    expect((await sb.api(`/tickets/${ticketId}`)).body.request.status).toBe('pending_approval');

    sb.sims.zendesk.applyMacroAsAgent(ticketId, reject, { fields: { rejection_reason: 'Run it as 8.01 instead <b>please</b>' } });
    const view = await sb.until('the rejection', async () => {
      const r = await sb.api(`/tickets/${ticketId}`);
      return r.body.request.status === 'rejected' && r.body.steps[0]?.status === 'done' ? r.body : undefined;
    });
    expect(view.request).toMatchObject({ decision: 'rejected', reason: 'Run it as 8.01 instead <b>please</b>', decidedBy: 'Zendesk macro' });
    const reply = await sb.until('the rejection reply', () => publicReplies(sb, ticketId)[0]);
    expect(reply!.html_body).toContain('Run it as 8.01 instead &lt;b&gt;please&lt;/b&gt;');
    expect(sb.sims.zendesk.ticket(ticketId).status).toBe('solved');
    expect(sb.sims.github.read.repoNames('mitx')).toEqual([]);
  });

  it('holds an approved request with a start date until midnight that day where the team is, tells the requester, and an agent can run it now', async () => {
    sb = await startSandbox({ ORC_EDX_API: 'all', ORC_TIMEZONE: 'America/New_York' });
    const { ticketId } = await sb.fileAndApprove({ ...base, request_type: 'new', course_kind: 'studio', term: '2027_Spring', start_date: '2099-01-15' });
    const scheduled = await sb.until('the request to be scheduled', async () => {
      const r = await sb.api(`/tickets/${ticketId}`);
      return r.body.request.status === 'scheduled' ? r.body : undefined;
    });
    expect(scheduled.request.startAt).toBe('2099-01-15T05:00:00.000Z');
    expect(scheduled.steps.every((s: { status: string }) => s.status === 'pending' || s.status === 'skipped')).toBe(true);
    const note = await sb.until('the scheduled reply', () => publicReplies(sb, ticketId).find((c) => c.html_body.includes('scheduled to start')));
    expect(note.html_body).toContain('Thursday, January 15, 2099 at 12:00 AM EST');
    expect(sb.sims.github.read.repoNames('MITx-Studio2LMS')).toEqual([]);

    // A bare day from the API is that day in the team's zone too.
    const moved = await sb.api(`/requests/${scheduled.request.id}/reschedule`, { body: { startAt: '2099-02-01' } });
    expect(moved.body.request.startAt).toBe('2099-02-01T05:00:00.000Z');
    expect((await sb.api(`/requests/${scheduled.request.id}/run-now`, { body: {} })).status).toBe(200);
    expect(await sb.followInstructions(ticketId)).toBe(0);
    expect(sb.sims.github.read.repoNames('MITx-Studio2LMS')).toEqual(['content-mit-801r-2027_Spring']);
  });

  it('processes a redelivered or retried webhook invocation once: no second approval, comment or step', async () => {
    sb = await startSandbox({ ORC_EDX_API: 'all' });
    const { ticketId } = await sb.fileAndApprove({ ...base, request_type: 'new', course_kind: 'studio', term: '2027_Spring' });
    expect(await sb.followInstructions(ticketId)).toBe(0);
    // The last notes are posted from the outbox after the request ends, and the service's last
    // ticket update fires the "updated" trigger, whose delivery may still be in flight.
    await sb.until("the ticket's notes posted", () => (sb!.notesOwed(ticketId) === 0 ? true : undefined));
    await sb.sims.zendesk.idle();
    const before = { comments: sb.sims.zendesk.comments(ticketId).length, view: (await sb.api(`/tickets/${ticketId}`)).body };
    const invocations = sb.sims.zendesk.invocations();
    expect(invocations.length).toBeGreaterThan(1);
    expect(invocations.every((inv) => inv.attempts[0]?.status === 202)).toBe(true);
    for (const inv of invocations) {
      expect((await sb.sims.zendesk.redeliver(inv.id)).status).toBe(200); // acknowledged as a duplicate
      expect((await sb.sims.zendesk.retry(inv.id)).status).toBe(200); // new timestamp and signature, same invocation
    }
    await new Promise((r) => setTimeout(r, 500));
    const after = (await sb.api(`/tickets/${ticketId}`)).body;
    expect(sb.sims.zendesk.comments(ticketId)).toHaveLength(before.comments);
    expect(after.events).toEqual(before.view.events);
    expect(after.steps.map((s: { attempts: number }) => s.attempts)).toEqual(before.view.steps.map((s: { attempts: number }) => s.attempts));
  });

  it('runs a valid request without approval in automatic mode', async () => {
    sb = await startSandbox({ ORC_AUTO_APPROVE: 'true', ORC_EDX_API: 'all' });
    const ticketId = sb.sims.zendesk.createTicketAsRequester({ email: 'prof@mit.test', fields: { ...base, request_type: 'new', course_kind: 'studio', term: '2027_Spring' } });
    const view = await sb.until('completion', async () => {
      const r = await sb.api(`/tickets/${ticketId}`);
      return r.status === 200 && r.body.request.status === 'completed' ? r.body : undefined;
    });
    expect(view.events.find((e: { action: string }) => e.action === 'approved')).toMatchObject({ actor: 'rule:ORC_AUTO_APPROVE', actorName: 'approval rule "ORC_AUTO_APPROVE"', detail: { via: 'approval rule' } });
  });
});
