import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './sandbox';

/**
 * ORC_APPROVAL_RULES through the real service: tickets filed in the simulated Zendesk, taken in
 * through the signed webhook, and read back through the sidebar API.
 */

const RULES = {
  rules: [
    { name: 'physics staff', when: { type: ['new'], kind: ['xml'], requester: ['@physics.mit.test'] } },
    { name: 'listed lecturer', when: { type: ['new'], requester: ['Lecturer@mit.test'] } },
    { name: 'open learning organisation', when: { type: ['new'], organization: [501] } },
    { name: 'help desk group', when: { type: ['new'], group: [601] } },
    { name: 'same team rerun', when: { type: ['rerun'], sameTeamAsPrevious: true } },
    { name: 'clean publish', when: { type: ['publish'], qualityCheckPassed: true } },
    { name: 'physics any', when: { requester: ['@physics.mit.test'] } },
  ],
};

/** A course repo that passes the publish quality check. */
const courseRepoFiles = (course: string, run: string) => ({
  'course.xml': `<course url_name="${run}" org="MITx" course="${course}"/>\n`,
  [`course/${run}.xml`]: `<course display_name="Physics"><chapter display_name="Week 1"><sequential display_name="Intro"><vertical display_name="Welcome"><html display_name="Hello">Hello</html></vertical></sequential></chapter></course>\n`,
  'about/overview.html': '<section class="about"><p>Physics</p></section>\n',
  'static/images_course_image.jpg': 'JPEG',
});

const newCourse = (course: string, kind = 'xml', term = '2027_Spring') => ({ request_type: 'new', course_number: course, course_title: 'Physics', course_kind: kind, term, team_members: 'ada, grace', instructor: 'ada' });

