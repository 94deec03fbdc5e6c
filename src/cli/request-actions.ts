import { InvalidArgumentError, type Command } from 'commander';
import type { BulkActionName } from '../requests/bulk';
import { processIo, type CliIo } from './io';

const requestIds = (value: string, previous: number[] = []) => {
  if (!/^[1-9]\d{0,14}$/.test(value)) throw new InvalidArgumentError(`"${value}" is not a request id (a positive whole number)`);
  return [...previous, Number(value)];
};

export const VERBS: Record<'approve' | 'retry', { action: BulkActionName; description: string; done: string }> = {
  approve: { action: 'approve', description: 'approve requests pending approval (as cli:<your user>)', done: 'approved' },
  retry: { action: 'retry', description: 'retry every failed step of each request', done: 'retried' },
};

/**
 * `orcoursetrion request approve|retry ID...`: the dashboard's bulk actions from the terminal,
 * each id as if alone (POST /api/requests/bulk's rules). One line per id; exit 1 if any failed.
 * `request cancel ID --reason TEXT`: the sidebar's Cancel. Registration only; the work is in
 * `request-actions-run` and `request-cancel`, loaded when a command runs.
 */
export function registerRequestActions(request: Command, io: CliIo = processIo()): void {
  for (const [verb, { description }] of Object.entries(VERBS)) {
    const cmd = request
      .command(verb)
      .description(description)
      .argument('<ids...>', 'request ids', requestIds)
      .option('--json', 'print { results } as JSON')
      .option('--verbose', 'print warnings and stack traces');
    cmd.action(async (ids: number[]) => {
      const { runRequestAction } = await import('./request-actions-run');
      // `request` declares --json and --verbose too, and commander lets it take them wherever they stand.
      await runRequestAction(io, verb as keyof typeof VERBS, ids, cmd.optsWithGlobals());
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
    const { cancelFromCli } = await import('./request-cancel');
    await cancelFromCli(io, id, cancel.optsWithGlobals());
  });

  const reschedule = request
    .command('reschedule')
    .description("move when an approved request starts, as the sidebar's Reschedule (a day already begun starts it now, with --confirm)")
    .argument('[id]', 'the request to reschedule')
    .option('--start <YYYY-MM-DD>', 'the day to start on (midnight in ORC_TIMEZONE)')
    .option('--confirm', 'the day has begun already: start the work now')
    .option('--json', 'print { ok, id, status, startAt } as JSON')
    .option('--verbose', 'print warnings and stack traces');
  reschedule.action(async (id: string | undefined) => {
    const { rescheduleFromCli } = await import('./request-reschedule');
    await rescheduleFromCli(io, id, reschedule.optsWithGlobals());
  });
}
