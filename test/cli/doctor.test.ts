import { generateKeyPairSync } from 'node:crypto';
import { serve } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { registerDoctorCommand } from '../../src/cli/doctor';
import { runZendeskSetup } from '../../src/cli/zendesk-setup';
import { parseConfig } from '../../src/config';
import { githubChecks } from '../../src/doctor/github';
import { createOctokit } from '../../src/integrations/github/octokit';
import { createPacer } from '../../src/integrations/github/pacer';
import { createLogger } from '../../src/log';
import { createGithubSimulator } from '../../src/simulators/github/simulator';
import { startService, type RunningService } from '../../src/server';
import type { SandboxSimulators } from '../../src/sandbox/simulators';
import { captured } from './io';
import { bundledEngineThread } from '../support/engine-thread';
import { startCliWorld } from './world';

const SECRET = 'doctor-shared-secret-0123456789abcdef';

describe('orcoursetrion doctor', () => {
  let sims: SandboxSimulators | undefined;
  let service: RunningService | undefined;
  afterEach(async () => {
    await service?.close();
    await sims?.close();
    sims = service = undefined;
  });

  async function doctor(overrides: Record<string, string | undefined>, args: string[] = []) {
    const world = await startCliWorld('doctor', SECRET);
    sims = world.sims;
    const { io, cli, program, run } = captured({ ...world.env, ...overrides });
    registerDoctorCommand(program, cli);
    const code = await run(['doctor', '--json', ...args]);
    const checks = JSON.parse(io.out) as Array<{ check: string; status: string; detail: string; setting?: string; fix?: string }>;
    return { code, checks, io, world };
  }
  const failures = <T extends { status: string }>(checks: T[]) => checks.filter((c) => c.status === 'FAIL');

  it('passes in sandbox mode against the simulators, with the service answering Zendesk\'s webhook test', async () => {
    const { io, cli, program, run } = captured({});
    registerDoctorCommand(program, cli);
    expect(await run(['doctor'])).toBe(0);
    expect(io.out).not.toMatch(/^FAIL/m);
    for (const check of ['github token', 'github scopes', 'github org mitx', 'zendesk credentials', 'zendesk role', 'zendesk setup', 'zendesk requester updates', 'zendesk webhook test', 'edx token', 'edx global staff', 'edx staging gitreload', 'edx production gitreload']) {
      expect(io.out).toMatch(new RegExp(`^ok +${check}:`, 'm'));
    }
    expect(io.out).toMatch(/^doctor: \d+ ok, 0 FAIL, \d+ skip$/m);
  }, 30_000);

  it('prints --json as an array of {check, status, detail, setting?, fix?}; without Zendesk its checks are skipped', async () => {
    const { code, checks } = await doctor({});
    expect(code).toBe(0);
    expect(checks.length).toBeGreaterThan(5);
    for (const c of checks) {
      expect(Object.keys(c).every((k) => ['check', 'status', 'detail', 'setting', 'fix'].includes(k))).toBe(true);
      expect(['ok', 'FAIL', 'skip']).toContain(c.status);
      expect(typeof c.detail).toBe('string');
    }
    expect(checks.find((c) => c.check === 'zendesk')).toMatchObject({ status: 'skip', detail: expect.stringContaining('not configured') });
  }, 30_000);

  it('exits 1 naming ORC_GH_OAUTH2_TOKEN when GitHub refuses the token, without printing it', async () => {
    const { code, checks, io } = await doctor({ ORC_GH_OAUTH2_TOKEN: 'ghp_wrong_token_0123456789' });
    expect(code).toBe(1);
    expect(failures(checks)).toEqual([expect.objectContaining({ check: 'github token', setting: 'ORC_GH_OAUTH2_TOKEN', detail: expect.stringContaining('401') })]);
    expect(io.out + io.err).not.toContain('ghp_wrong_token_0123456789');
  }, 30_000);

  it('names the missing scope of a classic token', async () => {
    const world = await startCliWorld('doctor', SECRET);
    sims = world.sims;
    world.sims.github.addToken('ghp_no_org_scope_0123456789', 'orcoursetrion', ['repo', 'admin:repo_hook']);
    const { io, cli, program, run } = captured({ ...world.env, ORC_GH_OAUTH2_TOKEN: 'ghp_no_org_scope_0123456789' });
    registerDoctorCommand(program, cli);
    expect(await run(['doctor', '--json'])).toBe(1);
    const checks = JSON.parse(io.out) as Array<{ check: string; status: string; detail: string; setting?: string; fix?: string }>;
    expect(failures(checks)).toEqual([expect.objectContaining({ check: 'github scopes', setting: 'ORC_GH_OAUTH2_TOKEN', fix: expect.stringContaining('admin:org') })]);
  }, 30_000);

  it('fails an org where the token\'s user is not an owner', async () => {
    const world = await startCliWorld('doctor', SECRET);
    sims = world.sims;
    world.sims.github.seed.user('helper');
    world.sims.github.addToken('ghp_helper_0123456789', 'helper');
    const { io, cli, program, run } = captured({ ...world.env, ORC_GH_OAUTH2_TOKEN: 'ghp_helper_0123456789' });
    registerDoctorCommand(program, cli);
    expect(await run(['doctor', '--json'])).toBe(1);
    const checks = JSON.parse(io.out) as Array<{ check: string; status: string; setting?: string; fix?: string }>;
    expect(failures(checks).map((c) => c.check).sort()).toEqual(['github org MITx-Studio2LMS', 'github org mitx'].sort());
    expect(failures(checks)[0]).toMatchObject({ setting: 'ORC_GH_OAUTH2_TOKEN', fix: expect.stringContaining('owner') });
  }, 30_000);

  it('names ORC_GITRELOAD_SECRET when the LMS refuses the signature (403)', async () => {
    const { code, checks } = await doctor({ ORC_GITRELOAD_SECRET: 'not-the-lms-key' });
    expect(code).toBe(1);
    expect(failures(checks).map((c) => [c.check, c.setting])).toEqual([
      ['edx staging gitreload', 'ORC_GITRELOAD_SECRET'],
      ['edx production gitreload', 'ORC_GITRELOAD_SECRET'],
    ]);
    expect(failures(checks)[0]!.detail).toContain('403');
  }, 30_000);

  it('names the edX client credentials when the LMS refuses them', async () => {
    const { code, checks, io } = await doctor({ ORC_EDX_CLIENT_SECRET: 'wrong-edx-secret' });
    expect(code).toBe(1);
    expect(failures(checks)).toEqual([expect.objectContaining({ check: 'edx token', setting: 'ORC_EDX_CLIENT_SECRET' })]);
    expect(io.out + io.err).not.toContain('wrong-edx-secret');
  }, 30_000);

  it('names ORC_ZENDESK_TOKEN when Zendesk refuses the credentials', async () => {
    const world = await startCliWorld('doctor', SECRET);
    sims = world.sims;
    const { io, cli, program, run } = captured({
      ...world.env,
      ORC_ZENDESK_URL: world.sims.env.ORC_ZENDESK_URL,
      ORC_ZENDESK_EMAIL: world.sims.env.ORC_ZENDESK_EMAIL,
      ORC_ZENDESK_TOKEN: 'wrong-zendesk-token',
      ORC_PUBLIC_URL: 'https://orcoursetrion.example.edu',
    });
    registerDoctorCommand(program, cli);
    expect(await run(['doctor', '--json'])).toBe(1);
    const checks = JSON.parse(io.out) as Array<{ check: string; status: string; setting?: string }>;
    expect(failures(checks)).toEqual([expect.objectContaining({ check: 'zendesk credentials', setting: 'ORC_ZENDESK_TOKEN' })]);
    expect(io.out + io.err).not.toContain('wrong-zendesk-token');
  }, 30_000);

  it('fails zendesk setup as changes pending, naming the setup command, on an account never set up', async () => {
    const world = await startCliWorld('doctor', SECRET);
    sims = world.sims;
    const zendesk = Object.fromEntries(Object.entries(world.sims.env).filter(([k]) => k.startsWith('ORC_ZENDESK_')));
    const { io, cli, program, run } = captured({ ...world.env, ...zendesk, ORC_PUBLIC_URL: 'https://orcoursetrion.example.edu' });
    registerDoctorCommand(program, cli);
    expect(await run(['doctor', '--json'])).toBe(1);
    const checks = JSON.parse(io.out) as Array<{ check: string; status: string; detail: string; setting?: string; fix?: string }>;
    expect(failures(checks)).toEqual([expect.objectContaining({ check: 'zendesk setup', detail: expect.stringContaining('changes pending'), fix: expect.stringContaining('orcoursetrion zendesk setup') })]);
    expect(checks.find((c) => c.check === 'zendesk webhook test')).toMatchObject({ status: 'skip' });
  }, 30_000);

  it('fails zendesk requester updates when the updated trigger lost its "role is end_user" condition', async () => {
    const world = await startCliWorld('doctor', SECRET);
    sims = world.sims;
    const zendesk = Object.fromEntries(Object.entries(world.sims.env).filter(([k]) => k.startsWith('ORC_ZENDESK_')));
    const env = { ...world.env, ...zendesk, ORC_PUBLIC_URL: 'https://orcoursetrion.example.edu' };
    const setup = { out: '', err: '' };
    expect(await runZendeskSetup({ env, dryRun: false, json: false, stdout: (t) => void (setup.out += t), stderr: (t) => void (setup.err += t) }), setup.err).toBe(0);
    const doctorChecks = async () => {
      const { io, cli, program, run } = captured(env);
      registerDoctorCommand(program, cli);
      await run(['doctor', '--json']);
      return JSON.parse(io.out) as Array<{ check: string; status: string; detail: string; setting?: string; fix?: string }>;
    };
    expect((await doctorChecks()).find((c) => c.check === 'zendesk requester updates')).toMatchObject({ status: 'ok', detail: expect.stringContaining('role is end_user') });

    // An admin edits the trigger in Admin Center and drops the requester condition.
    const trigger = world.sims.zendesk.admin.triggers().find((t) => t.title.includes('Course request updated'))!;
    trigger.conditions.any = trigger.conditions.any.filter((c) => c.field !== 'role');
    expect((await doctorChecks()).find((c) => c.check === 'zendesk requester updates')).toMatchObject({
      status: 'FAIL',
      detail: expect.stringContaining('missing its "role is end_user" condition'),
      setting: 'ORC_PUBLIC_URL',
      fix: expect.stringContaining('orcoursetrion zendesk setup'),
    });
  }, 30_000);

  it('passes Zendesk\'s webhook test against a running service, and names ORC_ZENDESK_WEBHOOK_SECRET once the webhook\'s secret changed', async () => {
    const world = await startCliWorld('doctor', SECRET);
    sims = world.sims;
    const zendesk = Object.fromEntries(Object.entries(world.sims.env).filter(([k]) => k.startsWith('ORC_ZENDESK_')));
    service = await startService(parseConfig({ ...world.env, ...zendesk, PORT: '0' }), { spawnEngineThread: bundledEngineThread });
    const env = { ...world.env, ...zendesk, ORC_PUBLIC_URL: service.url };
    const setup = { out: '', err: '' };
    const setupCode = await runZendeskSetup({ env, dryRun: false, json: false, stdout: (t) => void (setup.out += t), stderr: (t) => void (setup.err += t) });
    expect(setupCode, setup.err).toBe(0);
    const doctorOnce = async () => {
      const { io, cli, program, run } = captured(env);
      registerDoctorCommand(program, cli);
      const code = await run(['doctor', '--json']);
      return { code, checks: JSON.parse(io.out) as Array<{ check: string; status: string; detail: string; setting?: string; fix?: string }> };
    };
    const first = await doctorOnce();
    expect(first.checks.find((c) => c.check === 'zendesk webhook test')).toMatchObject({ status: 'ok' });
    expect(first.code).toBe(0);

    // Someone reset the signing secret in Admin Center: the service still holds the old one.
    const [webhook] = world.sims.zendesk.admin.webhooks();
    const auth = `Basic ${Buffer.from(`${zendesk.ORC_ZENDESK_EMAIL}/token:${zendesk.ORC_ZENDESK_TOKEN}`).toString('base64')}`;
    expect((await fetch(`${zendesk.ORC_ZENDESK_URL}/api/v2/webhooks/${webhook!.id}/signing_secret`, { method: 'POST', headers: { authorization: auth } })).status).toBe(200);
    const second = await doctorOnce();
    expect(second.code).toBe(1);
    expect(failures(second.checks)).toEqual([
      expect.objectContaining({ check: 'zendesk webhook test', setting: 'ORC_ZENDESK_WEBHOOK_SECRET', detail: expect.stringContaining('401'), fix: expect.stringContaining('orcoursetrion zendesk setup') }),
    ]);
  }, 30_000);

  it('fails edX giturl when Studio hides it (git export off) and advanced_settings is automatic', async () => {
    const world = await startCliWorld('doctor', SECRET);
    sims = world.sims;
    world.sims.edx.addRun({ org: 'MITx', number: '6.001', run: '2027_Spring', title: 'Six' });
    world.sims.edx.quirks.hideGiturl = true;
    const { io, cli, program, run } = captured({ ...world.env, ORC_EDX_API: 'all' });
    registerDoctorCommand(program, cli);
    expect(await run(['doctor', '--json'])).toBe(1);
    const checks = JSON.parse(io.out) as Array<{ check: string; status: string; setting?: string; fix?: string }>;
    expect(failures(checks)).toEqual([expect.objectContaining({ check: 'edx giturl', setting: 'ORC_EDX_API', fix: expect.stringContaining('ENABLE_EXPORT_GIT') })]);
  }, 30_000);
});

