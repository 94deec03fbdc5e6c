import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, parseGithubConfig } from '../../src/config';
import { createLogger } from '../../src/log';

// As `openssl rand -hex 32` makes one.
const REAL_SECRET = '5f0c2a9e7b31d84c6a0e9f27b5d3c18e4a7f2b90c6d1e83f5a2b7c9d0e4f6a13';

const problemsOf = (env: Record<string, string>) => {
  try {
    parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
  }
  throw new Error('expected a ConfigError');
};

describe('config', () => {
  it('is sandbox with nothing set, with the original defaults', () => {
    const c = parseConfig({});
    expect(c.sandbox).toBe(true);
    expect(c).toMatchObject({
      ORC_GH_API_URL: 'https://github.mit.edu/api/v3/',
      ORC_COURSE_PREFIX: 'content-mit',
      ORC_STUDIO_ORG: 'MITx-Studio2LMS',
      ORC_STUDIO_DEPLOY_TEAM: 'mitx-studio-export',
      ORC_XML_ORG: 'mitx',
      ORC_XML_DEPLOY_TEAM: 'mitx-content-deployment',
      ORC_DATABASE: './data/orcoursetrion.db',
      PORT: 8787,
      ORC_AUTO_APPROVE: false,
      ORC_EDX_ORG: 'MITx',
      ORC_TIMEZONE: 'UTC',
      publicUrl: 'http://localhost:8787',
    });
    expect([...c.edx.api]).toEqual([]);
  });

  it('lists every problem in one message, naming each setting and the fix, without echoing secrets', () => {
    const err = problemsOf({
      ORC_GH_OAUTH2_TOKEN: 'ghp_supersecretvalue',
      ORC_ZENDESK_URL: 'acme',
      ORC_ZENDESK_TOKEN: 'zd-secret-token-value',
      ORC_APP_SHARED_SECRET: 'short-secret-value',
      ORC_EDX_API: 'course_runs,frobnicate',
      PORT: 'eighty',
      ORC_AUTO_APPROVE: 'maybe',
      ORC_GH_APP_ID: '12',
      ORC_TIMEZONE: 'Boston',
    });
    const lines = err.problems.join('\n');
    for (const key of ['ORC_ZENDESK_URL', 'ORC_APP_SHARED_SECRET', 'ORC_EDX_API', 'PORT', 'ORC_AUTO_APPROVE', 'ORC_GH_APP_PRIVATE_KEY', 'ORC_ZENDESK_EMAIL', 'ORC_TIMEZONE']) {
      expect(lines, key).toContain(key);
    }
    expect(err.message).toMatch(/^Configuration has \d+ problems:/);
    expect(err.message).toContain('frobnicate');
    expect(err.message).toContain('https://acme.zendesk.com');
    expect(err.message).toContain('"Boston" is not a time zone: use a name such as America/New_York');
    expect(err.message).toContain('.env.example');
    for (const secret of ['ghp_supersecretvalue', 'zd-secret-token-value', 'short-secret-value']) expect(err.message).not.toContain(secret);
  });

  it('requires a real ORC_APP_SHARED_SECRET: long, random, not padded, and says how to make one', () => {
    const cases: [string, string][] = [
      [' '.repeat(31) + 'x', 'must not contain spaces, tabs or line breaks (padding is not secret; make one with `openssl rand -hex 32`)'],
      [`  ${REAL_SECRET}  `, 'must not contain spaces, tabs or line breaks'],
      ['x'.repeat(32), 'must be random, not a repeated pattern: it has fewer than 8 different characters (make one with `openssl rand -hex 32`)'],
      ['abcabcabcabcabcabcabcabcabcabcab', 'fewer than 8 different characters'],
      ['short-secret-value', 'must be at least 32 characters'],
    ];
    for (const [value, message] of cases) {
      const problems = problemsOf({ ORC_GH_OAUTH2_TOKEN: 't', ORC_APP_SHARED_SECRET: value }).problems;
      expect(problems.filter((p) => p.startsWith('ORC_APP_SHARED_SECRET: ') && p.includes(message)), JSON.stringify(value)).toHaveLength(1);
    }
    expect(parseConfig({ ORC_GH_OAUTH2_TOKEN: 't', ORC_APP_SHARED_SECRET: REAL_SECRET }).ORC_APP_SHARED_SECRET).toBe(REAL_SECRET);
  });

  it('leaves sandbox mode when GitHub credentials are given, and ORC_SANDBOX forces it', () => {
    const real = parseConfig({ ORC_GH_OAUTH2_TOKEN: 't', ORC_APP_SHARED_SECRET: REAL_SECRET, ORC_EDX_API: 'all', ORC_EDX_CLIENT_ID: 'id', ORC_EDX_CLIENT_SECRET: 's', ORC_EDX_STUDIO_URL: 'https://studio.example.edu', ORC_EDX_STAGING_URL: 'https://staging.example.edu', ORC_STAGING_GITRELOAD: 'https://gr.example.edu/' });
    expect(real.sandbox).toBe(false);
    expect(real.edx.api.has('rerun')).toBe(true);
    expect(parseConfig({ ORC_GH_OAUTH2_TOKEN: 't', ORC_SANDBOX: '1' }).sandbox).toBe(true);
    const missing = problemsOf({ ORC_GH_OAUTH2_TOKEN: 't', ORC_APP_SHARED_SECRET: REAL_SECRET, ORC_EDX_API: 'course_runs' }).problems.join('\n');
    for (const key of ['ORC_EDX_CLIENT_ID', 'ORC_EDX_CLIENT_SECRET', 'ORC_EDX_STUDIO_URL', 'ORC_EDX_STAGING_URL']) expect(missing).toContain(key);
  });

  it('gives the CLI actions a GitHub-only config that needs a token and nothing else', () => {
    expect(parseGithubConfig({ ORC_GH_OAUTH2_TOKEN: 't' }).ORC_XML_ORG).toBe('mitx');
    expect(() => parseGithubConfig({})).toThrow(/ORC_GH_OAUTH2_TOKEN: required/);
  });

  it('checks a GitHub setting by the same rule as the service: values trimmed, blanks default, each bad one named', () => {
    const env = { ORC_GH_OAUTH2_TOKEN: ' t ', ORC_GH_API_URL: 'ftp://ghe.example.edu/', ORC_LOG_LEVEL: 'loud', ORC_STAGING_GITRELOAD_BRANCH: 'a..b', ORC_XML_ORG: '  ', ORC_SANDBOX: '1' };
    const actions = (() => {
      try {
        parseGithubConfig(env);
      } catch (err) {
        return (err as ConfigError).problems;
      }
      throw new Error('parseGithubConfig accepted bad settings');
    })();
    expect(actions).toEqual([
      'ORC_GH_API_URL: must be an http(s) URL such as https://github.example.edu/api/v3/',
      'ORC_STAGING_GITRELOAD_BRANCH: must be a git branch name such as main or live',
      'ORC_LOG_LEVEL: must be one of debug, info, warn, error',
    ]);
    expect(problemsOf(env).problems).toEqual(expect.arrayContaining(actions));
    const good = { ...env, ORC_GH_API_URL: ' https://ghe.example.edu/api/v3/ ', ORC_LOG_LEVEL: 'warn', ORC_STAGING_GITRELOAD_BRANCH: 'main' };
    const settings = parseGithubConfig(good);
    expect(settings).toMatchObject({ ORC_GH_OAUTH2_TOKEN: 't', ORC_GH_API_URL: 'https://ghe.example.edu/api/v3/', ORC_LOG_LEVEL: 'warn', ORC_XML_ORG: 'mitx', ORC_STAGING_GITRELOAD: undefined });
    expect(parseConfig(good)).toMatchObject(settings);
  });
});

