import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface Child {
  url: string;
  /** Lines the child wrote to stdout after READY (its logs). */
  lines: string[];
  /** SIGTERM, then wait for exit; rejects if it exits non-zero. */
  stop(): Promise<void>;
}

/**
 * Starts `file` under tsx in a child process and waits for its `READY <url>` line. A crash
 * before READY, or no READY within `timeoutMs`, rejects (so the bench fails loudly).
 */
export function startChild(file: string, args: string[], options: { env?: Record<string, string>; nodeArgs?: string[]; timeoutMs?: number } = {}): Promise<Child> {
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', file, ...args], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} ${args.join(' ')}: no READY line within ${options.timeoutMs ?? 30_000} ms`));
    }, options.timeoutMs ?? 30_000);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${file} ${args.join(' ')} exited with ${code} before it was ready`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const ready = /^READY (\S+)$/.exec(line);
      if (!ready) {
        lines.push(line);
        return;
      }
      clearTimeout(timer);
      resolve({
        url: ready[1]!,
        lines,
        async stop() {
          child.kill('SIGTERM');
          const code = await exited;
          if (code !== 0) throw new Error(`${file} ${args.join(' ')} exited with ${code}`);
        },
      });
    });
  });
}
