import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { DEFAULT_GITRELOAD_BRANCHES } from '../config';
import { closerFor } from '../node-server-close';
import { createEdxSimulator, type EdxSimulator } from '../simulators/edx/simulator';
import type { GitImportRecord } from '../simulators/edx/simulator-gitreload';
import { createGithubSimulator, type GithubSimulator } from '../simulators/github/simulator';
import { createZendeskSimulator, type ZendeskSimulator } from '../simulators/zendesk/simulator';
import { SANDBOX_AGENT } from './agent';

/** Credentials the sandbox's clients use against its simulators (not secrets: loopback only). */
export const SANDBOX_CREDENTIALS = {
  githubToken: 'sandbox-github-token',
  zendeskEmail: 'orcoursetrion@sandbox.test',
  zendeskToken: 'sandbox-zendesk-token',
  edxClientId: 'sandbox-edx-client',
  edxClientSecret: 'sandbox-edx-secret',
  /** Both simulated LMSes' SYSADMIN_GITHUB_WEBHOOK_KEY, and so the service's ORC_GITRELOAD_SECRET. */
  gitreloadSecret: 'sandbox-gitreload-secret',
};

/** People the sandbox's GitHub knows, so a newcomer's first request validates. */
export const SANDBOX_USERS = ['ada', 'grace', 'alan', 'katherine', 'margaret', 'edsger'];

export interface SandboxSimulators {
  github: GithubSimulator;
  zendesk: ZendeskSimulator;
  edx: EdxSimulator;
  /** The production LMS (its edx-sysadmin hook and the courses it imported). */
  productionEdx: EdxSimulator;
  /** Environment overrides pointing the service's real clients at the simulators. */
  env: Record<string, string>;
  /** Called after every request that may change a simulator, before it is answered (the sandbox saves its world there). */
  afterChange(listener: () => Promise<void>): void;
  close(): Promise<void>;
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

async function listen(app: Pick<Hono, 'fetch'>, changed: () => Promise<void>): Promise<{ close: () => Promise<void>; url: string }> {
  const fetch = async (request: Request) => {
    const response = await app.fetch(request);
    if (!READS.has(request.method)) await changed();
    return response;
  };
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve({ close: closerFor(server), url: `http://127.0.0.1:${info.port}` }));
  });
}

/**
 * Starts the GitHub, Zendesk and edX simulators as real HTTP servers on loopback ports, so the
 * service's real Octokit, node-zendesk and axios code talks to them exactly as it would to the
 * real systems, from this process or another (the Worker, the crash tests).
 */
