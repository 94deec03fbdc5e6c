/**
 * A term rollover of 200 XML courses against the GitHub simulator enforcing GitHub's secondary
 * limit of 80 content-creating requests a minute, through the real CLI pieces: course
 * discovery, one rerun request per course, the engine with one shared pacer. Loopback only;
 * bounded (fails after 300 s).
 *
 *   npx tsx bench/rollover/index.ts [courses] [timeScale ...]
 *
 * Time is scaled (0.05: a minute lasts 3 s) so 200 courses fit in a bench run; the minimum is
 * content-creating requests / 80 a (scaled) minute, and the goal is <= 1.1x of it. Scaling
 * shrinks GitHub's minute but not the engine's own work per step (SQLite writes, and here the
 * simulators share its thread), so the harder the scale, the more of that work shows: 0.05
 * leaves it a small share, as a real minute would leave it none; 0.01 shows where it binds.
 */
import { DEFAULT_WRITES_PER_MINUTE } from '../../src/integrations/github/pacer';
import { emitReport, round } from '../support/stats';
import { runRolloverScenario, type RolloverFigures } from './scenario';

const courses = Number(process.argv[2] ?? 200);
const scales = process.argv.length > 3 ? process.argv.slice(3).map(Number) : [0.05, 0.01];
const LIMIT = 80;
const GOAL = 1.1;

const watchdog = setTimeout(() => {
  process.stderr.write('bench/rollover: gave up after 300 s\n');
  process.exit(1);
}, 300_000);
watchdog.unref();

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const runs: { timeScale: number; f: RolloverFigures }[] = [];
for (const timeScale of scales) {
  const f = await runRolloverScenario({ courses, limitPerMinute: LIMIT, timeScale, concurrency: 32 });
  process.stderr.write(`rollover at time scale ${timeScale}: ${s(f.elapsedMs)} against ${s(f.minimumMs)}, ${f.ratio.toFixed(3)}x, ${f.failures.length} failures\n`);
  runs.push({ timeScale, f });
}
clearTimeout(watchdog);

const markdown = [
  `${courses} XML courses rerun (found by their repo names on GitHub), GitHub's secondary limit ${LIMIT} content-creating requests a minute, our pacer ${DEFAULT_WRITES_PER_MINUTE} (the CLI's default), 32 steps at once, an agent marking each manual step done as soon as it waits.`,
  '',
  '| time scale (a minute lasts) | failures | completed | writes | 403s | time | minimum | ratio | finding / requesting / running |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ...runs.map(({ timeScale, f }) =>
    `| ${timeScale} (${round(60 * timeScale, 1)} s) | ${f.failures.length} | ${f.completed}/${f.courses} | ${f.contentCreating} | ${f.secondaryLimited} | ${s(f.elapsedMs)} | ${s(f.minimumMs)} | **${f.ratio.toFixed(3)}x** | ${s(f.phases.findMs)} / ${s(f.phases.requestMs)} / ${s(f.phases.runMs)} |`,
  ),
  '',
  `The pacer alone sets the floor at ${round(LIMIT / DEFAULT_WRITES_PER_MINUTE, 3)}x. Scaling shrinks GitHub's minute, not the engine's work per step (SQLite writes; the simulators run in the same thread here), so the harder the scale, the larger its share: at a real minute it is negligible.`,
  ...runs.flatMap(({ timeScale, f }) => (f.failures.length ? ['', `Failures at ${timeScale}: ${f.failures.slice(0, 5).join('; ')}`] : [])),
];

emitReport({
  bench: 'rollover',
  command: `npx tsx bench/rollover/index.ts ${courses} ${scales.join(' ')}`,
  markdown,
  goals: runs.flatMap(({ timeScale, f }) => [
    { goal: `${courses} courses, zero failures (time scale ${timeScale})`, met: f.failures.length === 0 && f.completed === f.courses, figure: `${f.failures.length} failures, ${f.completed}/${f.courses} completed` },
    { goal: `total time <= ${GOAL}x the limit's minimum (time scale ${timeScale})`, met: f.ratio <= GOAL, figure: `${f.ratio.toFixed(3)}x` },
  ]),
});
process.exitCode = runs.some(({ f }) => f.failures.length > 0) ? 1 : 0;
