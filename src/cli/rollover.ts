import { InvalidArgumentError, type Command } from 'commander';
import { TERM_PATTERN } from '../courses/naming';
import type { Pacer } from '../integrations/github/pacer';
import { processIo, type CliIo } from './io';

/** What a test or bench may tune: the shared pacer and GitHub's time scale (a scaled minute). */
export interface RolloverTuning {
  pacer?: Pacer;
  timeScale?: number;
  pollMs?: number;
}

const term = (value: string) => {
  if (!TERM_PATTERN.test(value)) throw new InvalidArgumentError(`"${value}" is not a term: use YEAR_SEASON, e.g. 2027_Spring`);
  return value;
};
const positive = (value: string) => {
  if (!/^[1-9]\d*$/.test(value) || Number(value) > 256) throw new InvalidArgumentError(`"${value}" must be a whole number from 1 to 256`);
  return Number(value);
};

/**
 * `orcoursetrion rollover --from T --to T2 (--course C ... | --all)`: reruns many courses for a
 * new term as one batch. One rerun request per course, validated as any request, approved as
 * `cli:<user>`, run by the engine in this process `--concurrency` steps at a time; every GitHub
 * call of the batch goes through one pacer, so the batch stays under GitHub's secondary limit,
 * and a 403/429 secondary answer that still comes is waited out by Octokit's throttling.
 *
 * The batch ends when no request has automatic work left: completed, failed, or waiting for an
 * agent's manual step (a rerun's old-run deletions are manual); the table lists what waits.
 * Rollover requests are ticketless (see `request`): the summary and the sidebar's dashboard are
 * where they are followed. Running the same rollover again picks up its earlier requests.
 */
export function registerRolloverCommand(program: Command, io: CliIo = processIo(), tuning: RolloverTuning = {}): void {
  const cmd = program
    .command('rollover')
    .description('rerun many courses for a new term as one batch (one rerun request per course)')
    .requiredOption('--from <term>', 'the old term, e.g. 2026_Fall', term)
    .requiredOption('--to <term>', 'the new term, e.g. 2027_Spring', term)
    .option('--course <courses...>', 'the course numbers to rerun')
    .option('--all', 'every course with a run in the old term (our records, else GitHub repo names)')
    .option('--dry-run', 'validate and print what would be rerun; change nothing')
    .option('--concurrency <n>', 'steps run at once', positive, 8)
    .option('--json', 'print the summary as JSON')
    .option('--verbose', 'print warnings and stack traces');
  cmd.action(async () => {
    const { runRollover } = await import('./rollover-run');
    await runRollover(io, cmd.opts(), tuning);
  });
}
