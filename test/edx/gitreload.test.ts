import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EdxPermanentError } from '../../src/integrations/edx/errors';
import { PREFLIGHT_BRANCH } from '../../src/integrations/edx/git-import';
import type { EdxSimulator } from '../../src/simulators/edx/simulator';
import { GITRELOAD, HOOK_SECRET, LMS_PROD, useEdx } from './harness';

/**
 * Contract tests of the two gitreload receivers: each simulator rule (cited in
 * src/simulators/edx/simulator-gitreload.ts) exercised through the adapter where the adapter
 * can reach it, and by a raw request where only GitHub or a person would send it.
 * Production is edx-sysadmin on an LMS (imports `live`); staging is a standalone gitreload.
 */

const REPO = 'mitx/content-mit-801r-2027_Spring';
const NAME = 'content-mit-801r-2027_Spring';
const SYSADMIN = `${LMS_PROD}/sysadmin/api/gitreload/`;

const sign = (body: string, key = HOOK_SECRET, algorithm: 'sha256' | 'sha1' = 'sha256') => `${algorithm}=${createHmac(algorithm, key).update(body).digest('hex')}`;
const pushBody = (branch: string) => JSON.stringify({ ref: `refs/heads/${branch}`, repository: { name: NAME, ssh_url: `git@github.test:${REPO}.git`, owner: { login: 'mitx' } } });

