import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import pkg from '../../package.json';
import { main } from '../../src/cli';
import { cleanCourse } from '../olx/fixtures';
import { githubEnv, PRODUCTION, TOKEN, useSimulator } from './setup';

const h = useSimulator();
let out = '';
let err = '';

beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  for (const [k, v] of Object.entries(githubEnv())) vi.stubEnv(k, v);
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  // Secrets never leave through any output.
  for (const secret of [TOKEN, 'stagingpass', 'prodpass']) {
    expect(out + err).not.toContain(secret);
  }
});

describe('orcoursetrion CLI', () => {
  it('create_xml_repo prints the 2015 first line and exits 0', async () => {
    const code = await main(['create_xml_repo', '-c', '8.01', '-t', '2027_Spring', '-m', 'alice', 'bob']);
    expect(code).toBe(0);
    expect(out).toBe('Newly created repository for XML course created at https://github.test/mitx/content-mit-801-2027_Spring\n');
    expect(h.sim.read.team('mitx', 'content-mit-801-2027_spring')?.members).toEqual(['alice', 'bob']);
  });

  it('put_team -r with an empty -m empties the team', async () => {
    h.sim.seed.team('mitx', 'graders', { members: ['carol'] });
    expect(await main(['put_team', '-o', 'mitx', '-g', 'graders', '--read_only', '-m'])).toBe(0);
    expect(out).toBe('Team successfully modified/created.\n');
    expect(h.sim.read.team('mitx', 'graders')?.members).toEqual([]);
  });

  it('--dry-run prints the plan and changes nothing', async () => {
    const before = h.sim.read.snapshot();
    expect(await main(['rerun_studio', '-c', '8.01', '-t', '2027_Spring', '-n', '2028_Spring', '--dry-run'])).toBe(0);
    expect(out.split('\n')[0]).toMatch(/^Dry run of rerun_studio/);
    expect(out).toContain('POST   /orgs/MITx-Studio2LMS/repos');
    expect(h.sim.stats.total()).toBe(0);
    expect(h.sim.read.snapshot()).toEqual(before);
  });

  it('--json prints the result as one JSON object', async () => {
    h.sim.seed.repo('mitx', 'content-mit-801-2027_Spring', { hooks: ['https://a.test/', 'https://b.test/'] });
    expect(await main(['rerun_xml', '-c', '8.01', '-t', '2027_Spring', '--json'])).toBe(0);
    expect(JSON.parse(out)).toEqual({ action: 'rerun_xml', ok: true, message: "Successfully removed 2 hooks from course's repository.", hooksRemoved: 2 });
  });

  it('a failure is one line naming what to fix, exit 1; --json reports it too', async () => {
    expect(await main(['release_xml', '-c', '8.01', '-t', '2031_Fall'])).toBe(1);
    expect(err).toBe('orcoursetrion release_xml: Repository mitx/content-mit-801-2031_Fall does not exist (or the token cannot see it); check the course number and term\n');
    out = '';
    expect(await main(['release_xml', '-c', '8.01', '-t', '2031_Fall', '--json'])).toBe(1);
    expect(JSON.parse(out)).toMatchObject({ ok: false, error: { type: 'RepoNotFound', transient: false } });
  });

  it('--verbose adds the stack trace', async () => {
    expect(await main(['release_xml', '-c', '8.01', '-t', '2031_Fall', '--verbose'])).toBe(1);
    expect(err.split('\n').length).toBeGreaterThan(3);
    expect(err).toContain('at ');
  });

  it('a missing token is a configuration error, exit 1, one line', async () => {
    vi.stubEnv('ORC_GH_OAUTH2_TOKEN', '');
    expect(await main(['release_xml', '-c', '8.01', '-t', '2027_Spring'])).toBe(1);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toContain('ORC_GH_OAUTH2_TOKEN');
  });

  it('usage errors exit 2', async () => {
    expect(await main(['rerun_studio', '-c', '8.01', '-t', '2027_Spring'])).toBe(2);
    expect(await main(['create_export_repo', '-c', '8.01 x', '-t', '2027_Spring'])).toBe(2);
    expect(h.sim.stats.total()).toBe(0);
  });

  it('--version prints the package version, exit 0', async () => {
    expect(await main(['--version'])).toBe(0);
    expect(out).toBe(`${pkg.version}\n`);
  });

  it('unknown flags, missing required flags and unknown commands are usage errors, exit 2', async () => {
    expect(await main(['release_xml', '-c', '8.01', '-t', '2027_Spring', '--no-such-flag'])).toBe(2);
    expect(await main(['release_xml', '-c', '8.01'])).toBe(2);
    expect(await main(['put_team', '-g', 'graders'])).toBe(2);
    expect(await main(['no_such_action'])).toBe(2);
    expect(err).toContain("unknown option '--no-such-flag'");
    expect(err).toContain("required option '-t, --term <term>' not specified");
    expect(h.sim.stats.total()).toBe(0);
  });

  it('--dry-run works without a token: the plan, then each setting the real run would stop on', async () => {
    vi.stubEnv('ORC_GH_OAUTH2_TOKEN', '');
    vi.stubEnv('ORC_STAGING_GITRELOAD', '');
    expect(await main(['create_xml_repo', '-c', '8.01', '-t', '2027_Spring', '-m', 'alice', '--dry-run'])).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe('Dry run of create_xml_repo: these GitHub API operations would be made; nothing was changed.');
    expect(lines).toContain('  POST   /orgs/mitx/repos  create private repository content-mit-801-2027_Spring (adopt it if it exists and holds only what this action adds)');
    expect(lines.filter((l) => l.startsWith('The real run would stop on: '))).toEqual([
      expect.stringContaining('The real run would stop on: ORC_GH_OAUTH2_TOKEN: required'),
      'The real run would stop on: ORC_STAGING_GITRELOAD: required by create_xml_repo; set it to the gitreload web hook URL',
    ]);
    expect(h.sim.stats.total()).toBe(0);
  });

  it('a dry run names the setting the real run stops on, in the real run\'s words; with every setting, nothing', async () => {
    vi.stubEnv('ORC_PRODUCTION_GITRELOAD', '');
    expect(await main(['release_xml', '-c', '8.01', '-t', '2027_Spring', '--dry-run', '--json'])).toBe(0);
    const dry = JSON.parse(out) as { wouldStopOn: string[]; plan: unknown[] };
    expect(dry.plan).toHaveLength(1);
    expect(dry.wouldStopOn).toEqual(['ORC_PRODUCTION_GITRELOAD: required by release_xml; set it to the gitreload web hook URL']);
    h.sim.seed.repo('mitx', 'content-mit-801-2027_Spring');
    expect(await main(['release_xml', '-c', '8.01', '-t', '2027_Spring'])).toBe(1);
    expect(err).toBe(`orcoursetrion release_xml: ${dry.wouldStopOn[0]}\n`);
    vi.stubEnv('ORC_PRODUCTION_GITRELOAD', PRODUCTION);
    out = '';
    expect(await main(['release_xml', '-c', '8.01', '-t', '2027_Spring', '--dry-run', '--json'])).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ dryRun: true, wouldStopOn: [] });
  });

  it('members may be separated by commas, spaces or both', async () => {
    h.sim.seed.team('mitx', 'graders', { members: ['orc-bot'] });
    expect(await main(['put_team', '-o', 'mitx', '-g', 'graders', '-m', 'alice,bob', 'carol'])).toBe(0);
    expect(h.sim.read.team('mitx', 'graders')?.members).toEqual(['alice', 'bob', 'carol']);
    expect(await main(['put_team', '-o', 'mitx', '-g', 'graders', '-m', 'carol, alice'])).toBe(0);
    expect(h.sim.read.team('mitx', 'graders')?.members).toEqual(['alice', 'carol']);
  });

  it('a repository already there is said so on the first line; the 2015 line is for a creation only', async () => {
    const args = ['create_xml_repo', '-c', '8.01', '-t', '2027_Spring', '-m', 'alice'];
    expect(await main(args)).toBe(0);
    expect(await main(args)).toBe(0);
    const url = 'https://github.test/mitx/content-mit-801-2027_Spring';
    expect(out.split('\n')).toEqual([
      `Newly created repository for XML course created at ${url}`,
      `Repository for XML course already there at ${url} (not created again); its teams and staging hook are in place`,
      '',
    ]);
    out = '';
    expect(await main(['create_export_repo', '-c', '8.01', '-t', '2027_Spring'])).toBe(0);
    expect(await main(['create_export_repo', '-c', '8.01', '-t', '2027_Spring'])).toBe(0);
    expect(out.split('\n')[1]).toBe('Repository for exports already there at https://github.test/MITx-Studio2LMS/content-mit-801-2027_Spring (not created again); its deploy team and files are in place');
  });

  it('--help exits 0', async () => {
    expect(await main(['create_xml_repo', '--help'])).toBe(0);
    expect(out).toContain('-g, --team <team>');
    expect(out).toContain('-m, --member [usernames...]');
  });
});

