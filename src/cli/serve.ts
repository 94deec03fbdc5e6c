import type { Command } from 'commander';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the service (webhook intake, sidebar API, engine); sandbox mode when no credentials are set')
    .action(async () => {
      const { runServer } = await import('../server');
      await runServer(process.env);
    });
}
