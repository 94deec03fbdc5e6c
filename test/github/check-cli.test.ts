import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli';
import { cleanCourse } from '../olx/fixtures';
import { githubEnv, TOKEN, useSimulator } from './setup';

const h = useSimulator();
const REPO = 'content-mit-801r-2026_Fall';
let out = '';
let err = '';

beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  // GitHub settings only: nothing of Zendesk, edX or the database.
  for (const [k, v] of Object.entries(githubEnv())) vi.stubEnv(k, v);
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  expect(out + err).not.toContain(TOKEN);
});

describe('orcoursetrion check', () => {
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