// Each test files several tickets whose approved work runs meanwhile: room for a busy 2-core machine (every wait is for a state).
describe('approval rules (ORC_APPROVAL_RULES)', { timeout: 60_000 }, () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ ORC_EDX_API: 'all', ORC_APPROVAL_RULES: JSON.stringify(RULES) });
  });
  afterAll(async () => sb?.close());

  /** Files a ticket as `email` and waits until intake has left it pending approval or approved it. */
  async function file(email: string, fields: Record<string, string>) {
    const ticketId = sb.sims.zendesk.createTicketAsRequester({ email, fields });
    const view = await sb.until(`ticket from ${email} to be taken in`, async () => {
      const r = await sb.api(`/tickets/${ticketId}`);
      if (r.status !== 200 || r.body.request.status === 'waiting_on_requester') return undefined;
      // The plan note says whether a rule approves: only then is pending approval a passing state.
      const waitsForAgent = notes(ticketId).some((n) => n.includes('Course request is valid') && n.includes('Approve it with the'));
      return r.body.request.status !== 'pending_approval' || waitsForAgent ? r.body : undefined;
    });
    return { ticketId, view };
  }
  const notes = (ticketId: number) => sb.sims.zendesk.comments(ticketId).filter((c) => !c.public).map((c) => c.html_body);

  /** The request was approved by `rule`, recorded as its approver everywhere an agent looks. */
  async function expectApprovedBy(ticketId: number, view: any, rule: string) {
    expect(view.request.decision).toBe('approved');
    expect(view.request.decidedBy).toBe(`approval rule "${rule}"`);
    // The event is written just after the decision (requests/actions.ts approveRequest): a view read between the two lacks it.
    const approved = await sb.until(`the approval event of ${rule}`, async () => (await sb.api(`/tickets/${ticketId}`)).body.events.find((e: { action: string }) => e.action === 'approved'));
    expect(approved).toMatchObject({ actor: `rule:${rule}`, actorName: `approval rule "${rule}"`, detail: { via: 'approval rule' } });
    // The notes are owed to the ticket with the approval and posted by the engine just after.
    await sb.until(`the notes of the approval by ${rule}`, () =>
      notes(ticketId).some((n) => n.includes(`Approved by the approval rule ${rule}`)) && notes(ticketId).some((n) => n.includes(`The approval rule <strong>${rule}</strong> approves it`)) ? true : undefined,
    );
  }

  function expectWaitingForAgent(ticketId: number, view: any) {
    expect(view.request.status).toBe('pending_approval');
    expect(view.request.decision).toBeNull();
    expect(view.events.some((e: { action: string }) => e.action === 'approved')).toBe(false);
    expect(notes(ticketId).some((n) => n.includes('Approve it with the <strong>Approve course request</strong> macro'))).toBe(true);
  }

  it('approves by request type, course kind and requester domain, the first matching rule winning', async () => {
    const xml = await file('prof@physics.mit.test', newCourse('8.011'));
    await expectApprovedBy(xml.ticketId, xml.view, 'physics staff');
    // Studio does not match "physics staff" (kind xml); the later "physics any" does.
    const studio = await file('prof@physics.mit.test', newCourse('8.012', 'studio'));
    await expectApprovedBy(studio.ticketId, studio.view, 'physics any');
    // The domain is the whole domain, not a suffix: a subdomain or a look-alike waits.
    const other = await file('prof@chem.physics.mit.test', newCourse('8.013'));
    expectWaitingForAgent(other.ticketId, other.view);
  });

  it('approves a listed address (case aside) and nobody else at its domain', async () => {
    const listed = await file('lecturer@MIT.test', newCourse('8.021'));
    await expectApprovedBy(listed.ticketId, listed.view, 'listed lecturer');
    const colleague = await file('colleague@mit.test', newCourse('8.022'));
    expectWaitingForAgent(colleague.ticketId, colleague.view);
  });

  it('approves a requester in a Zendesk organisation or group, read through the Zendesk API', async () => {
    sb.sims.zendesk.addToOrganization('member@ol.test', 501);
    sb.sims.zendesk.addToOrganization('outsider@ol.test', 502);
    sb.sims.zendesk.addToGroup('agent@ol.test', 601);
    const member = await file('member@ol.test', newCourse('8.031'));
    await expectApprovedBy(member.ticketId, member.view, 'open learning organisation');
    const inGroup = await file('agent@ol.test', newCourse('8.032'));
    await expectApprovedBy(inGroup.ticketId, inGroup.view, 'help desk group');
    const outsider = await file('outsider@ol.test', newCourse('8.033'));
    expectWaitingForAgent(outsider.ticketId, outsider.view);
    const paths = sb.sims.zendesk.requests.map((r) => r.path);
    expect(paths.some((p) => /\/users\/\d+\/organization_memberships/.test(p))).toBe(true);
    expect(paths.some((p) => /\/users\/\d+\/group_memberships/.test(p))).toBe(true);
  });

  it('approves a rerun whose previous request completed with the same team; destructive steps still wait for an agent', async () => {
    const first = await file('someone@mit.test', newCourse('8.041'));
    expectWaitingForAgent(first.ticketId, first.view);
    expect((await sb.api(`/requests/${first.view.request.id}/approve`, { method: 'POST' })).status).toBe(200);
    await sb.followInstructions(first.ticketId);
    expect((await sb.api(`/requests/${first.view.request.id}`)).body.request.status).toBe('completed');

    const rerun = (newTerm: string, team: string) => ({ request_type: 'rerun', course_number: '8.041', course_title: 'Physics', course_kind: 'xml', term: '2027_Spring', new_term: newTerm, team_members: team, instructor: 'ada' });
    const same = await file('someone@mit.test', rerun('2027_Fall', 'Grace, ada'));
    await expectApprovedBy(same.ticketId, same.view, 'same team rerun');
    const waiting = await sb.until('the destructive step to wait for an agent', async () => {
      const r = await sb.api(`/tickets/${same.ticketId}`);
      return r.body.request.status === 'waiting_on_agent' ? r.body : undefined;
    });
    const step = waiting.steps.find((s: { status: string }) => s.status === 'waiting');
    expect(step).toMatchObject({ key: 'delete-production', kind: 'manual' });
    expect(step.instructions.destructive).toBe(true);
    const unconfirmed = await sb.api(`/requests/${same.view.request.id}/steps/delete-production/complete`, { body: {} });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.body.error.code).toBe('note_required');

    const changed = await file('someone@mit.test', rerun('2028_Spring', 'grace, alan'));
    expectWaitingForAgent(changed.ticketId, changed.view);
    // Naming nobody carries the same team forward, but is not the requester's word for it.
    const unnamed = await file('someone@mit.test', rerun('2029_Spring', ''));
    expect(unnamed.view.request.plan.teamSource).toMatchObject({ from: 'request', requestId: first.view.request.id });
    expectWaitingForAgent(unnamed.ticketId, unnamed.view);
  });

  it('approves a publish whose quality check passed', async () => {
    // No members on the form: the course's GitHub team is carried forward.
    sb.sims.github.seed.repo('mitx', 'content-mit-8051-2027_Spring', { files: courseRepoFiles('8.051', '2027_Spring') }).team('mitx', 'content-mit-8051-2027_Spring', { members: ['ada'] });
    const ok = await file('someone@mit.test', { request_type: 'publish', course_number: '8.051', course_kind: 'xml', term: '2027_Spring' });
    await expectApprovedBy(ok.ticketId, ok.view, 'clean publish');
  });
});
