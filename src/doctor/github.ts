import { RequestError } from '@octokit/request-error';
import { z } from 'zod';
import type { Config } from '../config';
import { messageOf } from '../errors';
import type { Octokit } from '../integrations/github/octokit';
import { fail, ok, skip, type Check } from './check';

type GithubSettings = Pick<Config, 'ORC_GH_OAUTH2_TOKEN' | 'ORC_GH_APP_ID' | 'ORC_XML_ORG' | 'ORC_STUDIO_ORG' | 'ORC_XML_DEPLOY_TEAM' | 'ORC_STUDIO_DEPLOY_TEAM'>;

// https://docs.github.com/en/enterprise-cloud@latest/developers/apps/scopes-for-oauth-apps:
// `repo` covers repositories and their webhooks; teams need `admin:org` or `write:org`.
const NEEDED_SCOPES: Array<{ any: string[]; for: string }> = [
  { any: ['repo'], for: 'create private repositories and push to them' },
  { any: ['admin:org', 'write:org'], for: 'create teams and add their members' },
  { any: ['repo', 'admin:repo_hook', 'write:repo_hook'], for: 'create repository webhooks' },
];

// An installation's permissions, as the installation token answer lists them (names unconfirmed: docs/real-systems.md).
const NEEDED_PERMISSIONS: Array<{ name: string; for: string }> = [
  { name: 'administration', for: 'create repositories' },
  { name: 'contents', for: 'push course files' },
  { name: 'members', for: 'create teams and add their members' },
  { name: 'repository_hooks', for: 'create repository webhooks' },
];

const membershipSchema = z.object({ state: z.string(), role: z.string() });
const installationAuthSchema = z.object({ permissions: z.record(z.string(), z.string()).optional() });

const TOKEN = 'ORC_GH_OAUTH2_TOKEN';

function refusal(err: unknown): string {
  return err instanceof RequestError ? `${err.status} ${messageOf(err).split(' - ')[0]}` : messageOf(err);
}

/** Token (or App installation), its scopes or permissions, the service user's role in each org, the deploy teams. */
export async function githubChecks(octokit: Octokit, config: GithubSettings): Promise<Check[]> {
  const app = Boolean(config.ORC_GH_APP_ID);
  const checks: Check[] = [];
  const orgs = [...new Set([config.ORC_XML_ORG, config.ORC_STUDIO_ORG])];

  if (app) {
    let permissions: Record<string, string> = {};
    try {
      permissions = installationAuthSchema.parse(await octokit.auth({ type: 'installation' })).permissions ?? {};
    } catch (err) {
      return [fail('github app', `no installation token: ${refusal(err)}`, 'ORC_GH_APP_INSTALLATION_ID', 'check ORC_GH_APP_ID, ORC_GH_APP_PRIVATE_KEY and ORC_GH_APP_INSTALLATION_ID (the app must be installed on the orgs)')];
    }
    checks.push(ok('github app', 'installation token obtained'));
    const missing = NEEDED_PERMISSIONS.filter((p) => permissions[p.name] !== 'write' && permissions[p.name] !== 'admin');
    checks.push(
      missing.length === 0
        ? ok('github permissions', `installation may write ${NEEDED_PERMISSIONS.map((p) => p.name).join(', ')}`)
        : fail('github permissions', `installation lacks write on ${missing.map((p) => p.name).join(', ')}`, 'ORC_GH_APP_ID', `give the GitHub App write permission ${missing.map((p) => `${p.name} (to ${p.for})`).join(', ')}, then accept the new permissions on the installation`),
    );
    // An installation is not an org member: its permissions above are what counts.
    for (const org of orgs) checks.push(skip(`github org ${org}`, 'a GitHub App installation has no membership role; its permissions apply'));
  } else {
    let scopesHeader: string | undefined;
    let login: string;
    try {
      const user = await octokit.request('GET /user');
      login = z.object({ login: z.string() }).parse(user.data).login;
      scopesHeader = user.headers['x-oauth-scopes'];
    } catch (err) {
      return [fail('github token', `GET /user refused: ${refusal(err)}`, TOKEN, 'set ORC_GH_OAUTH2_TOKEN to a valid token of the service user (classic, with repo and admin:org scopes)')];
    }
    checks.push(ok('github token', `authenticates as ${login}`));
    if (scopesHeader === undefined) {
      // Fine-grained tokens send no x-oauth-scopes: their permissions cannot be read back.
      checks.push(skip('github scopes', 'the token lists no scopes (a fine-grained token?): its permissions cannot be checked; the org role below still is'));
    } else {
      const scopes = new Set(scopesHeader.split(',').map((s) => s.trim()).filter(Boolean));
      const missing = NEEDED_SCOPES.filter((n) => !n.any.some((s) => scopes.has(s)));
      checks.push(
        missing.length === 0
          ? ok('github scopes', `token scopes: ${[...scopes].join(', ')}`)
          : fail('github scopes', `token scopes: ${[...scopes].join(', ') || '(none)'}; missing ${missing.map((m) => m.any[0]).join(', ')}`, TOKEN, `give the token scope ${missing.map((m) => `${m.any[0]} (to ${m.for})`).join(', ')}, or set a token that has them`),
      );
    }
    for (const org of orgs) checks.push(await orgRole(octokit, org, login));
  }

  const teams = new Map([
    [`${config.ORC_XML_ORG}/${config.ORC_XML_DEPLOY_TEAM}`, 'ORC_XML_DEPLOY_TEAM'],
    [`${config.ORC_STUDIO_ORG}/${config.ORC_STUDIO_DEPLOY_TEAM}`, 'ORC_STUDIO_DEPLOY_TEAM'],
  ]);
  for (const [full, setting] of teams) checks.push(await deployTeam(octokit, full, setting));
  return checks;
}

/** `GET /user/memberships/orgs/{org}`: the token user's role; any refusal is a FAIL (docs/real-systems.md). */
async function orgRole(octokit: Octokit, org: string, login: string): Promise<Check> {
  const name = `github org ${org}`;
  try {
    const membership = membershipSchema.parse((await octokit.request('GET /user/memberships/orgs/{org}', { org })).data);
    if (membership.state === 'active' && membership.role === 'admin') return ok(name, `${login} is an owner (admin)`);
    return fail(name, `${login} is ${membership.state} ${membership.role}`, TOKEN, `make ${login} an owner of ${org} (the service creates its repositories and teams), or set a token of a user who is`);
  } catch (err) {
    return fail(name, `${login} is not a member (${refusal(err)})`, TOKEN, `make ${login} an owner of ${org}, or set ORC_XML_ORG / ORC_STUDIO_ORG to the right org`);
  }
}

async function deployTeam(octokit: Octokit, full: string, setting: string): Promise<Check> {
  const [org, slug] = full.split('/') as [string, string];
  const name = `github team ${full}`;
  try {
    await octokit.request('GET /orgs/{org}/teams/{team_slug}', { org, team_slug: slug });
    return ok(name, 'the deploy team exists');
  } catch (err) {
    return fail(name, `GET team refused: ${refusal(err)}`, setting, `create team ${slug} in ${org}, or set ${setting} to the slug of the existing deploy team`);
  }
}