export async function startSimulators(
  options: { clock?: () => number; latencyMs?: number; gitreloadBranches?: { staging: string; production: string } } = {},
): Promise<SandboxSimulators> {
  const branches = options.gitreloadBranches ?? DEFAULT_GITRELOAD_BRANCHES;
  const github = createGithubSimulator({ tokens: { [SANDBOX_CREDENTIALS.githubToken]: 'orcoursetrion' }, latencyMs: options.latencyMs, now: options.clock });
  const zendesk = createZendeskSimulator({ email: SANDBOX_CREDENTIALS.zendeskEmail, token: SANDBOX_CREDENTIALS.zendeskToken, clock: options.clock });
  zendesk.seedUser({ ...SANDBOX_AGENT, role: 'agent' });
  // The same people have edX accounts (usernames as on GitHub): Studio refuses a team with anyone else.
  const edxOptions = { clientId: SANDBOX_CREDENTIALS.edxClientId, clientSecret: SANDBOX_CREDENTIALS.edxClientSecret, clock: options.clock, users: SANDBOX_USERS };
  const lmsHook = (defaultBranch: string, into: () => EdxSimulator) => ({
    webhookKey: SANDBOX_CREDENTIALS.gitreloadSecret,
    defaultBranch,
    onImport: (record: GitImportRecord) => importFromGithub(github, into(), record),
  });
  const edx: EdxSimulator = createEdxSimulator({ ...edxOptions, gitreload: lmsHook(branches.staging, () => edx) });
  // The production LMS is another installation: its own SYSADMIN_DEFAULT_BRANCH and its own courses.
  const productionEdx: EdxSimulator = createEdxSimulator({ ...edxOptions, gitreload: lmsHook(branches.production, () => productionEdx) });
  // Open edX runs on MySQL, whose default collation ignores case in usernames (not verified: see docs/real-systems.md).
  for (const lms of [edx, productionEdx]) lms.quirks.usernamesIgnoreCase = true;

  let listener = async () => {};
  const changed = () => listener();
  const [gh, zd, studio, lms, production] = await Promise.all([
    listen(github, changed),
    listen(zendesk, changed),
    listen(edx.studio, changed),
    listen(edx.lms, changed),
    listen(productionEdx.lms, changed),
  ]);
  return {
    github,
    zendesk,
    edx,
    productionEdx,
    afterChange(next) {
      listener = next;
    },
    env: {
      ORC_GH_API_URL: `${gh.url}/api/v3/`,
      ORC_GH_OAUTH2_TOKEN: SANDBOX_CREDENTIALS.githubToken,
      ORC_ZENDESK_URL: zd.url,
      ORC_ZENDESK_EMAIL: SANDBOX_CREDENTIALS.zendeskEmail,
      ORC_ZENDESK_TOKEN: SANDBOX_CREDENTIALS.zendeskToken,
      ORC_EDX_STUDIO_URL: studio.url,
      ORC_EDX_STAGING_URL: lms.url,
      ORC_EDX_PRODUCTION_URL: production.url,
      ORC_EDX_CLIENT_ID: SANDBOX_CREDENTIALS.edxClientId,
      ORC_EDX_CLIENT_SECRET: SANDBOX_CREDENTIALS.edxClientSecret,
      ORC_STAGING_GITRELOAD: `${lms.url}/sysadmin/api/gitreload/`,
      ORC_PRODUCTION_GITRELOAD: `${production.url}/sysadmin/api/gitreload/`,
      ORC_GITRELOAD_SECRET: SANDBOX_CREDENTIALS.gitreloadSecret,
      ORC_STAGING_GITRELOAD_BRANCH: branches.staging,
      ORC_PRODUCTION_GITRELOAD_BRANCH: branches.production,
    },
    async close() {
      await Promise.all([gh, zd, studio, lms, production].map((s) => s.close()));
    },
  };
}

/**
 * What `git_add_course` does on a real LMS: clone the pushed branch and import its course.xml,
 * after which the course exists in Studio. The simulated import is immediate.
 */
function importFromGithub(github: GithubSimulator, edx: EdxSimulator, record: GitImportRecord): void {
  const repo = /[:/]([^/:]+)\/([^/]+?)(?:\.git)?$/.exec(record.sshUrl);
  const courseXml = repo ? github.read.files(repo[1]!, repo[2]!, record.branch)?.['course.xml'] : undefined;
  const attr = (name: string) => (courseXml ? new RegExp(`${name}="([^"]+)"`).exec(courseXml)?.[1] : undefined);
  const [org, number, run] = [attr('org'), attr('course'), attr('url_name')];
  if (!org || !number || !run || edx.findRun(`course-v1:${org}+${number}+${run}`)) return;
  edx.addRun({ org, number, run, title: number });
}

/** The orgs, deploy teams and people a sandbox starts with. */
export function seedGithub(github: GithubSimulator, config: { ORC_XML_ORG: string; ORC_STUDIO_ORG: string; ORC_XML_DEPLOY_TEAM: string; ORC_STUDIO_DEPLOY_TEAM: string }): void {
  github.seed.user('orcoursetrion');
  for (const user of SANDBOX_USERS) github.seed.user(user);
  // The service user owns both orgs, as it must to create their repositories and teams.
  github.seed.org(config.ORC_XML_ORG, { admins: ['orcoursetrion'] }).org(config.ORC_STUDIO_ORG, { admins: ['orcoursetrion'] });
  github.seed.team(config.ORC_XML_ORG, config.ORC_XML_DEPLOY_TEAM, { permission: 'push' });
  github.seed.team(config.ORC_STUDIO_ORG, config.ORC_STUDIO_DEPLOY_TEAM, { permission: 'push' });
}

/** The simulators' settings without Zendesk: for runs whose requests have no tickets (CLI batches in tests and benches). */
export function withoutZendesk(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('ORC_ZENDESK_')));
}
