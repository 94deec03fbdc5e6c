/**
 * The publish quality check on a generated course of 2,000 files, read from the in-process
 * GitHub simulator with 50 ms added to every request: the whole check as intake runs it (the
 * branch as one archive, then the OLX check in memory), and as `orcoursetrion check` runs it
 * (one more request for the default branch).
 *
 *   npx tsx bench/course-check/index.ts [--files 2000] [--runs 7]
 */
import { parseArgs } from 'node:util';
import { parseGithubConfig } from '../../src/config';
import { createGithubClient } from '../../src/integrations/github/client';
import { createGithubSimulator } from '../../src/simulators/github/simulator';
import { silentLogger } from '../../src/log';
import { checkCourseRepo } from '../../src/requests/quality-check';
import { emitReport, median, quantile, round } from '../support/stats';
import { generateCourse } from './generate';

const { values } = parseArgs({ options: { files: { type: 'string', default: '2000' }, runs: { type: 'string', default: '7' } } });
const FILES = Number(values.files);
const RUNS = Number(values.runs);
const LATENCY_MS = 50;
const GOAL_MS = 2000;
const TOKEN = 'bench-token';
const settings = parseGithubConfig({ ORC_GH_OAUTH2_TOKEN: TOKEN, ORC_GH_API_URL: 'https://github.bench/api/v3/' });
const REPO = 'content-mit-801r-2026_Fall';

const course = generateCourse(FILES);
const sim = createGithubSimulator({ tokens: { [TOKEN]: 'orc-bot' } });
sim.seed.user('orc-bot').org('mitx', { admins: ['orc-bot'] }).repo('mitx', REPO, { files: course });
sim.setLatency(LATENCY_MS);
// In process: the simulator's own handler (no socket, no network), redirects followed.
const gh = await createGithubClient({ config: settings, log: silentLogger, fetch: sim.clientFetch });

/** One check as intake runs it, then as the CLI does; the simulator's own time is counted apart. */
async function once(): Promise<{ intake: number; cli: number; simulator: number; requests: number }> {
  sim.stats.reset();
  let started = performance.now();
  const problems = await checkCourseRepo(gh, { owner: 'mitx', name: REPO, branch: 'main', term: '2026_Fall' });
  const intake = performance.now() - started;
  // The generated course is clean: a finding means the check or the generator is wrong.
  if (problems.length > 0) throw new Error(`the generated course should be clean, but: ${JSON.stringify(problems.slice(0, 3))}`);
  const simulator = sim.stats.requests.reduce((sum, r) => sum + (r.end - r.start), 0);
  const requests = sim.stats.total();
  started = performance.now();
  const branch = (await gh.getRepo('mitx', REPO)).defaultBranch;
  await checkCourseRepo(gh, { owner: 'mitx', name: REPO, branch, term: '2026_Fall' });
  return { intake, cli: performance.now() - started, simulator, requests };
}

// The first check runs in a cold process (as a one-shot CLI does); the service checks warm.
const cold = await once();
const runs: Awaited<ReturnType<typeof once>>[] = [];
for (let i = 0; i < RUNS; i++) runs.push(await once());
const intake = runs.map((r) => r.intake);
const cli = runs.map((r) => r.cli);
const simulatorMs = median(runs.map((r) => r.simulator));
const requests = Math.max(...runs.map((r) => r.requests));
const files = Object.keys(course).length;
const row = (name: string, ms: number[]) => `${name.padEnd(28)} ${String(round(median(ms), 0)).padStart(8)} ${String(round(quantile(ms, 0.95), 0)).padStart(8)} ${String(round(Math.max(...ms), 0)).padStart(8)}`;
const table = [
  `${'check'.padEnd(28)} ${'median'.padStart(8)} ${'p95'.padStart(8)} ${'max'.padStart(8)}  (ms, ${RUNS} warm runs)`,
  row('intake (archive + check)', intake),
  row('CLI (+ default branch)', cli),
  '',
  `cold process, first check: intake ${round(cold.intake, 0)} ms, CLI ${round(cold.cli, 0)} ms`,
  `of an intake check, the simulator answering (latency, building the archive): ${round(simulatorMs, 0)} ms (median)`,
];
const intro = `Course check of a generated ${files}-file course (${Object.keys(course).filter((p) => p.endsWith('.xml')).length} XML files), ${LATENCY_MS} ms added to every GitHub request; ${requests} requests per intake check (the tarball and its redirect), one more from the CLI (the default branch).`;
process.stderr.write(`${intro}\n\n${table.join('\n')}\n`);

emitReport({
  bench: 'course-check',
  command: `npx tsx bench/course-check/index.ts --files ${FILES} --runs ${RUNS}`,
  markdown: [intro, '', '```', ...table, '```'],
  goals: [
    { goal: `course check of a ${files}-file course under ${GOAL_MS} ms at ${LATENCY_MS} ms a request (CLI path, warm, p95)`, met: quantile(cli, 0.95) < GOAL_MS, figure: `${round(quantile(cli, 0.95), 0)} ms p95` },
    { goal: `the same from a cold process (a one-shot orcoursetrion check)`, met: cold.cli < GOAL_MS, figure: `${round(cold.cli, 0)} ms` },
  ],
});
