import { generateKeyPairSync } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { parseGithubConfig } from '../../src/config';
import * as actions from '../../src/integrations/github/course-actions';
import { createGithubSimulator } from '../../src/simulators/github/simulator';
import { mountSimulators } from '../support/msw';
import { client, githubEnv, PRODUCTION, seededSimulator } from './setup';

// Three simulators at three base URLs, each a separate GitHub.
const ghes = seededSimulator();
const dotcom = seededSimulator();
const appSim = createGithubSimulator({ apps: { '4242': [77] } });
appSim.seed.org('mitx').repo('mitx', 'content-mit-801-2027_Spring');
const server = mountSimulators({
  'https://ghe.test/api/v3': ghes,
  'https://api.github.com': dotcom,
  'https://app.test/api/v3': appSim,
});
afterAll(() => server.close());

const course = { course: '8.01', term: '2027_Spring' };

describe('base URLs', () => {
  it.each(['https://ghe.test/api/v3/', 'https://ghe.test/api/v3'])('GitHub Enterprise Server at %s', async (url) => {
    const settings = parseGithubConfig(githubEnv({ ORC_GH_API_URL: url }));
    const r = await actions.createExportRepo(await client(settings), settings, { ...course, term: url.endsWith('/') ? 'A' : 'B' });
    expect(r.repo?.htmlUrl).toMatch(/^https:\/\/ghe\.test\/MITx-Studio2LMS\/content-mit-801-[AB]$/);
  });

  it('api.github.com', async () => {
    const settings = parseGithubConfig(githubEnv({ ORC_GH_API_URL: 'https://api.github.com' }));
    const r = await actions.createXmlRepo(await client(settings), settings, course);
    expect(r.message).toBe('Newly created repository for XML course created at https://github.com/mitx/content-mit-801-2027_Spring');
    expect(dotcom.read.repo('mitx', 'content-mit-801-2027_Spring')?.hooks).toHaveLength(1);
  });
});

describe('GitHub App installation auth', () => {
  it('gets an installation token and acts with it', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const settings = parseGithubConfig(
      githubEnv({ ORC_GH_OAUTH2_TOKEN: '', ORC_GH_API_URL: 'https://app.test/api/v3/', ORC_GH_APP_ID: '4242', ORC_GH_APP_PRIVATE_KEY: privateKey, ORC_GH_APP_INSTALLATION_ID: '77' }),
    );
    await actions.releaseXml(await client(settings), settings, course);
    expect(appSim.read.repo('mitx', 'content-mit-801-2027_Spring')?.hooks.map((x) => x.url)).toEqual([PRODUCTION]);
    expect(appSim.stats.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /app/installations/77/access_tokens 201',
      'POST /repos/mitx/content-mit-801-2027_Spring/hooks 201',
    ]);
  });
});
