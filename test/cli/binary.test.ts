import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { describe, expect, it } from 'vitest';
import pkg from '../../package.json';
import { GITHUB_ACTIONS } from '../../src/cli/github-actions';
import { PRODUCTION, seededSimulator, TOKEN } from '../github/setup';

/**
 * The installed command as a person runs it: bin/orcoursetrion.js on dist/cli, which vitest's
 * global setup (test/support/build-cli.ts) has just built from the current source.
 */
const BIN = fileURLToPath(new URL('../../bin/orcoursetrion.js', import.meta.url));
// A directory without .env and an environment without the developer's ORC_* settings.
const CWD = mkdtempSync(join(tmpdir(), 'orc-bin-'));
const ENV = { PATH: process.env.PATH ?? '', HOME: CWD };

function run(args: string[], env: Record<string, string> = {}, node: string[] = [BIN]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...node, ...args], { cwd: CWD, env: { ...ENV, ...env } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('the orcoursetrion binary', () => {
  it('--version prints the package version and exits 0', async () => {
    expect(await run(['--version'])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    expect(await run(['-V'])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('answers --version alone before loading the CLI, as the CLI itself answers it', async () => {
    // bin answers a lone --version without dist/cli; the program (what answers `--version` with
    // other arguments) must print the same line.
    const { buildProgram } = await import('../../src/cli');
    let printed = '';
    const program = buildProgram().configureOutput({ writeOut: (s) => (printed += s) });
    await expect(program.parseAsync(['--version'], { from: 'user' })).rejects.toMatchObject({ code: 'commander.version' });
    expect(printed).toBe(`${pkg.version}\n`);
  });

  it('--help lists the 2015 actions and the service commands, exit 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const name of ['create_export_repo', 'rerun_studio', 'release_studio', 'create_xml_repo', 'rerun_xml', 'release_xml', 'put_team', 'serve', 'request', 'plan', 'rollover']) {
      expect(r.stdout).toContain(`  ${name}`);
    }
  });

  it('usage errors exit 2 with their reason: an unknown flag, a missing required flag', async () => {
    const unknown = await run(['release_xml', '-c', '8.01', '-t', '2027_Spring', '--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--bogus'");
    const missing = await run(['release_xml', '-c', '8.01']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '-t, --term <term>' not specified");
  });

  it('--dry-run without a token prints the plan and what the real run would stop on, exit 0', async () => {
    const r = await run(['create_xml_repo', '-c', '8.01', '-t', '2027_Spring', '--dry-run']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Dry run of create_xml_repo: /);
    expect(r.stdout).toContain('POST   /orgs/mitx/repos');
    expect(r.stdout).toContain('The real run would stop on: ORC_GH_OAUTH2_TOKEN: required');
    expect(r.stdout).toContain('The real run would stop on: ORC_STAGING_GITRELOAD: required by create_xml_repo');
  });

  it('the real run without a token fails with one line naming the setting, exit 1', async () => {
    const r = await run(['release_xml', '-c', '8.01', '-t', '2027_Spring']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^orcoursetrion release_xml: configuration: ORC_GH_OAUTH2_TOKEN: required/);
  });
});

/**
 * bin runs an action's command line on the actions' own build (dist/cli/actions.cjs, from
 * src/cli-actions.ts): it must answer exactly as the full CLI (dist/cli/cli.js) does.
 */
describe('the actions\' own build', () => {
  const FULL_CLI = ['--input-type=module', '-e', `const m = await import(${JSON.stringify(fileURLToPath(new URL('../../dist/cli/cli.js', import.meta.url)))}); process.exitCode = await m.main(process.argv.slice(1));`];

  it('runs for exactly the seven actions', () => {
    const source = readFileSync(BIN, 'utf8');
    const names = /const ACTIONS = new Set\(\[([^\]]*)\]\)/.exec(source)?.[1]?.match(/'[^']+'/g)?.map((n) => n.slice(1, -1));
    expect(names).toEqual([...GITHUB_ACTIONS]);
  });

  it.each([
    ['help', ['release_xml', '--help']],
    ['an unknown flag', ['put_team', '-o', 'mitx', '-g', 't', '--bogus']],
    ['a missing required flag', ['rerun_studio', '-c', '8.01', '-t', '2027_Spring']],
    ['a dry run without a token (the sandbox lookup)', ['create_xml_repo', '-c', '8.01', '-t', '2027_Spring', '-m', 'alice,bob', '--dry-run']],
    ['--json dry run', ['release_studio', '-c', '8.01', '-t', '2027_Spring', '--dry-run', '--json']],
    ['a real run without a token', ['release_xml', '-c', '8.01', '-t', '2027_Spring']],
    ['--version after an action', ['release_xml', '--version']],
  ])('answers %s as the full CLI does', async (_what, args) => {
    expect(await run(args)).toEqual(await run(args, {}, FULL_CLI));
  });

  /** The simulator on loopback, over TLS when given a key and certificate (as GitHub is). */
  async function simulatedGithub(tls?: { key: string; cert: string }) {
    const sim = seededSimulator();
    sim.seed.repo('mitx', 'content-mit-801-2027_Spring');
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: (req) => sim.fetch(req), port: 0, hostname: '127.0.0.1', ...(tls ? { createServer: createHttpsServer, serverOptions: tls } : {}) }, () => resolve(s));
    });
    const { port } = server.address() as { port: number };
    const env = { ORC_GH_OAUTH2_TOKEN: TOKEN, ORC_GH_API_URL: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/api/v3/`, ORC_PRODUCTION_GITRELOAD: PRODUCTION };
    const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
    return { sim, env, close };
  }

  it('a real run against GitHub (the simulator on loopback) does the work and prints the 2015 line', async () => {
    const { sim, env, close } = await simulatedGithub();
    // Node's built-ins the run loaded, written at exit by a preloaded script.
    const dir = mkdtempSync(join(tmpdir(), 'orc-loaded-'));
    const [preload, loaded] = [join(dir, 'preload.cjs'), join(dir, 'loaded.json')];
    writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(loaded)}, JSON.stringify(process.moduleLoadList)));`);
    try {
      const r = await run(['release_xml', '-c', '8.01', '-t', '2027_Spring'], env, ['-r', preload, BIN]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('Added production Web hooks to course\n');
      expect(sim.read.repo('mitx', 'content-mit-801-2027_Spring')?.hooks.map((h) => h.url)).toEqual([PRODUCTION]);
      // Over http: no https (tls, crypto) or child_process compiled (each loaded on use). zlib is
      // loaded, for the CRC-32 that keys the code cache (bin/code-cache.js), not for the answers.
      const modules = JSON.parse(readFileSync(loaded, 'utf8')) as string[];
      expect(modules).toContain('NativeModule http');
      expect(modules.filter((m) => /^NativeModule (https|tls|crypto|child_process)$/.test(m))).toEqual([]);
    } finally {
      await close();
    }
  });

  it('over https (node:https loaded on use) does the same', async () => {
    // A self-signed certificate for 127.0.0.1, trusted by the binary only through NODE_EXTRA_CA_CERTS.
    const dir = mkdtempSync(join(tmpdir(), 'orc-tls-'));
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const { sim, env, close } = await simulatedGithub({ key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') });
    try {
      const r = await run(['release_xml', '-c', '8.01', '-t', '2027_Spring'], { ...env, NODE_EXTRA_CA_CERTS: cert });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('Added production Web hooks to course\n');
      expect(sim.read.repo('mitx', 'content-mit-801-2027_Spring')?.hooks.map((h) => h.url)).toEqual([PRODUCTION]);
    } finally {
      await close();
    }
  });
});
