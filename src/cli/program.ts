import { existsSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import pkg from '../../package.json';

/**
 * The program every command is registered on (name, version, global options, usage errors),
 * whether the full CLI (src/cli.ts) or the seven GitHub actions' own entry (src/cli-actions.ts)
 * builds it, so a command answers alike from both. Exit codes: 0 ok, 1 failed, 2 usage.
 */
export function baseProgram(): Command {
  return new Command('orcoursetrion')
    .description('Course provisioning for Open edX: GitHub repos and teams, Zendesk requests, edX steps')
    .version(pkg.version, '-V, --version', 'print the version')
    .option('--verbose', 'print stack traces on errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
}

/** Runs the command line on a built program; returns the exit code. */
export async function runProgram(program: Command, argv: string[]): Promise<number> {
  // Settings may live in .env, as .env.example shows; the environment wins over the file.
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    const verbose = argv.includes('--verbose');
    process.stderr.write(`orcoursetrion: ${err instanceof Error ? err.message : String(err)}\n`);
    if (verbose && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
    return 1;
  }
}
