import { existsSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import pkg from '../package.json';
import { registerServe } from './cli/serve';
import { registerGithubActions } from './cli/github-actions';
import { registerZendeskCommands } from './cli/zendesk';
import { registerRequestCommand } from './cli/request';
import { registerPlanCommand } from './cli/plan';
import { registerRolloverCommand } from './cli/rollover';
import { registerDemoCommand } from './cli/demo';
import { registerCheckCommand } from './cli/check';
import { registerDoctorCommand } from './cli/doctor';

/**
 * `orcoursetrion`: the 2015 tool's seven GitHub actions (same names, flags, output lines),
 * plus the service's own commands. Each command module registers itself on the program.
 * Exit codes: 0 ok, 1 failed, 2 usage.
 */
export function buildProgram(): Command {
  const program = new Command('orcoursetrion')
    .description('Course provisioning for Open edX: GitHub repos and teams, Zendesk requests, edX steps')
    .version(pkg.version, '-V, --version', 'print the version')
    .option('--verbose', 'print stack traces on errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  // Adding a command: its module `src/cli/<name>.ts` exports `register<Name>(program)`, which
  // declares the command, its options and their commander parsers, importing nothing but
  // commander and other light modules (`./io`, `../courses/naming`, `../db/request-types`).
  // Its action does `const { run } = await import('./<name>-run')`: the work, zod parsing and
  // settings load only when that command runs, so `--help` and the other commands stay fast.
  // test/cli/lazy.test.ts fails when something heavy reaches the entry chunk.
  registerServe(program);
  registerGithubActions(program);
  registerZendeskCommands(program);
  registerRequestCommand(program);
  registerPlanCommand(program);
  registerRolloverCommand(program);
  registerDemoCommand(program);
  registerCheckCommand(program);
  registerDoctorCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  // Settings may live in .env, as .env.example shows; the environment wins over the file.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const program = buildProgram();
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
