import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import type { GithubSimulator } from '../../src/simulators/github/simulator';
import { median } from '../support/stats';

/**
 * Wall time from process start to exit, as a person at a terminal waits: the real CLI binary
 * (bin/orcoursetrion.js on dist/cli) against the GitHub simulator served on loopback with a
 * delay on every request, next to the 2015 tool's requests replayed by Python with `requests`
 * (one Session, strictly in sequence, as the 2015 tool made them), also from start to exit.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'orcoursetrion.js');

export interface WallCase {
  action: string;
  original: number;
  argv: string[];
  seed(sim: GithubSimulator): void;
}

interface Exit {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its exit; the clock starts just before the spawn. */
function timed(file: string, args: string[], env: Record<string, string>, cwd = ROOT): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ ms: performance.now() - started, code, stdout, stderr }));
  });
}

const REPLAY_2015 = [
  'import sys, requests',
  'session = requests.Session()',
  'for _ in range(int(sys.argv[3])):',
  "    r = session.get(sys.argv[1], headers={'Authorization': 'token ' + sys.argv[2]})",
  "    if r.status_code != 200: sys.exit('replay: %s answered %d' % (sys.argv[1], r.status_code))",
].join('\n');

/**
 * The interpreter itself, not a version manager's shim (pyenv's is a shell script costing
 * seconds): the 2015 tool was a console script whose first line names the interpreter.
 */
function findPython(): string | undefined {
  try {
    const exe = execFileSync('python3', ['-c', 'import sys, requests; print(sys.executable)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return exe || undefined;
  } catch {
    return undefined;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** `npm start` (or the binary's `serve`) until /readyz answers 200; then its process group is stopped. */
async function startToReady(command: string[], env: Record<string, string>): Promise<number> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'orc-bench-ready-'));
  const started = performance.now();
  const child = spawn(command[0]!, command.slice(1), { cwd: ROOT, env: { ...env, PORT: String(port), ORC_DATABASE: join(dir, 'orc.db') }, stdio: 'ignore', detached: true });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  try {
    for (;;) {
      if (gone) throw new Error(`${command.join(' ')} exited before /readyz answered`);
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
      if (ok) return performance.now() - started;
      if (performance.now() - started > 30_000) throw new Error(`${command.join(' ')}: /readyz not ready in 30 s`);
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    // The group this spawn made (npm and the node it starts), by its id.
    if (!gone) process.kill(-child.pid!, 'SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface WallRow {
  action: string;
  original: number;
  oursMs: number;
  replayMs: number | undefined;
}

export interface WallFigures {
  rows: WallRow[];
  nodeMs: number;
  helpMs: number;
  versionMs: number;
  readyMs: { sandbox: number; configured: number; binarySandbox: number };
  python: string | undefined;
  reps: number;
}

/**
 * `reps` rounds; in each, every case runs once (ours, then the replay, each on a fresh
 * simulator world), interleaved with the start-up commands, so load on the machine falls on all
 * of them alike. Figures are medians.
 */
export async function measureWall(options: { cases: WallCase[]; world: () => GithubSimulator; token: string; latencyMs: number; reps: number; env: Record<string, string> }): Promise<WallFigures> {
  let sim = options.world();
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: (req) => sim.fetch(req), port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('the simulator has no port');
  const api = `http://127.0.0.1:${address.port}/api/v3/`;
  const python = findPython();
  // Only these settings: the developer's own ORC_* variables and .env never leak in.
  const cwd = mkdtempSync(join(tmpdir(), 'orc-bench-cli-'));
  const base = { PATH: process.env.PATH ?? '', HOME: cwd };
  const cliEnv = { ...base, ...options.env, ORC_GH_OAUTH2_TOKEN: options.token, ORC_GH_API_URL: api };
  const fresh = (c: WallCase) => {
    sim = options.world();
    c.seed(sim);
    sim.setLatency(options.latencyMs);
  };

  const samples = new Map<string, number[]>();
  const add = (key: string, ms: number) => samples.set(key, [...(samples.get(key) ?? []), ms]);
  const ok = (what: string, e: Exit) => {
    if (e.code !== 0) throw new Error(`${what} exited ${e.code}: ${e.stderr.trim().slice(0, 500)}`);
    return e.ms;
  };
  try {
    for (let rep = 0; rep < options.reps; rep++) {
      add('node', ok('node -e 0', await timed(process.execPath, ['-e', '0'], base, cwd)));
      add('help', ok('--help', await timed(process.execPath, [BIN, '--help'], base, cwd)));
      add('version', ok('--version', await timed(process.execPath, [BIN, '--version'], base, cwd)));
      for (const c of options.cases) {
        fresh(c);
        add(`ours:${c.action}`, ok(c.action, await timed(process.execPath, [BIN, c.action, ...c.argv], cliEnv, cwd)));
        if (python) {
          fresh(c);
          add(`2015:${c.action}`, ok(`2015 replay of ${c.action}`, await timed(python, ['-c', REPLAY_2015, `${api}users/orc-bot`, options.token, String(c.original)], base, cwd)));
        }
      }
      const npm = ['npm', 'start', '--silent'];
      add('ready:sandbox', await startToReady(npm, base));
      add('ready:configured', await startToReady(npm, { ...cliEnv, ORC_APP_SHARED_SECRET: 'bench-shared-secret-0123456789abcdef' }));
      add('ready:binary', await startToReady([process.execPath, BIN, 'serve'], base));
    }
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(cwd, { recursive: true, force: true });
  }
  const m = (key: string) => median(samples.get(key) ?? []);
  return {
    rows: options.cases.map((c) => ({ action: c.action, original: c.original, oursMs: m(`ours:${c.action}`), replayMs: python ? m(`2015:${c.action}`) : undefined })),
    nodeMs: m('node'),
    helpMs: m('help'),
    versionMs: m('version'),
    readyMs: { sandbox: m('ready:sandbox'), configured: m('ready:configured'), binarySandbox: m('ready:binary') },
    python,
    reps: options.reps,
  };
}
