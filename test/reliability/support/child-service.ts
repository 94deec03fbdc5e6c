import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sleep } from './world';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../../bin/orcoursetrion.js', import.meta.url));

/**
 * `orcoursetrion serve` as a child process, so a test can SIGKILL it (no shutdown hook runs,
 * as with kill -9 or a lost machine) and start it again on the same database.
 */
export interface ChildService {
  readonly process: ChildProcess;
  /** Everything it wrote (logs are JSON lines on stdout; errors on stderr). */
  readonly output: string[];
  readonly exited: Promise<number | null>;
  kill(): Promise<void>;
}

export async function startChild(env: Record<string, string>, options: { readyTimeoutMs?: number; url: string; output?: string[] }): Promise<ChildService> {
  const output = options.output ?? [];
  // Only the settings the test gives, so the developer's own ORC_* variables never leak in.
  const child = spawn(process.execPath, [BIN, 'serve'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.setEncoding('utf8').on('data', (d: string) => output.push(d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => output.push(d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => {
    gone = true;
  });

  // A bound for a hung start, not a guess at how long a start takes: a loaded 2-core CI machine is slow.
  const end = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (gone) throw new Error(`the service exited before it was ready:\n${output.join('').slice(-3000)}`);
    try {
      const res = await fetch(`${options.url}/healthz`, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > end) {
      child.kill('SIGKILL');
      throw new Error(`the service did not answer /healthz in time:\n${output.join('').slice(-3000)}`);
    }
    await sleep(25);
  }

  return {
    process: child,
    output,
    exited,
    async kill() {
      if (!gone) child.kill('SIGKILL');
      await exited;
    },
  };
}
