import type { Command } from 'commander';

/** `orcoursetrion zendesk ...`; the work is in `zendesk-setup`, loaded when the command runs. */
export function registerZendeskCommands(program: Command): void {
  const zendesk = program.command('zendesk').description('the Zendesk account objects the service needs');
  zendesk
    .command('setup')
    .description('create or update the ticket fields, form, macros, webhook and triggers (idempotent)')
    .option('--dry-run', 'print the plan and change nothing')
    .option('--json', 'print the plan or result as JSON')
    .option('--d1-sql <file>', 'also write what was stored as SQL for the Worker\'s D1 (wrangler d1 execute --file)')
    .action(async (options: { dryRun?: boolean; json?: boolean; d1Sql?: string }) => {
      const { runZendeskSetup } = await import('./zendesk-setup');
      process.exitCode = await runZendeskSetup({
        env: process.env,
        dryRun: Boolean(options.dryRun),
        json: Boolean(options.json),
        d1Sql: options.d1Sql,
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
      });
    });
}
