import { describe, expect, it } from 'vitest';
import { TransientError } from '../../src/errors';
import { RepoExists } from '../../src/integrations/github/errors';
import { client, useSimulator } from './setup';

const h = useSimulator();
const OLD = 'content-mit-801-2027_Spring';
const NEW = 'content-mit-801-2028_Spring';
const courseFiles = {
  'course.xml': '<course url_name="2027_Spring" org="MITx" course="8.01"/>\n',
  'course/2027_Spring.xml': '<course display_name="Physics"><chapter url_name="ch1"/></course>\n',
  'policies/2027_Spring/policy.json': '{"course/2027_Spring": {"start": "2027-02-01T00:00:00Z"}}\n',
  'policies/2027_Spring/grading_policy.json': '{"GRADER": []}\n',
  'about/overview.html': '<p>Physics</p>\n',
};

describe('copy without history and rewrite the course key', () => {
  it('makes a one-commit copy, then moves the run in one more commit; a rerun changes nothing', async () => {
    h.sim.seed.repo('mitx', OLD, { files: courseFiles });
    h.sim.seed.push('mitx', OLD, { 'about/overview.html': '<p>Physics, revised</p>\n' });
    const gh = await client();
    const run = async () => {
      const repo = await gh.copyRepoWithoutHistory({ sourceOwner: 'mitx', sourceRepo: OLD, owner: 'mitx', name: NEW });
      return gh.rewriteCourseKey({ owner: 'mitx', repo: NEW, branch: repo.defaultBranch, fromRun: '2027_Spring', toRun: '2028_Spring' });
    };
    expect(await run()).toMatchObject({ changed: true });
    const copy = h.sim.read.repo('mitx', NEW)!;
    expect(copy.commits).toBe(2);
    expect(copy.private).toBe(true);
    expect(copy.files).toEqual({
      'course.xml': '<course url_name="2028_Spring" org="MITx" course="8.01"/>\n',
      'course/2028_Spring.xml': courseFiles['course/2027_Spring.xml'],
      'policies/2028_Spring/policy.json': '{"course/2028_Spring": {"start": "2027-02-01T00:00:00Z"}}\n',
      'policies/2028_Spring/grading_policy.json': courseFiles['policies/2027_Spring/grading_policy.json'],
      'about/overview.html': '<p>Physics, revised</p>\n',
    });
    // The old run is untouched (apart from being usable as a template).
    expect(h.sim.read.repo('mitx', OLD)).toMatchObject({ commits: 2, isTemplate: true });
    const before = h.sim.read.snapshot();
    expect(await run()).toEqual({ changed: false });
    expect(h.sim.read.snapshot()).toEqual(before);
  });

  it('finishes the rewrite after a crash between creating the commit and moving the branch', async () => {
    h.sim.seed.repo('mitx', OLD, { files: courseFiles });
    const gh = await client();
    const repo = await gh.copyRepoWithoutHistory({ sourceOwner: 'mitx', sourceRepo: OLD, owner: 'mitx', name: NEW });
    const input = { owner: 'mitx', repo: NEW, branch: repo.defaultBranch, fromRun: '2027_Spring', toRun: '2028_Spring' };
    h.sim.fail({ method: 'PATCH', path: /\/git\/refs\//, status: 500, times: 10 });
    await expect(gh.rewriteCourseKey(input)).rejects.toBeInstanceOf(TransientError);
    expect(h.sim.read.files('mitx', NEW)?.['course.xml']).toContain('2027_Spring');
    h.sim.clearFaults();
    await gh.rewriteCourseKey(input);
    expect(h.sim.read.repo('mitx', NEW)).toMatchObject({ commits: 2 });
    expect(Object.keys(h.sim.read.files('mitx', NEW)!).sort()).toEqual(['about/overview.html', 'course.xml', 'course/2028_Spring.xml', 'policies/2028_Spring/grading_policy.json', 'policies/2028_Spring/policy.json']);
  });

  it('refuses to adopt a target that was not copied from the source', async () => {
    h.sim.seed.repo('mitx', OLD, { files: courseFiles }).repo('mitx', NEW, { files: { 'x.txt': 'x' } });
    const gh = await client();
    await expect(gh.copyRepoWithoutHistory({ sourceOwner: 'mitx', sourceRepo: OLD, owner: 'mitx', name: NEW })).rejects.toBeInstanceOf(RepoExists);
  });
});

describe('branches, reads and lookups', () => {
  it('creates a branch from the default branch once', async () => {
    h.sim.seed.repo('mitx', OLD, { files: courseFiles });
    const gh = await client();
    expect(await gh.ensureBranch('mitx', OLD, 'live', 'main')).toEqual({ created: true });
    h.sim.seed.push('mitx', OLD, { 'about/overview.html': 'new' });
    expect(await gh.ensureBranch('mitx', OLD, 'live', 'main')).toEqual({ created: false });
    const repo = h.sim.read.repo('mitx', OLD)!;
    expect(repo.branches.live).not.toBe(repo.branches.main);
    expect(h.sim.read.files('mitx', OLD, 'live')?.['about/overview.html']).toBe('<p>Physics</p>\n');
  });

  it('reads a tree and a file, and an empty repository as empty', async () => {
    h.sim.seed.repo('mitx', OLD, { files: courseFiles }).repo('mitx', 'empty');
    const gh = await client();
    const tree = await gh.readTree('mitx', OLD, 'main');
    expect(tree.filter((e) => e.type === 'blob').map((e) => e.path).sort()).toEqual(Object.keys(courseFiles).sort());
    expect(await gh.readFile('mitx', OLD, 'course.xml')).toBe(courseFiles['course.xml']);
    expect(await gh.readFile('mitx', OLD, 'missing.xml')).toBeUndefined();
    expect(await gh.readTree('mitx', 'empty', 'main')).toEqual([]);
  });

  it('validates users and teams for intake', async () => {
    const gh = await client();
    expect(await gh.missingUsers(['alice', 'ghost', 'bob', 'ghost'])).toEqual(['ghost']);
    expect(await gh.usersExist(['alice', 'bob'])).toBe(true);
    expect(await gh.teamExists('mitx', 'mitx-content-deployment')).toBe(true);
    expect(await gh.teamExists('mitx', 'nope')).toBe(false);
  });
});
