import { InvalidArgumentError, type Command } from 'commander';
import { z } from 'zod';
import { createPacer, type Pacer } from '../integrations/github/pacer';
import { TERM_PATTERN } from '../requests/draft';
import type { BatchEntry, RequestProgress } from '../rollover/batch';
import type { CourseSource } from '../rollover/courses';
import { runRollover } from '../rollover/run';
import { startBatchRuntime } from '../rollover/runtime';
import { cliActor, cliSettings, processIo, runCommand, type CliIo } from './context';
import { progressReporter } from './progress';
import { problemLine } from './request-options';
import { formatTable } from './table';

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

const optionsSchema = z.object({
  from: z.string(),
  to: z.string(),
  course: z.array(z.string()).optional(),
  all: z.boolean().optional(),
  dryRun: z.boolean().optional(),
  concurrency: z.number().int().positive(),
  json: z.boolean().optional(),
  verbose: z.boolean().optional(),
});
type RolloverOptions = z.infer<typeof optionsSchema>;

const SOURCE_TEXT: Record<CourseSource, (o: RolloverOptions) => string> = {
  database: (o) => `every course with a run in ${o.from} in our records`,
  github: (o) => `our records have no run in ${o.from}, so every repository named {prefix}-{course}-${o.from} in the XML and Studio orgs on GitHub`,
  named: () => 'the named courses (our records first, GitHub for the others)',
};

/** One row of the summary: the entry as prepared, and where its request stands now. */
function summaryRow(e: BatchEntry, p: RequestProgress | undefined) {
  return {
    course: e.course.courseNumber,
    kind: e.course.kind,
    requestId: e.requestId ?? null,
    reused: e.reused,
    repo: e.repo ?? null,
    courseKey: e.courseKey ?? null,
    status: p?.status ?? (e.problems.length ? 'not created' : 'dry run'),
    waiting: p?.waiting ? { step: p.waiting.key, title: p.waiting.title, manualAfter: p.waiting.manualAfter } : null,
    error: e.problems.length ? e.problems.map(problemLine).join('; ') : (p?.failed ? `${p.failed.key}: ${p.failed.error}` : null),
  };
}
type SummaryRow = ReturnType<typeof summaryRow>;

const summaryTable = (rows: SummaryRow[]) =>
  formatTable(
    ['course', 'new repo', 'status', 'manual steps waiting', 'error'],
    rows.map((r) => [r.course, r.repo ?? '-', r.status, r.waiting ? `${r.waiting.step}${r.waiting.manualAfter ? ` (+${r.waiting.manualAfter} more)` : ''}` : '-', r.error ?? '']),
  );

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
    const o = optionsSchema.parse(cmd.opts());
    if (Boolean(o.all) === Boolean(o.course?.length)) {
      io.stderr('orcoursetrion rollover: give either --course with course numbers or --all\n');
      process.exitCode = 2;
      return;
    }
    if (o.from === o.to) {
      io.stderr('orcoursetrion rollover: --to must differ from --from\n');
      process.exitCode = 2;
      return;
    }
    await runCommand('rollover', io, o.verbose, () => rollover(io, o, tuning));
  });
}

async function rollover(io: CliIo, o: RolloverOptions, tuning: RolloverTuning): Promise<number> {
  const started = Date.now();
  const settings = await cliSettings(io, { verbose: o.verbose, useSandbox: true });
  const pacer = tuning.pacer ?? createPacer({ timeScale: tuning.timeScale });
  const store = await startBatchRuntime({ config: settings.config, log: settings.log, pacer, timeScale: tuning.timeScale, concurrency: o.concurrency });
  const say = (text: string) => io.stderr(settings.scrub(text));
  const reporter = progressReporter(say, io.isTTY, started);
  try {
    const result = await runRollover(store, {
      from: o.from,
      to: o.to,
      courses: o.all ? 'all' : o.course!,
      dryRun: Boolean(o.dryRun),
      concurrency: o.concurrency,
      actor: cliActor(io.env),
      pollMs: tuning.pollMs ?? 200,
      onCourses: (source, count) => say(`rollover: ${count} course${count === 1 ? '' : 's'} from ${SOURCE_TEXT[source](o)}\n`),
      onProgress: (p) => reporter.update(p),
    });
    if (!o.dryRun) reporter.done();
    const rows = result.entries.map((e) => summaryRow(e, result.progress.find((p) => p.id === e.requestId)));
    const ok = rows.every((r) => r.error === null);
    const elapsedMs = Date.now() - started;
    if (o.json) {
      io.stdout(settings.scrub(JSON.stringify({ ok, from: o.from, to: o.to, source: result.source, dryRun: Boolean(o.dryRun), concurrency: o.concurrency, elapsedMs, courses: rows }) + '\n'));
    } else {
      io.stdout(settings.scrub(`${o.dryRun ? 'Dry run: nothing was changed. ' : ''}Rollover ${o.from} -> ${o.to}: ${rows.length} courses in ${(elapsedMs / 1000).toFixed(1)} s\n${summaryTable(rows)}`));
    }
    return ok ? 0 : 1;
  } finally {
    await store.close();
  }
}
