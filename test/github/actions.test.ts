import { describe, expect, it } from 'vitest';
import { parseGithubConfig } from '../../src/config';
import { TransientError } from '../../src/errors';
import * as actions from '../../src/integrations/github/course-actions';
import { RepoExists, RepoNotFound, TeamNotFound, UserNotFound } from '../../src/integrations/github/errors';
import { client, githubEnv, PRODUCTION, STAGING, useSimulator } from './setup';

const h = useSimulator();
const settings = parseGithubConfig(githubEnv());
const XML = 'mitx';
const STUDIO = 'MITx-Studio2LMS';
const course = { course: '8.01r', term: '2027_Spring' };
const REPO = 'content-mit-801r-2027_Spring';

describe('create_xml_repo', () => {
  it('creates the repo with deploy team, course team of exactly the members, and the staging hook', async () => {
    const result = await actions.createXmlRepo(await client(), settings, { ...course, members: ['alice', 'bob'], description: 'Physics' });
    expect(result.message).toBe(`Newly created repository for XML course created at https://github.test/mitx/${REPO}`);
    const repo = h.sim.read.repo(XML, REPO)!;
    expect(repo).toMatchObject({ private: true, description: 'Physics', commits: 0 });
    // Parity: a standalone gitreload hook is added as the 2015 tool did, form-encoded and unsigned.
    expect(repo.hooks).toEqual([{ url: STAGING, events: ['push'], active: true, contentType: 'form', signed: false }]);
    // The deploy team gets its own (pull) permission, the course team its push permission.
    expect(repo.teams).toEqual({ 'mitx-content-deployment': 'pull', 'content-mit-801r-2027_spring': 'push' });
    // The token's user, made maintainer by GitHub when it created the team, is removed.
    expect(h.sim.read.team(XML, 'content-mit-801r-2027_spring')).toMatchObject({ name: REPO, permission: 'push', privacy: 'secret', members: ['alice', 'bob'] });
  });

  it('an edx-sysadmin staging hook is added as JSON and signed with ORC_GITRELOAD_SECRET, which it reads and checks', async () => {
    const sysadmin = 'https://lms.test/sysadmin/api/gitreload/';
    const signed = parseGithubConfig(githubEnv({ ORC_STAGING_GITRELOAD: sysadmin, ORC_GITRELOAD_SECRET: 'hook-key' }));
    await actions.createXmlRepo(await client(), signed, course);
    expect(h.sim.read.repo(XML, REPO)!.hooks).toEqual([{ url: sysadmin, events: ['push'], active: true, contentType: 'json', signed: true }]);
  });

  it('replaces the membership of a named existing team and changes nothing when run again', async () => {
    h.sim.seed.team(XML, 'Physics Staff', { permission: 'push', members: ['carol', 'alice'] });
    const gh = await client();
    await actions.createXmlRepo(gh, settings, { ...course, team: 'Physics Staff', members: ['alice', 'bob'] });
    expect(h.sim.read.team(XML, 'physics-staff')?.members).toEqual(['alice', 'bob']);
    const before = h.sim.read.snapshot();
    h.sim.stats.reset();
    await actions.createXmlRepo(gh, settings, { ...course, team: 'Physics Staff', members: ['alice', 'bob'] });
    expect(h.sim.read.snapshot()).toEqual(before);
    expect(h.sim.stats.requests.filter((r) => r.path.includes('/memberships/'))).toEqual([]);
  });

  it('without members creates the team and leaves its membership alone', async () => {
    await actions.createXmlRepo(await client(), settings, course);
    expect(h.sim.read.team(XML, 'content-mit-801r-2027_spring')?.members).toEqual(['orc-bot']);
  });

  it('recovers from a crash between two operations: the rerun adopts the repo and finishes', async () => {
    // Every attempt to add a member fails (past Octokit's retries): the action stops midway.
    h.sim.fail({ method: 'PUT', path: /memberships\/bob$/, status: 502, times: 10 });
    await expect(actions.createXmlRepo(await client(), settings, { ...course, members: ['alice', 'bob'] })).rejects.toBeInstanceOf(TransientError);
    expect(h.sim.read.team(XML, 'content-mit-801r-2027_spring')?.members).toEqual(['alice']);
    h.sim.clearFaults();
    await actions.createXmlRepo(await client(), settings, { ...course, members: ['alice', 'bob'] });
    expect(h.sim.read.repo(XML, REPO)?.hooks).toHaveLength(1);
    expect(h.sim.read.repo(XML, REPO)?.teams['content-mit-801r-2027_spring']).toBe('push');
    expect(h.sim.read.team(XML, 'content-mit-801r-2027_spring')?.members).toEqual(['alice', 'bob']);
    expect(h.sim.read.teamNames(XML)).toEqual(['content-mit-801r-2027_Spring', 'mitx-content-deployment']);
  });

  it('refuses a name taken by a repository with foreign content', async () => {
    h.sim.seed.repo(XML, REPO, { files: { 'README.md': 'someone else' } });
    const err = await actions.createXmlRepo(await client(), settings, course).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RepoExists);
    expect((err as RepoExists).message).toContain(`mitx/${REPO}`);
    expect(h.sim.read.repo(XML, REPO)?.hooks).toEqual([]);
  });

  it('names a user that does not exist', async () => {
    const err = await actions.createXmlRepo(await client(), settings, { ...course, members: ['alice', 'nobody-here'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserNotFound);
    expect((err as UserNotFound).logins).toEqual(['nobody-here']);
  });

  it('fails before any request when ORC_STAGING_GITRELOAD is unset', async () => {
    const s = parseGithubConfig(githubEnv({ ORC_STAGING_GITRELOAD: '' }));
    await expect(actions.createXmlRepo(await client(), s, course)).rejects.toThrow(/ORC_STAGING_GITRELOAD/);
    expect(h.sim.stats.total()).toBe(0);
  });
});

describe('create_export_repo', () => {
  it('creates the export repo with the deploy team, .gitignore and course.xml as the 2015 tool', async () => {
    const r = await actions.createExportRepo(await client(), settings, { course: '6.002x', term: '2027_Fall' });
    expect(r.message).toBe('Newly created repository for exports created at https://github.test/MITx-Studio2LMS/content-mit-6002x-2027_Fall');
    const repo = h.sim.read.repo(STUDIO, 'content-mit-6002x-2027_Fall')!;
    expect(repo.files).toEqual({ '.gitignore': '\ndrafts/\n', 'course.xml': '<course url_name="2027_Fall" org="MITx" course="6.002x"/>\n' });
    expect(repo.commits).toBe(2);
    expect(repo.teams).toEqual({ 'mitx-studio-export': 'push' });
  });

  it('after a crash between the two files, a rerun adds the missing one and a third run changes nothing', async () => {
    h.sim.fail({ method: 'PUT', path: /contents\/course\.xml$/, status: 500, times: 10 });
    await expect(actions.createExportRepo(await client(), settings, course)).rejects.toBeInstanceOf(TransientError);
    const name = `content-mit-801r-${course.term}`;
    expect(Object.keys(h.sim.read.repo(STUDIO, name)!.files)).toEqual(['.gitignore']);
    h.sim.clearFaults();
    await actions.createExportRepo(await client(), settings, course);
    expect(Object.keys(h.sim.read.repo(STUDIO, name)!.files).sort()).toEqual(['.gitignore', 'course.xml']);
    const before = h.sim.read.snapshot();
    await actions.createExportRepo(await client(), settings, course);
    expect(h.sim.read.snapshot()).toEqual(before);
  });

  it('writes non-ASCII text as UTF-8', async () => {
    const gh = await client();
    h.sim.seed.repo(STUDIO, 'utf8');
    await gh.addFile({ owner: STUDIO, repo: 'utf8', path: 'about/overview.html', content: 'Física — 物理\n', message: 'm' });
    expect(h.sim.read.files(STUDIO, 'utf8')).toEqual({ 'about/overview.html': 'Física — 物理\n' });
    expect(await gh.addFile({ owner: STUDIO, repo: 'utf8', path: 'about/overview.html', content: 'Física — 物理\n', message: 'm' })).toEqual({ created: false });
  });
});

describe('rerun_studio', () => {
  it('removes the old hooks and creates the new export repo', async () => {
    h.sim.seed.repo(STUDIO, 'content-mit-801r-2027_Spring', { hooks: [PRODUCTION, STAGING] });
    const r = await actions.rerunStudio(await client(), settings, { ...course, newTerm: '2028_Spring' });
    expect(r.message).toBe('Web hooks removed from old repository and newly created repository for exports created at https://github.test/MITx-Studio2LMS/content-mit-801r-2028_Spring');
    expect(h.sim.read.repo(STUDIO, 'content-mit-801r-2027_Spring')?.hooks).toEqual([]);
    expect(h.sim.read.repo(STUDIO, 'content-mit-801r-2028_Spring')).toMatchObject({ files: { '.gitignore': '\ndrafts/\n' }, teams: { 'mitx-studio-export': 'push' } });
  });

  it('creates nothing when the old run does not exist', async () => {
    await expect(actions.rerunStudio(await client(), settings, { ...course, newTerm: '2028_Spring' })).rejects.toBeInstanceOf(RepoNotFound);
    expect(h.sim.read.repoNames(STUDIO)).toEqual([]);
  });
});

describe('release and rerun hooks', () => {
  it('release_xml and release_studio add the production hook in one request, and once only', async () => {
    h.sim.seed.repo(XML, REPO).repo(STUDIO, REPO);
    const gh = await client();
    expect((await actions.releaseXml(gh, settings, course)).message).toBe('Added production Web hooks to course');
    await actions.releaseStudio(gh, settings, course);
    expect(h.sim.stats.total()).toBe(2);
    await actions.releaseXml(gh, settings, course);
    expect(h.sim.read.repo(XML, REPO)?.hooks.map((x) => x.url)).toEqual([PRODUCTION]);
    expect(h.sim.read.repo(STUDIO, REPO)?.hooks.map((x) => x.url)).toEqual([PRODUCTION]);
  });

  it('rerun_xml removes every hook, and finds none the second time', async () => {
    h.sim.seed.repo(XML, REPO, { hooks: [STAGING, PRODUCTION] });
    const gh = await client();
    expect((await actions.rerunXml(gh, settings, course)).message).toBe("Successfully removed 2 hooks from course's repository.");
    expect(h.sim.read.repo(XML, REPO)?.hooks).toEqual([]);
    expect((await actions.rerunXml(gh, settings, course)).message).toBe("Successfully removed 0 hooks from course's repository.");
  });
});

describe('put_team', () => {
  it('creates a read-only team with exactly the members, then changes nothing', async () => {
    const gh = await client();
    const r = await actions.putTeam(gh, { org: XML, team: 'TAs 2027', readOnly: true, members: ['bob', 'carol'] });
    expect(r.message).toBe('Team successfully modified/created.');
    // Parity: the 2015 tool sent no privacy, so GitHub made the team secret.
    expect(h.sim.read.team(XML, 'tas-2027')).toMatchObject({ permission: 'pull', privacy: 'secret', members: ['bob', 'carol'] });
    const before = h.sim.read.snapshot();
    await actions.putTeam(gh, { org: XML, team: 'TAs 2027', readOnly: true, members: ['bob', 'carol'] });
    expect(h.sim.read.snapshot()).toEqual(before);
  });

  it('finds a team whose slug differs from the guess', async () => {
    h.sim.seed.team(XML, 'Odd--Name', { members: ['alice'] });
    await actions.putTeam(await client(), { org: XML, team: 'Odd--Name', readOnly: false, members: [] });
    expect(h.sim.read.teamNames(XML)).toEqual(['Odd--Name', 'mitx-content-deployment']);
    expect(h.sim.read.team(XML, 'odd-name')?.members).toEqual([]);
  });

  it('reads a course team\'s people: by name even under another slug, without the token\'s own user; undefined for no such team', async () => {
    const gh = await client();
    h.sim.seed.team(XML, 'Odd--Name', { members: ['alice', 'bob'] });
    expect(await gh.teamMembers(XML, 'Odd--Name')).toEqual({ name: 'Odd--Name', slug: 'odd-name', members: ['alice', 'bob'] });
    await actions.createXmlRepo(gh, settings, course); // a team made without members holds only its creator
    expect(h.sim.read.team(XML, 'content-mit-801r-2027_spring')?.members).toEqual(['orc-bot']);
    expect((await gh.teamMembers(XML, 'content-mit-801r-2027_Spring'))?.members).toEqual([]);
    expect(await gh.teamMembers(XML, 'no-such-team')).toBeUndefined();
  });

  it('changes a team by adds and removes (logins ignoring case), keeps the others, and changes nothing when run again', async () => {
    h.sim.seed.user('dave').team(XML, 'Course 8.07', { permission: 'push', members: ['alice', 'Bob', 'carol'] });
    const gh = await client();
    const change = { org: XML, name: 'Course 8.07', add: ['dave', 'ALICE'], remove: ['bob'] };
    expect(await gh.changeTeamMembers(change)).toMatchObject({ slug: 'course-8-07', created: false, added: ['dave'], removed: ['Bob'] });
    expect(h.sim.read.team(XML, 'course-8-07')?.members).toEqual(['alice', 'carol', 'dave']);
    const before = h.sim.read.snapshot();
    h.sim.stats.reset();
    expect(await gh.changeTeamMembers(change)).toMatchObject({ added: [], removed: [] });
    expect(h.sim.read.snapshot()).toEqual(before);
    expect(h.sim.stats.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('a team change never creates the team: a missing one is TeamNotFound, and an unknown login to add is UserNotFound', async () => {
    const gh = await client();
    await expect(gh.changeTeamMembers({ org: XML, name: 'No Such Team', add: ['alice'], remove: [] })).rejects.toBeInstanceOf(TeamNotFound);
    expect(h.sim.read.teamNames(XML)).toEqual(['mitx-content-deployment']);
    h.sim.seed.team(XML, 'Course 8.08', { members: ['alice'] });
    await expect(gh.changeTeamMembers({ org: XML, name: 'Course 8.08', add: ['nobody-known-here'], remove: [] })).rejects.toBeInstanceOf(UserNotFound);
  });

  it('reports a deploy team that does not exist', async () => {
    const s = parseGithubConfig(githubEnv({ ORC_STUDIO_DEPLOY_TEAM: 'no-such-team' }));
    await expect(actions.createExportRepo(await client(), s, course)).rejects.toBeInstanceOf(TeamNotFound);
  });
});
