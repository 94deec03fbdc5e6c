import { InvalidArgumentError, type Command } from 'commander';
import type { BulkActionName } from '../requests/bulk';
import { cliActor, cliSettings, processIo, runCommand, type CliIo } from './context';

const requestIds = (value: string, previous: number[] = []) => {
  if (!/^[1-9]\d{0,14}$/.test(value)) throw new InvalidArgumentError(`"${value}" is not a request id (a positive whole number)`);
  return [...previous, Number(value)];
};

const VERBS: Record<'approve' | 'retry', { action: BulkActionName; description: string; done: string }> = {
  approve: { action: 'approve', description: 'approve requests pending approval (as cli:<your user>)', done: 'approved' },
  retry: { action: 'retry', description: 'retry every failed step of each request', done: 'retried' },
};

/**
 * `orcoursetrion request approve|retry ID...`: the dashboard's bulk actions from the terminal,
 * each id as if alone (POST /api/requests/bulk's rules). One line per id; exit 1 if any failed.
 */
export function registerRequestActions(request: Command, io: CliIo = processIo()): void {
  for (const [verb, { action, description, done }] of Object.entries(VERBS)) {
    const cmd = request
      .command(verb)
      .description(description)
      .argument('<ids...>', 'request ids', requestIds)
      .option('--json', 'print { results } as JSON')
      .option('--verbose', 'print warnings and stack traces');
    cmd.action(async (ids: number[]) => {
      // `request` declares --json and --verbose too, and commander lets it take them wherever they stand.
      const o = cmd.optsWithGlobals<{ json?: boolean; verbose?: boolean }>();
      await runCommand(`request ${verb}`, io, o.verbose, async () => {
        // Loaded here: the database, engine and integrations are only needed once the command runs.
        const [{ openStore }, { bulkBodySchema, runBulk }] = await Promise.all([import('../rollover/runtime'), import('../requests/bulk')]);
        const body = bulkBodySchema.parse({ action, ids });
        const settings = await cliSettings(io, { verbose: o.verbose, useSandbox: true });
        const store = await openStore({ config: settings.config, log: settings.log });
        try {
          const results = await runBulk({ ...store.requestDeps, log: settings.log }, body, cliActor(io.env));
          if (o.json) io.stdout(JSON.stringify({ results }) + '\n');
          else io.stdout(results.map((r) => (r.ok ? `${done} request ${r.id}\n` : `request ${r.id}: ${r.error}\n`)).join(''));
          return results.every((r) => r.ok) ? 0 : 1;
        } finally {
          await store.close();
        }
      });
    });
  }

  const cancel = request
    .command('cancel')
    .description("cancel a request, as the sidebar's Cancel: the requester is told the reason, the agents what to undo")
    .argument('[id]', 'the request to cancel')
    .option('--reason <text>', 'why (required; the requester reads it)')
    .option('--json', 'print { ok, id, status, reason } as JSON')
    .option('--verbose', 'print warnings and stack traces');
  cancel.action(async (id: string | undefined) => {
    const o = cancel.optsWithGlobals<{ reason?: string; json?: boolean; verbose?: boolean }>();
    await runCommand('request', io, o.verbose, async () => {
      const { cancelFromCli } = await import('./request-cancel');
      return cancelFromCli(io, id, o.reason, o);
    });
  });
}
