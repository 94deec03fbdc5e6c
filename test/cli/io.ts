import { Command } from 'commander';
import type { CliIo } from '../../src/cli/io';

/** A program with one command module registered on captured output, as main() builds it. */
export function captured(env: Record<string, string | undefined>) {
  const io = { out: '', err: '' };
  const cli: CliIo = { env: { USER: 'tester', ...env }, stdout: (t) => void (io.out += t), stderr: (t) => void (io.err += t), isTTY: false };
  const program = new Command('orcoursetrion').exitOverride();
  const run = async (args: string[]) => {
    process.exitCode = undefined;
    try {
      await program.parseAsync(args, { from: 'user' });
    } catch {
      return 2; // commander's usage errors (exitOverride), as main() maps them
    }
    const code = typeof process.exitCode === 'number' ? process.exitCode : 0;
    process.exitCode = undefined;
    return code;
  };
  return { io, cli, program, run };
}
