import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface Child {
  url: string;
  /** Lines the child wrote to stdout after its ready line (its logs). */
  lines: string[];
  /** SIGTERM, then wait for exit; rejects if it exits non-zero. */
  stop(): Promise<void>;
}

/** What to run under `node` and the stdout line that says it is ready, its first group the URL. */
export interface ChildCommand {
  argv: string[];
  ready: RegExp;
}

/** A TypeScript file run under tsx that prints `READY <url>` once it listens. */
export function tsxFile(file: string, args: string[]): ChildCommand {
  return { argv: ['--import', 'tsx', file, ...args], ready: /^READY (\S+)$/ };
}

const BIN = fileURLToPath(new URL('../../bin/orcoursetrion.js', import.meta.url));

/**
 * The service exactly as `npm start` runs it: the binary on the compiled build (dist/cli, with the
 * engine's and the webhook writer's threads as shipped), no TypeScript loader in the process. The
 * caller builds first (scripts/build-cli.ts) so the build is the source as it is now.
 */
export function builtService(): ChildCommand {
  return { argv: [BIN, 'serve'], ready: /^Orcoursetrion is running at (\S+)/ };
}

/**
 * Starts `command` in a child process and waits for its ready line. A crash before it, or no
 * ready line within `timeoutMs`, rejects (so the bench fails loudly).
 */
export function startChild(command: ChildCommand, options: { env?: Record<string, string>; nodeArgs?: string[]; timeoutMs?: number } = {}): Promise<Child> {
  const name = command.argv.filter((a) => !a.startsWith('-') && a !== 'tsx').join(' ');
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), ...command.argv], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name}: no ready line within ${options.timeoutMs ?? 30_000} ms`));
    }, options.timeoutMs ?? 30_000);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const ready = command.ready.exec(line);
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
          if (code !== 0) throw new Error(`${name} exited with ${code}`);
        },
      });
    });
  });
}
