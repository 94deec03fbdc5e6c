import { serve, type ServerType } from '@hono/node-server';
import { DEFAULT_GITRELOAD_BRANCHES } from '../../src/config';
import { createEdxSimulator, type EdxSimulator } from '../../src/simulators/edx/simulator';
import { createGithubSimulator, type GithubSimulator } from '../../src/simulators/github/simulator';
import { createZendeskSimulator, type ZendeskSimulator } from '../../src/simulators/zendesk/simulator';
import { AGENT } from './harness';
import { SANDBOX_CREDENTIALS, SANDBOX_USERS } from '../../src/sandbox/simulators';

/**
 * The three simulators on loopback ports, like src/sandbox/simulators.ts, but with the
 * credentials a test chooses (canary secrets) and an optional wrapper around each one's fetch
 * handler (fault injection). They live in the test process, so they outlive a killed service.
 */

export type Handler = (req: Request, env?: unknown) => Response | Promise<Response>;
export type SimulatorName = 'github' | 'zendesk' | 'studio' | 'lms' | 'production';

export interface Credentials {
  githubToken: string;
  zendeskEmail: string;
  zendeskToken: string;
  edxClientId: string;
  edxClientSecret: string;
  gitreloadSecret: string;
}

export interface SimulatorServers {
  github: GithubSimulator;
  zendesk: ZendeskSimulator;
  edx: EdxSimulator;
  /** The production LMS: another installation, with its own edx-sysadmin branch. */
  productionEdx: EdxSimulator;
  /** Settings pointing the service's real clients at the simulators. */
  env: Record<string, string>;
  close(): Promise<void>;
}

async function listen(handler: Handler): Promise<{ server: ServerType; url: string }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: handler, port: 0, hostname: '127.0.0.1' }, (info) => resolve({ server, url: `http://127.0.0.1:${info.port}` }));
  });
}

export async function startSimulatorServers(options: { credentials?: Partial<Credentials>; wrap?: (name: SimulatorName, handler: Handler) => Handler } = {}): Promise<SimulatorServers> {
  const creds: Credentials = { ...SANDBOX_CREDENTIALS, ...options.credentials };
  const wrap = options.wrap ?? ((_name, handler) => handler);
  const github = createGithubSimulator({ tokens: { [creds.githubToken]: 'orcoursetrion' } });
  const zendesk = createZendeskSimulator({ email: creds.zendeskEmail, token: creds.zendeskToken });
  // The agent whose tokens the tests send (agentToken): the service looks it up here.
  zendesk.seedUser({ ...AGENT, role: 'agent' });
  // Imports finish at the first status poll: the service polls every 5 s, too slow for CI.
  const lmsSimulator = (defaultBranch: string) =>
    createEdxSimulator({ importPolls: 0, clientId: creds.edxClientId, clientSecret: creds.edxClientSecret, gitreload: { webhookKey: creds.gitreloadSecret, defaultBranch } });
  const edx = lmsSimulator(DEFAULT_GITRELOAD_BRANCHES.staging);
  const productionEdx = lmsSimulator(DEFAULT_GITRELOAD_BRANCHES.production);

  const servers = await Promise.all([
    listen(wrap('github', (r) => github.fetch(r))),
    listen(wrap('zendesk', (r) => zendesk.fetch(r))),
    listen(wrap('studio', (r) => edx.studio.fetch(r))),
    listen(wrap('lms', (r) => edx.lms.fetch(r))),
    listen(wrap('production', (r) => productionEdx.lms.fetch(r))),
  ]);
  const [gh, zd, studio, lms, production] = servers;

  github.seed.user('orcoursetrion');
  for (const user of SANDBOX_USERS) github.seed.user(user);
  github.seed.org('mitx', { admins: ['orcoursetrion'] }).org('MITx-Studio2LMS', { admins: ['orcoursetrion'] });
  github.seed.team('mitx', 'mitx-content-deployment', { permission: 'push' });
  github.seed.team('MITx-Studio2LMS', 'mitx-studio-export', { permission: 'push' });

  return {
    github,
    zendesk,
    edx,
    productionEdx,
    env: {
      ORC_GH_API_URL: `${gh!.url}/api/v3/`,
      ORC_GH_OAUTH2_TOKEN: creds.githubToken,
      ORC_ZENDESK_URL: zd!.url,
      ORC_ZENDESK_EMAIL: creds.zendeskEmail,
      ORC_ZENDESK_TOKEN: creds.zendeskToken,
      ORC_EDX_STUDIO_URL: studio!.url,
      ORC_EDX_STAGING_URL: lms!.url,
      ORC_EDX_PRODUCTION_URL: production!.url,
      ORC_EDX_CLIENT_ID: creds.edxClientId,
      ORC_EDX_CLIENT_SECRET: creds.edxClientSecret,
      ORC_STAGING_GITRELOAD: `${lms!.url}/sysadmin/api/gitreload/`,
      ORC_PRODUCTION_GITRELOAD: `${production!.url}/sysadmin/api/gitreload/`,
      ORC_GITRELOAD_SECRET: creds.gitreloadSecret,
    },
    async close() {
      await Promise.all(
        servers.map(({ server }) => new Promise<void>((r) => {
          // Fault-injected stalls hold sockets open; do not wait for them.
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          server.close(() => r());
        })),
      );
    },
  };
}
