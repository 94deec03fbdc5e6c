import type { Command } from 'commander';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the service (webhook intake, sidebar API, engine); sandbox mode when no credentials are set')
    .action(async () => {
      const { runServer } = await import('../server');
      await runServer(process.env);
      // The service runs until SIGINT or SIGTERM, on which runServer closes it and exits; the
      // action never returns, so the binary's exit once a command is done never ends it.
      await new Promise<never>(() => {});
    });
}
