import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './sandbox';

/**
 * Every flow and branch of the diagrams (new/publish/rerun x XML/Studio x edX API on/off): each
 * finishes, with exactly the agent actions its branch needs. What each step did is asserted in
 * branches.test.ts; this table proves no combination is left out or stuck.
 */
const files = (run: string) => ({
  'course.xml': `<course url_name="${run}" org="MITx" course="6.0001"/>\n`,
  [`course/${run}.xml`]: '<course display_name="Python"/>\n',
  [`policies/${run}/policy.json`]: JSON.stringify({ [`course/${run}`]: { display_name: 'Python' } }),
  'about/overview.html': '<p>Python</p>\n',
  'static/images_course_image.jpg': 'JPEG',
});

const cases = [
  ['new', 'xml', '', 2],
  ['new', 'xml', 'all', 0],
  ['new', 'studio', '', 4],
  ['new', 'studio', 'all', 0],
  ['publish', 'xml', '', 2],
  ['publish', 'xml', 'all', 0],
  ['publish', 'studio', '', 3],
  ['publish', 'studio', 'all', 1],
  ['rerun', 'xml', '', 4],
  ['rerun', 'xml', 'all', 2],
  ['rerun', 'studio', '', 6],
  ['rerun', 'studio', 'all', 3],
] as const;

describe('flow x kind x edX API', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.close());

  it.each(cases)('%s %s course with ORC_EDX_API="%s" completes with %i agent actions', async (type, kind, api, actions) => {
    sb = await startSandbox({ ORC_EDX_API: api });
    const org = kind === 'xml' ? 'mitx' : 'MITx-Studio2LMS';
    if (type !== 'new') {
      sb.sims.github.seed.repo(org, 'content-mit-60001-2026_Fall', { files: files('2026_Fall'), hooks: ['https://gr.example.edu/'] });
      sb.sims.edx.addRun({ org: 'MITx', number: '6.0001', run: '2026_Fall', title: 'Python' });
    }
    const fields = { request_type: type, course_kind: kind, course_number: '6.0001', course_title: 'Python', term: '2026_Fall', team_members: 'ada, grace', instructor: 'ada', ...(type === 'rerun' ? { new_term: '2027_Spring' } : {}) };
    const { ticketId } = await sb.fileAndApprove(fields);
    expect(await sb.followInstructions(ticketId)).toBe(actions);
    const { body } = await sb.api(`/tickets/${ticketId}`);
    expect(body.request.status).toBe('completed');
    expect(body.steps.filter((s: { status: string }) => !['done', 'skipped'].includes(s.status))).toEqual([]);
    expect(body.steps.filter((s: { kind: string; status: string }) => s.kind === 'manual' && s.status === 'done')).toHaveLength(actions);
    expect(sb.sims.zendesk.ticket(ticketId).status).toBe('solved');
  });
});
