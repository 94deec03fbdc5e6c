import type { Command } from 'commander';
import { processIo, type CliIo } from './io';

/**
 * `orcoursetrion demo`: the sandbox story with nobody at the keyboard. The real service starts in
 * sandbox mode on a temporary database; a requester files a new-course ticket on the simulated
 * Zendesk; an agent approves it with the macro, then follows each manual step's instructions and
 * marks it done through the sidebar API, until the request completes. Prints what ran by itself,
 * what needed a person, how long it took, and the links of the final ticket comment.
 */
export function registerDemoCommand(program: Command, io: CliIo = processIo()): void {
  const cmd = program
    .command('demo')
    .description('run the sandbox story headless: file, approve, follow the instructions, finish; print a summary')
    .option('--json', 'print the summary as JSON')
    .option('--verbose', 'print the service\'s warnings and stack traces');
  cmd.action(async () => {
    const { runDemo } = await import('./demo-run');
    await runDemo(io, cmd.opts());
  });
}
