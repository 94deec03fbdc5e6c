/**
 * A term rollover of 200 XML courses against the GitHub simulator enforcing GitHub's secondary
 * limit of 80 content-creating requests a minute, time scaled by 0.01 (a minute lasts 600 ms),
 * through the real CLI pieces: course discovery, one rerun request per course, the engine with
 * one shared pacer. Loopback only; bounded (fails after 300 s).
 *
 *   npx tsx bench/rollover/index.ts [courses] [timeScale] [pacerPerMinute]
 *
 * Prints the zero-failure check, the time against the minimum the limit allows (content-creating
 * requests / 80 a minute, scaled), and the ratio (goal <= 1.1x).
 */
import { DEFAULT_WRITES_PER_MINUTE } from '../../src/integrations/github/pacer';
import { runRolloverScenario } from './scenario';

const courses = Number(process.argv[2] ?? 200);
const timeScale = Number(process.argv[3] ?? 0.01);
const LIMIT = 80;
const GOAL = 1.1;

const watchdog = setTimeout(() => {
  process.stderr.write('bench/rollover: gave up after 300 s\n');
  process.exit(1);
}, 300_000);
watchdog.unref();

// The CLI's pacer (DEFAULT_WRITES_PER_MINUTE, 78 of GitHub's 80) alone puts the floor at 1.03x.
const pacers = [process.argv[4] ? Number(process.argv[4]) : DEFAULT_WRITES_PER_MINUTE];
const ms = (v: number) => `${(v / 1000).toFixed(2)} s`;
let failed = false;
for (const pacerPerMinute of pacers) {
  const f = await runRolloverScenario({ courses, limitPerMinute: LIMIT, timeScale, concurrency: 32, pacerPerMinute });
  const minutes = (v: number) => (v / (60_000 * timeScale)).toFixed(2);
  process.stdout.write(
    [
      `rollover of ${f.courses} courses (found on ${f.source}), pacer ${pacerPerMinute}/min, GitHub limit ${LIMIT}/min, time scale ${timeScale}`,
      `  failures: ${f.failures.length}${f.failures.length ? ` (${f.failures.slice(0, 3).join('; ')})` : ''}; completed ${f.completed}/${f.courses}; agent actions ${f.agentActions}`,
      `  content-creating requests: ${f.contentCreating}; 403 secondary-limit answers waited out: ${f.secondaryLimited}`,
      `  time: ${ms(f.elapsedMs)} (${minutes(f.elapsedMs)} scaled minutes); minimum the limit allows: ${ms(f.minimumMs)} (${minutes(f.minimumMs)} scaled minutes)`,
      `  phases: finding the courses ${ms(f.phases.findMs)}, making and approving the requests ${ms(f.phases.requestMs)}, running them ${ms(f.phases.runMs)}`,
      `  ratio: ${f.ratio.toFixed(3)}x (goal <= ${GOAL}x) ${f.ratio <= GOAL ? 'met' : 'MISSED'}`,
      '',
    ].join('\n'),
  );
  failed ||= f.failures.length > 0;
}
clearTimeout(watchdog);
process.exitCode = failed ? 1 : 0;