describe('structured logs', () => {
  it('writes one JSON object per line and never a secret', () => {
    const lines: string[] = [];
    const log = createLogger({ secrets: ['s3cr3t-value', 'tok-123456'], write: (l) => lines.push(l) }).child({ requestId: 4 });
    log.info('calling GitHub', { authorization: 'token tok-123456', url: 'https://user:pw@gitreload.example.edu/', note: 'key is s3cr3t-value', nested: { apiToken: 'anything' } });
    log.error('failed', { error: new Error('401 for token tok-123456') });
    expect(lines).toHaveLength(2);
    const text = lines.join('\n');
    for (const secret of ['s3cr3t-value', 'tok-123456', 'user:pw', 'anything']) expect(text).not.toContain(secret);
    const first = JSON.parse(lines[0]!);
    expect(first).toMatchObject({ level: 'info', msg: 'calling GitHub', requestId: 4, authorization: '[redacted]', url: 'https://[redacted]@gitreload.example.edu/' });
  });
});

describe('.env.example', () => {
  it('documents every setting the service reads', async () => {
    const { readFileSync } = await import('node:fs');
    const { envSchema } = await import('../../src/config');
    const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    const documented = new Set([...example.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]));
    expect(Object.keys(envSchema.shape).filter((k) => !documented.has(k))).toEqual([]);
  });
});

