import { z } from 'zod';
import { createPacer } from '../integrations/github/pacer';
import type { BatchEntry, RequestProgress } from '../rollover/batch';
import type { CourseSource, SkippedRepo } from '../rollover/courses';
import { runRollover as runBatch } from '../rollover/run';
import { startBatchRuntime } from '../rollover/runtime';
import { cliActor, cliSettings, runCommand } from './context';
import type { CliIo } from './io';
import { progressReporter } from './progress';
import { problemLine } from './request-draft';
import type { RolloverTuning } from './rollover';
import { formatTable } from './table';

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

/** The repos left out, each with why: the operator reruns them with --course once the number is known. */
const skippedText = (skipped: SkippedRepo[]) =>
  skipped.length === 0 ? '' : `Skipped ${skipped.length} repositor${skipped.length === 1 ? 'y' : 'ies'}:\n${skipped.map((s) => `  ${s.repo}: ${s.reason}\n`).join('')}`;

/** The engine runs the reruns here (GitHub and edX); no sidebar is served. */
const ROLLOVER_USE = { sidebar: false, github: true, edx: true };

/** What `rollover` does once its options are parsed (see `registerRolloverCommand`). */
export async function runRollover(io: CliIo, options: unknown, tuning: RolloverTuning): Promise<void> {
  const o = optionsSchema.parse(options);
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
}

async function rollover(io: CliIo, o: RolloverOptions, tuning: RolloverTuning): Promise<number> {
  const started = Date.now();
  const settings = await cliSettings(io, { verbose: o.verbose, useSandbox: true, use: ROLLOVER_USE });
  const pacer = tuning.pacer ?? createPacer({ timeScale: tuning.timeScale });
  const store = await startBatchRuntime({ config: settings.config, log: settings.log, pacer, timeScale: tuning.timeScale, concurrency: o.concurrency });
  const say = (text: string) => io.stderr(settings.scrub(text));
  const reporter = progressReporter(say, io.isTTY, started);
  try {
    const result = await runBatch(store, {
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
    // A repo whose course number is unknown is left for the operator: the run is not ok.
    const ok = rows.every((r) => r.error === null) && result.skipped.length === 0;
    const elapsedMs = Date.now() - started;
    if (o.json) {
      io.stdout(settings.scrub(JSON.stringify({ ok, from: o.from, to: o.to, source: result.source, dryRun: Boolean(o.dryRun), concurrency: o.concurrency, elapsedMs, courses: rows, skipped: result.skipped }) + '\n'));
    } else {
      io.stdout(settings.scrub(`${o.dryRun ? 'Dry run: nothing was changed. ' : ''}Rollover ${o.from} -> ${o.to}: ${rows.length} courses in ${(elapsedMs / 1000).toFixed(1)} s\n${summaryTable(rows)}${skippedText(result.skipped)}`));
    }
    return ok ? 0 : 1;
  } finally {
    await store.close();
  }
}
