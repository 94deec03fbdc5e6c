import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';

export const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const wranglerBin = createRequire(import.meta.url).resolve('wrangler/bin/wrangler.js');

// Offline by design: no telemetry, and no fetch of the Request.cf sample (miniflare falls back
// to a placeholder, but only after a DNS failure that costs time and prints a stack).
export const OFFLINE_ENV = { WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' };
Object.assign(process.env, OFFLINE_ENV);

/** Runs the project's wrangler CLI (from node_modules, never a global one) in the repo root. */
export async function wrangler(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [wranglerBin, ...args], { cwd: ROOT, env: { ...process.env, ...OFFLINE_ENV, CI: 'true' }, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

export async function tempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Opens the local D1 database wrangler keeps under a persist directory, read-only, to assert on rows. */
export async function openLocalD1(persistDir: string): Promise<Database.Database> {
  const dir = join(persistDir, 'v3', 'd1', 'miniflare-D1DatabaseObject');
  const file = (await readdir(dir)).find((f) => /^[0-9a-f]{64}\.sqlite$/.test(f));
  if (!file) throw new Error(`no local D1 database under ${dir}`);
  return new Database(join(dir, file), { readonly: true, fileMustExist: true });
}

export interface LocalWorker {
  url: URL;
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * `wrangler dev --local` as a child process, as `npm run dev:worker` runs it, on a free loopback
 * port with its D1 under `persistDir`. (wrangler's unstable_startWorker API would be quicker
 * but does not apply nodejs_compat from wrangler.toml when bundling, in 4.86.)
 */
export async function startLocalWorker(persistDir: string, vars: Record<string, string>, port?: number, config = join(ROOT, 'wrangler.toml')): Promise<LocalWorker> {
  port ??= await freePort();
  const args = ['dev', '--local', '--config', config, '--ip', '127.0.0.1', '--port', String(port), '--persist-to', persistDir, '--inspector-port', String(await freePort()), '--show-interactive-dev-session=false'];
  for (const [k, v] of Object.entries(vars)) args.push('--var', `${k}:${v}`);
  // Its own process group, so stopping it also stops the workerd it starts.
  const child = spawn(process.execPath, [wranglerBin, ...args], { cwd: ROOT, env: { ...process.env, ...OFFLINE_ENV, CI: 'true' }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = new URL(`http://127.0.0.1:${port}/`);
  const stop = async () => {
    if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGTERM');
    await exited;
  };
  const until = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited:\n${output}`);
    const ok = await fetch(new URL('/healthz', url)).then((r) => r.ok, () => false);
    if (ok) return { url, output: () => output, stop };
    if (Date.now() > until) {
      await stop();
      throw new Error(`wrangler dev did not answer /healthz within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
