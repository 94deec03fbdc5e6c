import { afterAll, afterEach } from 'vitest';
import { parseGithubConfig, type GithubConfig } from '../../src/config';
import { silentLogger } from '../../src/log';
import { createGithubClient } from '../../src/integrations/github/client';
import { createPacer } from '../../src/integrations/github/pacer';
import { createSequentialGithubClient } from '../../src/integrations/github/sequential-client';
import { createGithubSimulator, type GithubSimulator } from '../../src/simulators/github/simulator';
import { mountSimulators } from '../support/msw';

export const TOKEN = 'ghp_testtoken_0123456789abcdef';
export const GHES = 'https://github.test/api/v3/';
export const DOTCOM = 'https://api.github.com';
export const STAGING = 'https://hook:stagingpass@gr.example.test/';
export const PRODUCTION = 'https://hook:prodpass@gr-prod.example.test/';
/** Waits (retry backoff, Retry-After, the rate-limit minute) run 500x faster in tests. */
export const TIME_SCALE = 0.002;

export function githubEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ORC_GH_OAUTH2_TOKEN: TOKEN,
    ORC_GH_API_URL: GHES,
    ORC_XML_ORG: 'mitx',
    ORC_STUDIO_ORG: 'MITx-Studio2LMS',
    ORC_STAGING_GITRELOAD: STAGING,
    ORC_PRODUCTION_GITRELOAD: PRODUCTION,
    ...overrides,
  };
}

/** The orgs, deploy teams and users the 2015 tool expected to exist. */
export function seededSimulator(): GithubSimulator {
  const sim = createGithubSimulator({ tokens: { [TOKEN]: 'orc-bot' } });
  sim.seed.user('orc-bot').user('alice').user('bob').user('carol');
  sim.seed.org('mitx', { admins: ['orc-bot'] }).org('MITx-Studio2LMS', { admins: ['orc-bot'] });
  sim.seed.team('mitx', 'mitx-content-deployment', { permission: 'pull' });
  sim.seed.team('MITx-Studio2LMS', 'mitx-studio-export', { permission: 'push' });
  return sim;
}

/** A simulator served through msw at the given API base URL, closed after the file's tests. */
export function useSimulator(baseUrl = GHES) {
  const holder: { sim: GithubSimulator } = { sim: seededSimulator() };
  const origin = new URL(baseUrl);
  const mount = `${origin.origin}${origin.pathname.replace(/\/+$/, '')}`;
  const server = mountSimulators({ [mount]: { fetch: (req) => holder.sim.fetch(req) } });
  afterEach(() => {
    holder.sim = seededSimulator();
  });
  afterAll(() => server.close());
  return holder;
}

export function client(config: GithubConfig = parseGithubConfig(githubEnv()), pacerPerMinute?: number, timeScale = TIME_SCALE) {
  return createGithubClient({
    config,
    log: silentLogger,
    timeScale,
    pacer: pacerPerMinute ? createPacer({ perMinute: pacerPerMinute, timeScale }) : undefined,
  });
}

/** The CLI's client (one request at a time, no throttling) on the same settings and time scale. */
export function sequentialClient(config: GithubConfig = parseGithubConfig(githubEnv()), timeScale = TIME_SCALE) {
  return createSequentialGithubClient({ config, log: silentLogger, timeScale });
}
