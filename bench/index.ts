/**
 * Runs every bench that exists under bench/ and writes bench/RESULTS.md: figures, ratios,
 * goals met or missed, the machine, the date and the exact commands.
 *
 *   npm run bench            (npx tsx bench/index.ts)
 *
 * Each bench is its own process; its last stdout line is `RESULT {json}` (bench/support/stats.ts)
 * or, for benches that print only text, its output goes into RESULTS.md verbatim. A bench that
 * crashes (non-zero exit) is recorded as such and makes this runner exit non-zero; a missed
 * goal does not.
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { BenchReport } from './support/stats';

interface Bench {
  name: string;
  args: string[];
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const CANDIDATES: Bench[] = [
  { name: 'webhook', args: ['bench/webhook/index.ts'] },
  { name: 'latency', args: ['bench/latency/index.ts'] },
  { name: 'github-calls', args: ['bench/github-calls/index.ts'] },
  { name: 'rollover', args: ['bench/rollover/index.ts'] },
  { name: 'worker-webhook', args: ['bench/worker-webhook/index.ts'] },
  { name: 'sidebar', args: ['bench/sidebar/index.ts'] },
  { name: 'sidebar-drain', args: ['bench/sidebar-drain/index.ts'] },
  { name: 'course-check', args: ['bench/course-check/index.ts'] },
];
const only = process.argv.slice(2);
const benches = CANDIDATES.filter((b) => existsSync(here(`./${b.name}/index.ts`)) && (only.length === 0 || only.includes(b.name)));

interface Outcome {
  bench: Bench;
  code: number | null;
  seconds: number;
  report?: BenchReport;
  stdout: string;
  stderrTail: string;
}

function run(bench: Bench): Promise<Outcome> {
  const started = performance.now();
  // Each bench gets the machine to itself (they run one after another) and at most 15 minutes.
  const child = spawn(process.execPath, ['--import', 'tsx', ...bench.args], { cwd: here('..'), stdio: ['ignore', 'pipe', 'pipe'], timeout: 15 * 60_000 });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    process.stderr.write(d);
  });
  return new Promise((resolve) => {
    child.once('close', (code) => {
      const line = stdout.split('\n').reverse().find((l) => l.startsWith('RESULT '));
      const report = line ? (JSON.parse(line.slice('RESULT '.length)) as BenchReport) : undefined;
      resolve({ bench, code, seconds: (performance.now() - started) / 1000, report, stdout: stdout.replace(/^RESULT .*$/m, '').trim(), stderrTail: stderr.trim().split('\n').slice(-15).join('\n') });
    });
  });
}

const outcomes: Outcome[] = [];
for (const bench of benches) {
  console.error(`\n== ${bench.name}: npx tsx ${bench.args.join(' ')}`);
  outcomes.push(await run(bench));
}

const cpu = cpus();
const lines: string[] = [
  '# Benchmark results',
  '',
  `Written by \`npm run bench\` (\`npx tsx bench/index.ts\`) on ${new Date().toISOString()}.`,
  `Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB memory, Node ${process.version}, ${process.platform}/${process.arch}.`,
  'These machines are shared and noisy: compare figures measured side by side in one run (the ratios), not across runs.',
  '',
  '## Goals',
  '',
  '| bench | goal | result | met |',
  '|---|---|---|---|',
  ...outcomes.flatMap((o) =>
    o.report ? o.report.goals.map((g) => `| ${o.bench.name} | ${g.goal} | ${g.figure} | ${g.met ? 'yes' : '**no**'} |`) : [`| ${o.bench.name} | (no machine-readable goals) | exit ${o.code} | ${o.code === 0 ? '-' : '**crashed**'} |`],
  ),
];
for (const o of outcomes) {
  lines.push('', `## ${o.bench.name}`, '', `Command: \`${o.report?.command ?? `npx tsx ${o.bench.args.join(' ')}`}\` (${Math.round(o.seconds)} s, exit ${o.code})`, '');
  if (o.code !== 0) lines.push('**The bench crashed.** Last lines of its stderr:', '', '```', o.stderrTail, '```', '');
  if (o.report) lines.push(...o.report.markdown);
  else if (o.stdout) lines.push('```', o.stdout, '```');
}
writeFileSync(here('./RESULTS.md'), lines.join('\n') + '\n');
console.error(`\nwrote bench/RESULTS.md (${outcomes.length} benches)`);
if (outcomes.some((o) => o.code !== 0)) process.exitCode = 1;