describe('doctor with a GitHub App', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });

  async function checksWith(permissions: Record<string, string>) {
    const github = createGithubSimulator({ apps: { '4242': [77] }, installationPermissions: permissions });
    github.seed.org('mitx').org('MITx-Studio2LMS').team('mitx', 'mitx-content-deployment').team('MITx-Studio2LMS', 'mitx-studio-export');
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: github.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    try {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const config = parseConfig({ ORC_SANDBOX: '0', ORC_APP_SHARED_SECRET: SECRET, ORC_GH_API_URL: `http://127.0.0.1:${port}/api/v3/`, ORC_GH_APP_ID: '4242', ORC_GH_APP_PRIVATE_KEY: privateKey, ORC_GH_APP_INSTALLATION_ID: '77' });
      const log = createLogger({ level: 'error', secrets: [], write: () => {} });
      return await githubChecks(await createOctokit({ config, log, pacer: createPacer() }), config);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  it('reads the installation\'s permissions instead of scopes and org roles', async () => {
    const checks = await checksWith({ administration: 'write', contents: 'write', members: 'write', repository_hooks: 'write' });
    expect(checks.map((c) => [c.check, c.status])).toEqual([
      ['github app', 'ok'],
      ['github permissions', 'ok'],
      ['github org mitx', 'skip'],
      ['github org MITx-Studio2LMS', 'skip'],
      ['github team mitx/mitx-content-deployment', 'ok'],
      ['github team MITx-Studio2LMS/mitx-studio-export', 'ok'],
    ]);
  }, 30_000);

  it('names the permission an installation lacks', async () => {
    const checks = await checksWith({ administration: 'write', contents: 'write', members: 'read', repository_hooks: 'write' });
    expect(checks.filter((c) => c.status === 'FAIL')).toEqual([
      expect.objectContaining({ check: 'github permissions', setting: 'ORC_GH_APP_ID', fix: expect.stringContaining('members (to create teams') }),
    ]);
  }, 30_000);
});
