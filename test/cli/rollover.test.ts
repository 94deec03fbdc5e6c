import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerRolloverCommand } from '../../src/cli/rollover';
import { parseConfig } from '../../src/config';
import { createPacer } from '../../src/integrations/github/pacer';
import { seedGithub, startSimulators, withoutZendesk, type SandboxSimulators } from '../../src/sandbox/simulators';
import { runRolloverScenario } from '../../bench/rollover/scenario';
import { captured } from './io';
import { openSqlite } from '../../src/db/sqlite';
import { requests } from '../../src/db/schema';

const TIME_SCALE = 0.01;

describe('rollover at scale', () => {
  it('reruns 50 courses under a secondary limit of 80 writes a (scaled) minute with zero failures', async () => {
    const f = await runRolloverScenario({ courses: 50, limitPerMinute: 80, timeScale: TIME_SCALE, concurrency: 32, pacerPerMinute: 78 });
    process.stdout.write(
      `rollover of 50 courses: ${(f.elapsedMs / 1000).toFixed(2)} s against the limit's minimum of ${(f.minimumMs / 1000).toFixed(2)} s ` +
        `(${f.contentCreating} content-creating requests at 80 a ${60 * TIME_SCALE} s minute): ${f.ratio.toFixed(2)}x; 403s waited out: ${f.secondaryLimited}\n`,
    );
    expect(f.failures).toEqual([]);
    expect(f).toMatchObject({ courses: 50, completed: 50, source: 'github', agentActions: 150 });
    // Time is a bench figure, not an assertion; the limit is: never more than the pace allows.
    expect(f.elapsedMs).toBeGreaterThanOrEqual(((f.contentCreating - 80) / 80) * 60_000 * TIME_SCALE);
    // A bound for a hung run, not a time goal (bench/rollover measures time).
  }, 180_000);
});