async function post(sim: EdxSimulator, headers: Record<string, string>, body: string) {
  const res = await sim.lms.request('/sysadmin/api/gitreload/', { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
  return { status: res.status, text: await res.text() };
}

async function failure(p: Promise<unknown>): Promise<EdxPermanentError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(EdxPermanentError);
  return err as EdxPermanentError;
}

describe('edx-sysadmin gitreload (production LMS)', () => {
  const edx = useEdx();

  it('imports a signed push of the configured branch: first a fresh import, then a reload', async () => {
    const { client, prod } = edx.h;
    const first = await client.triggerGitImport({ environment: 'production', repo: REPO });
    expect(first).toEqual({ environment: 'production', hook: SYSADMIN, branch: 'live', status: 200, message: `No local course copy found. Triggered course import from branch: live of repo: ${NAME}` });
    const second = await client.triggerGitImport({ environment: 'production', repo: REPO });
    expect(second.message).toBe(`Triggered reloading branch: refs/heads/live of repo: ${NAME}`);
    expect(prod.state.gitImports).toEqual([
      { via: 'edx-sysadmin', url: SYSADMIN, repoName: NAME, sshUrl: `git@github.test:${REPO}.git`, branch: 'live' },
      { via: 'edx-sysadmin', url: SYSADMIN, repoName: NAME, sshUrl: `git@github.test:${REPO}.git`, branch: 'live' },
    ]);
  });
});

describe('edx-sysadmin refuses another branch than its own', () => {
  const edx = useEdx({ env: { ORC_PRODUCTION_GITRELOAD_BRANCH: 'release' } });

  it('answers 400 and the step fails naming ORC_PRODUCTION_GITRELOAD_BRANCH with the branch the LMS imports', async () => {
    const err = await failure(edx.h.client.triggerGitImport({ environment: 'production', repo: REPO }));
    expect(err.status).toBe(400);
    expect(err.message).toContain("Couldn't reload course from the branch (release), expected branch was (live)");
    expect(err.message).toContain('set ORC_PRODUCTION_GITRELOAD_BRANCH=live');
    expect(edx.h.prod.state.gitImports).toEqual([]);
  });
});

describe('edx-sysadmin with another secret', () => {
  const edx = useEdx({ env: { ORC_GITRELOAD_SECRET: 'wrong-secret-value' } });

  it('refuses the signature (403): the failure names ORC_GITRELOAD_SECRET and never the secret', async () => {
    const err = await failure(edx.h.client.triggerGitImport({ environment: 'production', repo: REPO }));
    expect(err.status).toBe(403);
    expect(err.message).toContain("Signatures didn't match");
    expect(err.message).toContain("set ORC_GITRELOAD_SECRET to the production LMS's SYSADMIN_GITHUB_WEBHOOK_KEY");
    expect(err.message).not.toContain('wrong-secret-value');
    expect(edx.h.prod.state.gitImports).toEqual([]);
  });

  it('the preflight classifies it as a wrong secret', async () => {
    const check = await edx.h.client.checkGitreloadHook('production', REPO);
    expect(check).toMatchObject({ receiver: 'edx-sysadmin', verdict: 'wrong-secret', hook: SYSADMIN });
    expect(check.fix).toContain('ORC_GITRELOAD_SECRET');
  });
});

describe('edx-sysadmin on an LMS without SYSADMIN_GITHUB_WEBHOOK_KEY', () => {
  const edx = useEdx({ prodGitreload: { webhookKey: undefined } });

  it('refuses everything (403), and the failure says to set the key on the LMS', async () => {
    const err = await failure(edx.h.client.triggerGitImport({ environment: 'production', repo: REPO }));
    expect(err.status).toBe(403);
    expect(err.message).toContain('SYSADMIN_GITHUB_WEBHOOK_KEY is not configured in settings');
    expect(err.message).toContain('set SYSADMIN_GITHUB_WEBHOOK_KEY on the production LMS');
    const body = pushBody('live');
    expect((await post(edx.h.prod, { 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': sign(body) }, body)).status).toBe(403);
  });
});

describe('edx-sysadmin on an LMS without SYSADMIN_DEFAULT_BRANCH', () => {
  const edx = useEdx({ prodGitreload: { defaultBranch: undefined } });

  it('refuses every push (400)', async () => {
    const err = await failure(edx.h.client.triggerGitImport({ environment: 'production', repo: REPO }));
    expect(err.message).toContain('SYSADMIN_DEFAULT_BRANCH is not configured in settings');
    expect(edx.h.prod.state.gitImports).toEqual([]);
  });
});

describe('edx-sysadmin rules a client other than the service meets', () => {
  const edx = useEdx();
  const body = pushBody('live');

  it('403 without a signature header, with a signature of another body, or one not sha256/sha1', async () => {
    const { prod } = edx.h;
    expect(await post(prod, { 'X-GitHub-Event': 'push' }, body)).toEqual({ status: 403, text: JSON.stringify({ detail: 'X-Hub-Signature-256 or sha1 not found in request headers' }) });
    expect((await post(prod, { 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': sign(`${body} `) }, body)).status).toBe(403);
    expect(await post(prod, { 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': `md5=${'0'.repeat(32)}` }, body)).toEqual({ status: 403, text: JSON.stringify({ detail: 'Signature is not using sha256 or sha1' }) });
    expect(prod.state.gitImports).toEqual([]);
  });

  it('a header without exactly one "=" crashes the permission check (500)', async () => {
    expect((await post(edx.h.prod, { 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': 'sha256' }, body)).status).toBe(500);
  });

  it('accepts the sha1 X-Hub-Signature alone', async () => {
    const res = await post(edx.h.prod, { 'X-GitHub-Event': 'push', 'X-Hub-Signature': sign(body, HOOK_SECRET, 'sha1') }, body);
    expect(res.status).toBe(200);
  });

  it('a signed ping, a payload without repository, and one without ref are 400 and import nothing', async () => {
    const { prod } = edx.h;
    expect(await post(prod, { 'X-GitHub-Event': 'ping', 'X-Hub-Signature-256': sign(body) }, body)).toEqual({ status: 400, text: JSON.stringify({ message: "The API works for 'Push' events only" }) });
    const noRepo = JSON.stringify({ zen: 'Keep it logically awesome.' });
    expect(await post(prod, { 'X-GitHub-Event': 'ping', 'X-Hub-Signature-256': sign(noRepo) }, noRepo)).toEqual({ status: 400, text: JSON.stringify({ message: "'repository'" }) });
    const noRef = JSON.stringify({ repository: { name: NAME, ssh_url: 'git@github.test:x/y.git' } });
    expect(await post(prod, { 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': sign(noRef) }, noRef)).toEqual({ status: 400, text: JSON.stringify({ message: "Couldn't find Repo's pushed branch ref in the payload" }) });
    expect(prod.state.gitImports).toEqual([]);
  });
});

describe('preflight of an edx-sysadmin hook', () => {
  const edx = useEdx();

  it('its own refusal of a branch that does not exist proves it is reachable and checks signatures', async () => {
    const check = await edx.h.client.checkGitreloadHook('production', REPO);
    expect(check).toEqual({
      environment: 'production',
      receiver: 'edx-sysadmin',
      hook: SYSADMIN,
      verdict: 'ok',
      detail: `400 "Couldn't reload course from the branch (${PREFLIGHT_BRANCH}), expected branch was (live) "`,
    });
    expect(edx.h.prod.state.gitImports).toEqual([]);
  });

  it('an unreachable hook', async () => {
    edx.h.prod.faults.next({ network: true });
    const check = await edx.h.client.checkGitreloadHook('production', REPO);
    expect(check.verdict).toBe('unreachable');
    expect(check.fix).toContain('ORC_PRODUCTION_GITRELOAD');
  });
});

describe('preflight when the LMS imports another branch than the setting says', () => {
  const edx = useEdx({ env: { ORC_PRODUCTION_GITRELOAD_BRANCH: 'release' } });

  it('is not ok, and names the setting and the branch', async () => {
    const check = await edx.h.client.checkGitreloadHook('production', REPO);
    expect(check.verdict).toBe('other');
    expect(check.fix).toBe('the production LMS imports branch live: set ORC_PRODUCTION_GITRELOAD_BRANCH=live (now release)');
  });
});

describe('standalone gitreload (staging), behind basic auth', () => {
  const edx = useEdx({ sim: { gitreload: { basicAuth: { username: 'deploy', password: 'hunter22' }, clones: { [NAME]: 'main' } } }, env: { ORC_STAGING_GITRELOAD: 'https://deploy:hunter22@gr.test/' } });

  it('queues the import of a cloned repository whose checked-out branch is pushed', async () => {
    const result = await edx.h.client.triggerGitImport({ environment: 'staging', repo: REPO });
    expect(result).toEqual({ environment: 'staging', hook: `${GITRELOAD}/`, branch: 'main', status: 200, message: 'Added course import task to queue. Queue size was 1' });
    expect(edx.h.sim.state.gitImports).toEqual([{ via: 'gitreload', url: `${GITRELOAD}/`, repoName: NAME, sshUrl: `git@github.test:${REPO}.git`, branch: 'main' }]);
  });

  it('a repository it has not cloned (500 "Repository not valid") fails for good, pointing to git_add_course', async () => {
    const err = await failure(edx.h.client.triggerGitImport({ environment: 'staging', repo: 'mitx/content-mit-999-2027_Spring' }));
    expect(err.message).toContain('not cloned on the staging gitreload host');
    expect(err.message).toContain('git_add_course');
  });

  it('a ping or another event answer 200 and import nothing', async () => {
    for (const event of ['ping', 'issues']) {
      const res = await edx.h.sim.gitreload.request('/gitreload', { method: 'POST', headers: { 'X-GitHub-Event': event, Authorization: `Basic ${Buffer.from('deploy:hunter22').toString('base64')}` }, body: '{}' });
      expect(res.status).toBe(200);
    }
    expect(edx.h.sim.state.gitImports).toEqual([]);
  });

  it('the preflight reaches gitreload itself (it checks no signature)', async () => {
    const check = await edx.h.client.checkGitreloadHook('staging', REPO);
    expect(check).toMatchObject({ receiver: 'gitreload', verdict: 'ok', detail: `200 "Branch pushed doesn't match local branch, ignoring"` });
  });
});

describe('standalone gitreload whose clone has another branch checked out', () => {
  const edx = useEdx({ sim: { gitreload: { clones: { [NAME]: 'master' } } } });

  it('answers 200 but imports nothing: a failure naming ORC_STAGING_GITRELOAD_BRANCH, never done', async () => {
    const err = await failure(edx.h.client.triggerGitImport({ environment: 'staging', repo: REPO }));
    expect(err.message).toContain("Branch pushed doesn't match local branch, ignoring");
    expect(err.message).toContain('ORC_STAGING_GITRELOAD_BRANCH');
    expect(edx.h.sim.state.gitImports).toEqual([]);
  });
});

describe('standalone gitreload with other basic-auth credentials', () => {
  const edx = useEdx({ sim: { gitreload: { basicAuth: { username: 'deploy', password: 'right-password' }, clones: { [NAME]: 'main' } } }, env: { ORC_STAGING_GITRELOAD: 'https://deploy:hunter22@gr.test/' } });

  it('is refused (401): the failure names ORC_STAGING_GITRELOAD and no credential', async () => {
    const err = await failure(edx.h.client.triggerGitImport({ environment: 'staging', repo: REPO }));
    expect(err.message).toContain('ORC_STAGING_GITRELOAD');
    expect(err.message).not.toMatch(/hunter22|deploy:/);
    const check = await edx.h.client.checkGitreloadHook('staging', REPO);
    expect(check.verdict).toBe('wrong-secret');
  });
});