/** The course quality check on demand: GitHub settings only (nothing of Zendesk, edX or the database). */
describe('orcoursetrion check', () => {
  const REPO = 'content-mit-801r-2026_Fall';
  it('a clean course exits 0', async () => {
    h.sim.seed.repo('mitx', REPO, { files: cleanCourse() });
    expect(await main(['check', '--repo', `mitx/${REPO}`])).toBe(0);
    expect(out).toBe(`mitx/${REPO}@main: 0 blocking problems, 0 warnings; the course can be published\n`);
  });

  it('warnings are printed and still exit 0; the term comes from the repository name', async () => {
    h.sim.seed.repo('mitx', REPO, { files: { ...cleanCourse(), 'course/2026_Fall.xml': cleanCourse()['course/2026_Fall.xml']!.replace('2026-09-01', '2026-07-15') } });
    expect(await main(['check', '--repo', `mitx/${REPO}`])).toBe(0);
    expect(out).toContain('warning  course/2026_Fall.xml:1: the course start 2026-07-15 is not in or near 2026_Fall');
    expect(out).toContain('0 blocking problems, 1 warning; the course can be published');
  });

  it('a blocking problem exits 1, with file, line and fix', async () => {
    h.sim.seed.repo('mitx', REPO, { files: cleanCourse() });
    h.sim.seed.push('mitx', REPO, { 'problem/q1.xml': null });
    expect(await main(['check', '--repo', `mitx/${REPO}`])).toBe(1);
    expect(out.split('\n').slice(0, 2)).toEqual([
      'BLOCKING vertical/unit1.xml:3: <problem url_name="q1"> points to problem/q1.xml, which does not exist',
      '         fix: add problem/q1.xml, or correct the url_name',
    ]);
    expect(out).toContain('1 blocking problem, 0 warnings; the course cannot be published as it is');
  });

  it('--json prints the problems, --term and --branch choose what is checked', async () => {
    h.sim.seed.repo('mitx', REPO, { files: cleanCourse() });
    expect(await main(['check', '--repo', `mitx/${REPO}`, '--branch', 'main', '--term', '2027_Spring', '--json'])).toBe(0);
    const result = JSON.parse(out);
    expect(result).toMatchObject({ repo: `mitx/${REPO}`, branch: 'main', term: '2027_Spring', blocking: false });
    expect(result.problems.map((p: { severity: string; file: string }) => `${p.severity} ${p.file}`)).toEqual([
      'warning course/2026_Fall.xml',
      'warning course/2026_Fall.xml',
    ]);
    // Only the archive is read when the branch is given: no request per file.
    expect(h.sim.stats.requests.filter((r) => r.method === 'GET').map((r) => r.path.replace(/\/legacy.*$/, ''))).toEqual([`/repos/mitx/${REPO}/tarball/main`, `/_codeload/mitx/${REPO}`]);
  });

  it('a missing repository or branch exits 1 with one line', async () => {
    h.sim.seed.repo('mitx', REPO, { files: cleanCourse() });
    expect(await main(['check', '--repo', 'mitx/nope'])).toBe(1);
    expect(err).toMatch(/^orcoursetrion check: Repository mitx\/nope does not exist/);
    err = '';
    expect(await main(['check', '--repo', `mitx/${REPO}`, '--branch', 'draft'])).toBe(1);
    expect(err).toMatch(/^orcoursetrion check: Repository mitx\/content-mit-801r-2026_Fall@draft does not exist/);
  });

  it('usage errors exit 2', async () => {
    expect(await main(['check'])).toBe(2);
    expect(await main(['check', '--repo', 'no-slash'])).toBe(2);
    expect(await main(['check', '--repo', 'mitx/x', '--term', 'Fall_2026'])).toBe(2);
    expect(err).toContain('is not a term');
  });
});
