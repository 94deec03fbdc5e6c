import { sign } from 'hono/jwt';
import { describe, expect, it } from 'vitest';
import { parseGithubConfig } from '../../src/config';
import * as actions from '../../src/integrations/github/course-actions';
import { OrgRoleMissing } from '../../src/integrations/github/errors';
import { createGithubSimulator } from '../../src/simulators/github/simulator';
import { client, githubEnv, useSimulator } from './setup';

/**
 * Who may create repositories and teams in an organization, as GitHub decides it
 * (github/rest-api-description: repos/create-in-org, repos/create-using-template, teams/create),
 * and the product's answer when the token may not: a permanent failure naming the role to give.
 */

const API = 'https://api.github.com';

describe('the GitHub simulator: creating in an organization', () => {
  const sim = createGithubSimulator({ tokens: { owner: 'olga', member: 'mia', outsider: 'otto' }, apps: { '7': [70] }, installationPermissions: { contents: 'write', metadata: 'read' } });
  sim.seed.org('locked', { admins: ['olga'], members: ['mia'], membersCanCreateRepositories: false, membersCanCreateTeams: false }).org('open', { admins: ['olga'], members: ['mia'] });
  sim.seed.repo('open', 'template', { files: { 'README.md': 'x' }, isTemplate: true });
  const post = (token: string, path: string, body: Record<string, unknown>) =>
    sim.fetch(new Request(`${API}${path}`, { method: 'POST', headers: { authorization: `token ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }));
  let n = 0;
  const name = () => `made-${++n}`;

  it('lets an owner create repositories and teams whatever the member privileges', async () => {
    expect((await post('owner', '/orgs/locked/repos', { name: name() })).status).toBe(201);
    expect((await post('owner', '/orgs/locked/teams', { name: name() })).status).toBe(201);
  });

  it('lets a member create them only while the member privileges allow it', async () => {
    expect((await post('member', '/orgs/open/repos', { name: name() })).status).toBe(201);
    expect((await post('member', '/orgs/open/teams', { name: name() })).status).toBe(201);
    const repo = await post('member', '/orgs/locked/repos', { name: name() });
    expect(repo.status).toBe(403);
    expect(await repo.json()).toMatchObject({ message: 'You need admin access to the organization before adding a repository to it.' });
    expect((await post('member', '/orgs/locked/teams', { name: name() })).status).toBe(403);
    expect((await post('member', '/repos/open/template/generate', { owner: 'locked', name: name() })).status).toBe(403);
    expect(sim.read.repo('locked', `made-${n}`)).toBeUndefined();
  });

  it('refuses a user who is not in the organization, a template copy into it included', async () => {
    expect((await post('outsider', '/orgs/open/repos', { name: name() })).status).toBe(403);
    expect((await post('outsider', '/orgs/open/teams', { name: name() })).status).toBe(403);
    expect((await post('outsider', '/repos/open/template/generate', { owner: 'open', name: name() })).status).toBe(403);
  });

  it("refuses an App installation without the Administration (repositories) or Members (teams) permission", async () => {
    const now = Math.floor(Date.now() / 1000);
    const jwt = await sign({ iss: '7', iat: now, exp: now + 300 }, 'any-key');
    const minted = await post(jwt, '/app/installations/70/access_tokens', {});
    const { token } = (await minted.json()) as { token: string };
    for (const path of ['/orgs/open/repos', '/orgs/open/teams']) {
      const res = await post(token, path, { name: name() });
      expect(res.status, path).toBe(403);
      expect(await res.json()).toMatchObject({ message: 'Resource not accessible by integration' });
    }
  });
});

describe('the product when the token may not create in an organization', () => {
  const h = useSimulator();
  const settings = parseGithubConfig(githubEnv());
  const course = { course: '8.01r', term: '2027_Spring', members: ['alice'], description: 'Physics' };

  it('fails at once, naming the role the token needs, when it may not create the repository', async () => {
    h.sim.seed.org('mitx', { members: ['orc-bot'], membersCanCreateRepositories: false });
    const posts = () => h.sim.stats.requests.filter((r) => r.method === 'POST' && r.path === '/orgs/mitx/repos').length;
    const err = await actions.createXmlRepo(await client(), settings, course).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OrgRoleMissing);
    expect((err as Error).message).toMatch(/^GitHub refused to create repository mitx\/content-mit-801r-2027_Spring \(403\): You need admin access/);
    expect((err as Error).message).toContain('The user of ORC_GH_OAUTH2_TOKEN must be an owner of the mitx organization, or a member of it while its member privileges let members create repositories');
    expect((err as Error).message).toContain('needs the Administration permission');
    expect(posts()).toBe(1);
    expect(h.sim.read.repo('mitx', 'content-mit-801r-2027_Spring')).toBeUndefined();
  });

  it('fails naming the team permission when members may create repositories but not teams', async () => {
    h.sim.seed.org('mitx', { members: ['orc-bot'], membersCanCreateTeams: false });
    const err = await actions.createXmlRepo(await client(), settings, course).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OrgRoleMissing);
    expect((err as OrgRoleMissing).what).toBe('teams');
    expect((err as Error).message).toContain('let members create teams');
    expect((err as Error).message).toContain('needs the Members permission');
  });
});
