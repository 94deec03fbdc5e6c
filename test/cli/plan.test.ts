import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerPlanCommand } from '../../src/cli/plan';
import { parseConfig } from '../../src/config';
import { openSqlite } from '../../src/db/sqlite';
import { edxSites } from '../../src/instructions/sites';
import { assessDraft, unsavedRequest } from '../../src/requests/create';
import { createWorkflowResolver } from '../../src/workflows/index';
import type { FlowDeps } from '../../src/workflows/context';
import { captured } from './io';

const env = { ORC_GH_OAUTH2_TOKEN: 'ghp_plan_secret_token_123456', ORC_APP_SHARED_SECRET: 'plan-test-shared-secret-0123456789abcdef', ORC_GH_API_URL: 'https://github.test/api/v3/', ORC_STAGING_GITRELOAD: 'https://hook:stagingpass@gr.test/' };

/** The workflow's own step list for a draft, to compare the CLI's output with. */
async function workflowSteps(extraEnv: Record<string, string>, draft: Record<string, unknown>) {
  const config = parseConfig({ ...env, ...extraEnv, ORC_DATABASE: ':memory:' });
  const handle = openSqlite(':memory:');
  const flow = { config, db: handle.db, clock: Date.now, github: {}, edx: {}, sites: edxSites(config) } as unknown as FlowDeps; // the resolver only names steps; it calls no integration
  const a = await assessDraft({ config, externalProblems: async () => [] }, draft);
  const steps = createWorkflowResolver(flow)(unsavedRequest(a, 'x', Date.now()));
  handle.close();
  return steps.map((s) => ({ key: s.key, kind: s.kind }));
}

const branches: [string, Record<string, string>, string[], Record<string, unknown>][] = [
  ['new xml', {}, ['new', '--course', '8.01r', '--term', '2027_Spring', '--title', 'Physics', '--member', 'ada', 'grace'], { type: 'new', kind: 'xml', courseNumber: '8.01r', term: '2027_Spring', courseTitle: 'Physics', teamMembers: ['ada', 'grace'] }],
  ['new studio, edX APIs on', { ORC_EDX_API: 'all', ORC_EDX_CLIENT_ID: 'c', ORC_EDX_CLIENT_SECRET: 's', ORC_EDX_STUDIO_URL: 'https://studio.test', ORC_EDX_STAGING_URL: 'https://lms.test' }, ['new', '--kind', 'studio', '--course', '8.01r', '--term', '2027_Spring', '--title', 'Physics', '--member', 'ada'], { type: 'new', kind: 'studio', courseNumber: '8.01r', term: '2027_Spring', courseTitle: 'Physics', teamMembers: ['ada'] }],
  ['publish xml', {}, ['publish', '--course', '8.01r', '--term', '2026_Fall'], { type: 'publish', kind: 'xml', courseNumber: '8.01r', term: '2026_Fall' }],
  ['publish studio', {}, ['publish', '--kind', 'studio', '--course', '8.01r', '--term', '2026_Fall'], { type: 'publish', kind: 'studio', courseNumber: '8.01r', term: '2026_Fall' }],
  ['rerun xml', {}, ['rerun', '--course', '8.01r', '--term', '2026_Fall', '--new-term', '2027_Spring'], { type: 'rerun', kind: 'xml', courseNumber: '8.01r', term: '2026_Fall', newTerm: '2027_Spring' }],
  ['rerun studio', {}, ['rerun', '--kind', 'studio', '--course', '8.01r', '--term', '2026_Fall', '--new-term', '2027_Spring'], { type: 'rerun', kind: 'studio', courseNumber: '8.01r', term: '2026_Fall', newTerm: '2027_Spring' }],
];

