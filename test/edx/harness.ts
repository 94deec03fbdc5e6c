import { afterAll, beforeAll, beforeEach } from 'vitest';
import { parseConfig, type Config } from '../../src/config';
import { createLogger } from '../../src/log';
import { createEdxClient, type EdxClient, type EdxClientDeps } from '../../src/integrations/edx/client';
import { createEdxSimulator, type EdxSimulator, type EdxSimulatorOptions } from '../../src/simulators/edx/simulator';
import type { GitreloadOptions } from '../../src/simulators/edx/simulator-gitreload';
import { mountSimulators } from '../support/msw';

export const STUDIO = 'https://studio.test';
export const LMS = 'https://lms.test';
export const LMS_PROD = 'https://lms-prod.test';
export const GITRELOAD = 'https://gr.test';
export const CLIENT_SECRET = 'sim-secret-0123456789';
export const HOOK_SECRET = 'hook-secret-abcdef';

export const edxEnv = {
  ORC_SANDBOX: '1',
  ORC_EDX_STUDIO_URL: STUDIO,
  ORC_EDX_STAGING_URL: LMS,
  ORC_EDX_PRODUCTION_URL: LMS_PROD,
  ORC_EDX_CLIENT_ID: 'sim-client',
  ORC_EDX_CLIENT_SECRET: CLIENT_SECRET,
  ORC_EDX_API: 'all',
  ORC_STAGING_GITRELOAD: `${GITRELOAD}/`,
  ORC_PRODUCTION_GITRELOAD: `${LMS_PROD}/sysadmin/api/gitreload/`,
  ORC_GITRELOAD_SECRET: HOOK_SECRET,
  ORC_GH_API_URL: 'https://github.test/api/v3/',
};

export interface Harness {
  sim: EdxSimulator;
  /** The production LMS is a second installation, with its own state. */
  prod: EdxSimulator;
  client: EdxClient;
  config: Config;
  /** Log lines the client wrote (debug level), to check that no secret leaks. */
  logs: string[];
  /** The fake clock both sides read; the client's sleep advances it. */
  time: { now: number };
  /** Every sleep the client asked for (import polling). */
  sleeps: number[];
}

/**
 * A fresh simulator and client per test, mounted once per file through msw so the real axios
 * code runs. `h` is reassigned before each test; read it inside tests only.
 */
export function useEdx(
  options: { sim?: EdxSimulatorOptions; prodGitreload?: GitreloadOptions; client?: Partial<EdxClientDeps>; env?: Record<string, string> } = {},
): { readonly h: Harness } {
  const box: { h?: Harness } = {};
  const current = () => {
    if (!box.h) throw new Error('useEdx: no harness outside a test');
    return box.h;
  };
  let server: ReturnType<typeof mountSimulators>;
  beforeAll(() => {
    server = mountSimulators({
      [STUDIO]: { fetch: (r) => current().sim.studio.fetch(r) },
      [LMS]: { fetch: (r) => current().sim.lms.fetch(r) },
      [GITRELOAD]: { fetch: (r) => current().sim.gitreload.fetch(r) },
      [LMS_PROD]: { fetch: (r) => current().prod.lms.fetch(r) },
    });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    const logs: string[] = [];
    const sleeps: number[] = [];
    const time = { now: Date.parse('2027-01-10T12:00:00Z') };
    const clock = () => time.now;
    const config = parseConfig({ ...edxEnv, ...options.env });
    // Each LMS's edx-sysadmin imports the branch the service sends there by default.
    const simOptions = { clientSecret: CLIENT_SECRET, clock, gitreload: { webhookKey: HOOK_SECRET, defaultBranch: 'main' }, ...options.sim };
    box.h = {
      sim: createEdxSimulator(simOptions),
      prod: createEdxSimulator({ ...simOptions, gitreload: { ...simOptions.gitreload, defaultBranch: 'live', ...options.prodGitreload } }),
      client: createEdxClient({
        config,
        log: createLogger({ level: 'debug', write: (line) => logs.push(line) }),
        clock,
        sleep: async (ms) => {
          sleeps.push(ms);
          time.now += ms;
        },
        ...options.client,
      }),
      config,
      logs,
      time,
      sleeps,
    };
  });
  return {
    get h() {
      return current();
    },
  };
}