describe('orcoursetrion rollover', () => {
  let sims: SandboxSimulators;
  let env: Record<string, string>;
  beforeAll(async () => {
    sims = await startSimulators();
    env = { ...withoutZendesk(sims.env), ORC_SANDBOX: '0', ORC_APP_SHARED_SECRET: 'rollover-cli-shared-secret-0123456789abcdef', ORC_DATABASE: join(mkdtempSync(join(tmpdir(), 'orc-rollover-cli-')), 'orc.db') };
    const config = parseConfig(env);
    seedGithub(sims.github, config);
    for (const course of ['18.01', '18.02', '18.03']) {
      sims.github.seed.repo('mitx', `content-mit-${course.replace('.', '')}-2026_Fall`, { files: { 'course.xml': `<course url_name="2026_Fall" org="MITx" course="${course}"/>\n` }, hooks: ['https://gr.test/'] });
      // No records of these courses: each rerun carries its team forward from GitHub.
      sims.github.seed.team('mitx', `content-mit-${course.replace('.', '')}-2026_Fall`, { members: ['ada', 'grace'] });
    }
  });
  afterAll(() => sims.close());

  const cli = () => {
    const c = captured(env);
    registerRolloverCommand(c.program, c.cli, { pacer: createPacer({ timeScale: TIME_SCALE }), timeScale: TIME_SCALE, pollMs: 20 });
    return c;
  };

  it('--dry-run finds last term\'s repos on GitHub, validates each course and changes nothing', async () => {
    const { io, run } = cli();
    const before = sims.github.read.snapshot();
    expect(await run(['rollover', '--from', '2026_Fall', '--to', '2027_Spring', '--all', '--dry-run'])).toBe(0);
    expect(io.err).toContain('3 courses from our records have no run in 2026_Fall, so every repository named');
    expect(io.out).toMatch(/^Dry run: nothing was changed\. Rollover 2026_Fall -> 2027_Spring: 3 courses/);
    expect(io.out).toContain('18.02   mitx/content-mit-1802-2027_Spring  dry run');
    expect(sims.github.read.snapshot()).toEqual(before);
  });

  it('runs the batch until every rerun waits for an agent, with progress lines and a summary table; a second run picks the requests up', async () => {
    const { io, run } = cli();
    expect(await run(['rollover', '--from', '2026_Fall', '--to', '2027_Spring', '--course', '18.01', '18.02', '9.99', '--json'])).toBe(1);
    const summary = JSON.parse(io.out);
    expect(summary.source).toBe('named');
    const byCourse = Object.fromEntries(summary.courses.map((c: { course: string }) => [c.course, c]));
    expect(byCourse['18.01']).toMatchObject({ status: 'waiting_on_agent', waiting: { step: 'delete-production', manualAfter: 3 }, error: null });
    expect(byCourse['9.99']).toMatchObject({ status: 'not created', error: expect.stringContaining('--term: there is no repository mitx/content-mit-999-2026_Fall') });
    expect(io.err).toMatch(/rollover: 2\/2 requests settled/);
    expect(sims.github.read.repo('mitx', 'content-mit-1801-2026_Fall')!.hooks).toEqual([]);

    const again = cli();
    expect(await again.run(['rollover', '--from', '2026_Fall', '--to', '2027_Spring', '--course', '18.01'])).toBe(0);
    expect(again.io.out).toContain('waiting_on_agent  delete-production (+3 more)');
  });

  it('--all never guesses a number: records, course.xml, then edX by exact key, for XML and Studio repos; a repo whose number is unknown is skipped with its reason', async () => {
    const [from, to] = ['2025_Spring', '2025_Fall'];
    const seed = (org: string, number: string, files: Record<string, string>) => {
      const repo = `content-mit-${number.replace('.', '')}-${from}`;
      sims.github.seed.repo(org, repo, { files }).team(org, repo, { members: ['ada'] });
    };
    seed('mitx', '18.06', { 'course.xml': `<course url_name="${from}" org="MITx" course="18.06"/>\n` });
    seed('MITx-Studio2LMS', '18.10', { '.gitignore': 'drafts/\n' }); // never exported: its number is on edX only
    sims.edx.addRun({ org: 'MITx', number: '18.10', run: from, title: 'Linear Algebra' });
    seed('MITx-Studio2LMS', '18.20', { '.gitignore': 'drafts/\n' }); // its number is in our records
    const handle = openSqlite(env.ORC_DATABASE!);
    await handle.db.insert(requests).values({ type: 'new', kind: 'studio', status: 'completed', courseNumber: '18.20', term: from, repo: `MITx-Studio2LMS/content-mit-1820-${from}`, params: {}, requestedAt: 1, updatedAt: 1 });
    handle.close();
    seed('mitx', '9.99', { 'course.xml': `<course url_name="${from}" org="MITx"/>\n` }); // nowhere: 999, 9.99 or 99.9?

    const { io, run } = cli();
    const withRuns = { ...env, ORC_EDX_API: 'course_runs' };
    const c = captured(withRuns);
    registerRolloverCommand(c.program, c.cli, { pacer: createPacer({ timeScale: TIME_SCALE }), timeScale: TIME_SCALE, pollMs: 20 });
    expect(await c.run(['rollover', '--from', from, '--to', to, '--all', '--dry-run', '--json'])).toBe(1);
    const summary = JSON.parse(c.io.out);
    expect(summary.courses.map((r: { course: string; courseKey: string; error: string | null }) => `${r.course} ${r.courseKey} ${r.error}`)).toEqual([
      `18.06 course-v1:MITx+18.06+${to} null`,
      `18.10 course-v1:MITx+18.10+${to} null`,
      `18.20 course-v1:MITx+18.20+${to} null`,
    ]);
    expect(summary.skipped).toEqual([{ repo: `mitx/content-mit-999-${from}`, reason: expect.stringContaining('course number not established: its course.xml names no course') }]);
    expect(summary.skipped[0].reason).toContain(`no edX run of ${from} matches its name; rerun it with --course NUMBER`);

    // Without the edX course runs API the Studio repo with no course.xml cannot be numbered either; the text summary says why.
    expect(await run(['rollover', '--from', from, '--to', to, '--all', '--dry-run'])).toBe(1);
    expect(io.out).toContain(`Skipped 2 repositories:\n  mitx/content-mit-999-${from}: course number not established`);
    expect(io.out).toContain(`  MITx-Studio2LMS/content-mit-1810-${from}: course number not established: it has no course.xml`);
    expect(io.out).toContain('the edX course runs API is off (ORC_EDX_API)');
    expect(io.out).toMatch(/^18\.06 +mitx\/content-mit-1806-2025_Fall +dry run/m);
    expect(io.out).toMatch(/^18\.20 +MITx-Studio2LMS\/content-mit-1820-2025_Fall +dry run/m);
  });

  it('usage errors exit 2 with one line', async () => {
    const { io, run } = cli();
    expect(await run(['rollover', '--from', '2026_Fall', '--to', '2027_Spring'])).toBe(2);
    expect(io.err).toBe('orcoursetrion rollover: give either --course with course numbers or --all\n');
    expect(await run(['rollover', '--from', 'Fall_2026', '--to', '2027_Spring', '--all'])).toBe(2);
    expect(await run(['rollover', '--from', '2026_Fall', '--to', '2027_Spring', '--all', '--concurrency', '0'])).toBe(2);
  });
});