describe('gitreload hooks and branches', () => {
  const sysadmin = 'https://lms.example.edu/sysadmin/api/gitreload/';

  it('defaults: staging imports main, production imports live', () => {
    expect(parseConfig({})).toMatchObject({ ORC_STAGING_GITRELOAD_BRANCH: 'main', ORC_PRODUCTION_GITRELOAD_BRANCH: 'live' });
  });

  it('an edx-sysadmin hook without ORC_GITRELOAD_SECRET fails at start, naming the setting (sandbox or not)', () => {
    const err = problemsOf({ ORC_PRODUCTION_GITRELOAD: sysadmin });
    expect(err.problems).toEqual([expect.stringMatching(/^ORC_GITRELOAD_SECRET: ORC_PRODUCTION_GITRELOAD is an edx-sysadmin hook .*SYSADMIN_GITHUB_WEBHOOK_KEY/)]);
    expect(parseConfig({ ORC_PRODUCTION_GITRELOAD: sysadmin, ORC_GITRELOAD_SECRET: 'k' }).ORC_PRODUCTION_GITRELOAD).toBe(sysadmin);
    // A standalone gitreload (any other path) needs no secret: its credentials are in the URL.
    expect(parseConfig({ ORC_STAGING_GITRELOAD: 'https://u:p@gr.example.edu/gitreload' }).ORC_GITRELOAD_SECRET).toBeUndefined();
    expect(() => parseGithubConfig({ ORC_GH_OAUTH2_TOKEN: 't', ORC_STAGING_GITRELOAD: sysadmin })).toThrow(/ORC_GITRELOAD_SECRET: ORC_STAGING_GITRELOAD is an edx-sysadmin hook/);
    expect(parseGithubConfig({ ORC_GH_OAUTH2_TOKEN: 't', ORC_STAGING_GITRELOAD: sysadmin, ORC_GITRELOAD_SECRET: 'k' }).ORC_GITRELOAD_SECRET).toBe('k');
  });

  it('branches that cannot agree fail at start', () => {
    expect(problemsOf({ ORC_STAGING_GITRELOAD_BRANCH: 'live' }).problems).toEqual([expect.stringMatching(/^ORC_PRODUCTION_GITRELOAD_BRANCH: is live, the same as ORC_STAGING_GITRELOAD_BRANCH/)]);
    const same = problemsOf({ ORC_STAGING_GITRELOAD: sysadmin, ORC_PRODUCTION_GITRELOAD: 'https://LMS.example.edu/sysadmin/api/gitreload', ORC_GITRELOAD_SECRET: 'k' });
    expect(same.problems).toEqual([expect.stringMatching(/^ORC_PRODUCTION_GITRELOAD: names the same hook as ORC_STAGING_GITRELOAD/)]);
  });

  it('a branch setting that is no git branch name is refused', () => {
    for (const bad of ['-x', 'a..b', 'a b', 'x.lock', 'a/', '@{u}']) {
      expect(problemsOf({ ORC_STAGING_GITRELOAD_BRANCH: bad }).problems).toEqual(['ORC_STAGING_GITRELOAD_BRANCH: must be a git branch name such as main or live']);
    }
    expect(parseConfig({ ORC_STAGING_GITRELOAD_BRANCH: 'release/2027' }).ORC_STAGING_GITRELOAD_BRANCH).toBe('release/2027');
  });
});