describe('orcoursetrion plan', () => {
  it.each(branches)('%s: the steps are the workflow\'s, in order, auto or manual, with instructions for manual steps', async (_name, extraEnv, args, draft) => {
    const { io, cli, program, run } = captured({ ...env, ...extraEnv, ORC_DATABASE: join(mkdtempSync(join(tmpdir(), 'orc-plan-')), 'orc.db') });
    registerPlanCommand(program, cli);
    expect(await run(['plan', ...args, '--json'])).toBe(0);
    const view = JSON.parse(io.out);
    expect(view.steps.map((s: { key: string; kind: string }) => ({ key: s.key, kind: s.kind }))).toEqual(await workflowSteps(extraEnv, draft));
    for (const s of view.steps) if (s.kind === 'manual') expect(s.instructions.text.length).toBeGreaterThan(50);
    expect(view.links[0].url).toBe(`https://github.test/${view.plan.org}/${view.plan.repo}`);
    expect(io.out + io.err).not.toContain('stagingpass');
    // A preview reads no records: a team on the command line is used as given, none is left to intake.
    const team = Array.isArray(draft.teamMembers) ? `${draft.teamMembers.join(', ')} (from this request)` : expect.stringContaining("none given: intake carries the course's team forward");
    expect(view.team).toEqual(team);

    const text = captured({ ...env, ...extraEnv, ORC_DATABASE: ':memory:' });
    registerPlanCommand(text.program, text.cli);
    expect(await text.run(['plan', ...args])).toBe(0);
    expect(text.io.out.split('\n')[0]).toContain('Plan (nothing was changed)');
    for (const s of view.steps) expect(text.io.out).toContain(`${s.key}: ${s.title}`);
    expect(text.io.out).not.toMatch(/jenkins/i);
    expect(text.io.out).toContain(`  course team ${view.team}\n`);
  });

  it('needs no ORC_APP_SHARED_SECRET, GitHub token or edX credentials: it serves no sidebar and calls nothing', async () => {
    // Zendesk set and nothing else: not sandbox mode, where `serve` would demand all three.
    const bare = { ORC_ZENDESK_URL: 'https://acme.zendesk.test', ORC_ZENDESK_EMAIL: 'a@acme.test', ORC_ZENDESK_TOKEN: 'zd-token-0123456789', ORC_EDX_API: 'course_runs', ORC_DATABASE: ':memory:' };
    expect(() => parseConfig(bare)).toThrow(/ORC_APP_SHARED_SECRET.*ORC_GH_OAUTH2_TOKEN|ORC_GH_OAUTH2_TOKEN.*ORC_APP_SHARED_SECRET/s);
    const { io, cli, program, run } = captured(bare);
    registerPlanCommand(program, cli);
    expect(await run(['plan', 'publish', '--course', '8.01r', '--term', '2026_Fall'])).toBe(0);
    expect(io.err).toBe('');
    expect(io.out.split('\n')[0]).toContain('Plan (nothing was changed)');
  });

  it('names each bad option and exits 1; a missing type or both forms is a usage error (2)', async () => {
    const { io, cli, program, run } = captured({ ...env, ORC_DATABASE: ':memory:' });
    registerPlanCommand(program, cli);
    expect(await run(['plan', 'rerun', '--course', '8 01', '--term', 'Fall_2026', '--kind', 'video', '--member', 'bad_name!', '--start-date', '2027-13-45'])).toBe(1);
    for (const option of ['--course', '--term', '--new-term', '--kind', '--member', '--start-date']) expect(io.err).toContain(`orcoursetrion plan: ${option}: `);
    expect(io.err).toContain('2026_Fall');
    expect(io.out).toBe('');
    expect(await run(['plan'])).toBe(2);
    expect(await run(['plan', 'new', '--request', '3'])).toBe(2);
    expect(await run(['plan', 'move'])).toBe(2);
  });

  it('says which approval rule would approve the request, or that an agent decides', async () => {
    const rules = JSON.stringify({ rules: [{ name: 'studio publishes', when: { type: ['publish'], kind: ['studio'] } }] });
    const withRules = { ...env, ORC_APPROVAL_RULES: rules, ORC_DATABASE: ':memory:' };
    const approved = captured(withRules);
    registerPlanCommand(approved.program, approved.cli);
    expect(await approved.run(['plan', 'publish', '--kind', 'studio', '--course', '8.01r', '--term', '2026_Fall'])).toBe(0);
    expect(approved.io.out).toContain('Approval: the approval rule "studio publishes" would approve it');

    const waits = captured(withRules);
    registerPlanCommand(waits.program, waits.cli);
    expect(await waits.run(['plan', 'publish', '--course', '8.01r', '--term', '2026_Fall', '--json'])).toBe(0);
    expect(JSON.parse(waits.io.out).approval).toEqual({ rule: null });
  });
});
