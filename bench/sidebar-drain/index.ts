/**
 * Sidebar API latency while the engine works: the service process drains a backlog of webhook
 * deliveries and runs a term rollover's steps, while agents' sidebars call it.
 *
 *   npx tsx bench/sidebar-drain/index.ts [--courses 200] [--backlog 1000] [--before 5] [--agents 4] [--latency 100] [--cpu-prof]
 *
 * - The service is `startService` in its own process (bench/webhook/target.ts), on a SQLite file
 *   prepared here before it starts: `zendesk setup` applied, `--courses` rerun requests made and
 *   approved by the real rollover pieces (course discovery on GitHub, one request and ticket per
 *   course; nothing runs them here). Its engine posts their notes, then runs their steps.
 * - `--before` s after the rollover's first step began, `--backlog` signed webhook deliveries for
 *   100 tickets arrive as one burst (16 connections) and the engine drains them: deliveries are
 *   claimed first, while the steps already running go on.
 * - GitHub (with its secondary limit), Zendesk and edX are the simulators, served from THIS
 *   process, each answering after `--latency` ms: the service's CPU is its own.
 * - `--agents` clients here call the routes the ticket sidebar and the nav bar poll (GET
 *   /api/tickets/:id for the rollover's tickets, GET /api/dashboard), one call at a time each,
 *   with tokens minted as Zendesk's proxy does, after one unmeasured call each (the service
 *   looks an agent up on Zendesk once). Every answer must be 200.
 * - What is held still: the simulators' latency, the agents' mix and the data; what moves is the
 *   engine. Latencies are split by when they were sent: with the rollover's steps running before
 *   the burst, and from the burst's first send until no delivery is left (the goal's figure).
 *
 * Exits non-zero only when something crashed or an answer was not 200; a missed goal is reported.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import Database from 'better-sqlite3';
import { sign } from 'hono/jwt';
import { parseConfig } from '../../src/config';
import { rolloverCourses } from '../../src/rollover/courses';
import { approveBatch, prepareBatch } from '../../src/rollover/batch';
import { openStore } from '../../src/rollover/runtime';
import { applySetup } from '../../src/integrations/zendesk/setup/apply';
import { createZendeskAdapter } from '../../src/integrations/zendesk/adapter';
import { silentLogger } from '../../src/log';
import { SANDBOX_AGENT } from '../../src/sandbox/agent';
import { seedGithub, startSimulators } from '../../src/sandbox/simulators';
import { buildCli } from '../../scripts/build-cli';
import { builtService, startChild } from '../support/child';
import { emitReport, quantile, round } from '../support/stats';
import { courseFiles, FROM, TO } from '../rollover/scenario';
import { signedBurst } from '../webhook/load';

const { values: args } = parseArgs({
  options: {
    courses: { type: 'string', default: '200' },
    backlog: { type: 'string', default: '1000' },
    before: { type: 'string', default: '5' },
    agents: { type: 'string', default: '4' },
    latency: { type: 'string', default: '100' },
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const COURSES = Number(args.courses);
const BACKLOG = Number(args.backlog);
const BEFORE_S = Number(args.before);
const AGENTS = Number(args.agents);
const LATENCY_MS = Number(args.latency);
const GOAL_P99_MS = 50;
const SECRET = 'bench-sidebar-drain-secret-0123456789abcdef0123456789';
const WEBHOOK_SECRET = 'bench-sidebar-drain-webhook-0123456789abcdef';

const watchdog = setTimeout(() => {
  process.stderr.write('bench/sidebar-drain: gave up after 600 s\n');
  process.exit(1);
}, 600_000);
watchdog.unref();

const sims = await startSimulators();
/** While the database is prepared the simulators answer at once; the service meets `--latency`. */
let delayMs = 0;
const URL_KEYS = ['ORC_GH_API_URL', 'ORC_ZENDESK_URL', 'ORC_EDX_STUDIO_URL', 'ORC_EDX_STAGING_URL', 'ORC_EDX_PRODUCTION_URL'] as const;
const apps = { ORC_GH_API_URL: sims.github, ORC_ZENDESK_URL: sims.zendesk, ORC_EDX_STUDIO_URL: sims.edx.studio, ORC_EDX_STAGING_URL: sims.edx.lms, ORC_EDX_PRODUCTION_URL: sims.edx.lms };
const slowServers: ReturnType<typeof serve>[] = [];
const env: Record<string, string> = { ...sims.env };
// Each simulator behind its own slow listener: a remote API's round trip, not a loopback one.
for (const key of URL_KEYS) {
  const app = apps[key];
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve(
      {
        fetch: async (request: Request) => {
          if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
          return app.fetch(request);
        },
        port: 0,
        hostname: '127.0.0.1',
      },
      () => resolve(s),
    );
  });
  slowServers.push(server);
  const address = server.address();
  const original = new URL(sims.env[key]!);
  original.port = String(typeof address === 'object' && address ? address.port : 0);
  env[key] = original.toString();
}

const dir = mkdtempSync(join(tmpdir(), 'orc-bench-sidebar-drain-'));
const database = join(dir, 'orc.db');
const serviceEnv = { ...env, ORC_SANDBOX: '0', ORC_DATABASE: database, ORC_APP_SHARED_SECRET: SECRET, ORC_ZENDESK_WEBHOOK_SECRET: WEBHOOK_SECRET, ORC_EDX_API: 'git_import', ORC_LOG_LEVEL: 'error' };
const config = parseConfig(serviceEnv);
sims.github.setSecondaryLimit({ perMinute: 80, timeScale: 1 });
seedGithub(sims.github, config);
for (let i = 1; i <= COURSES; i++) {
  const repo = `${config.ORC_COURSE_PREFIX}-${i}01-${FROM}`;
  sims.github.seed.repo(config.ORC_XML_ORG, repo, { files: courseFiles(`${i}.01`), hooks: [config.ORC_STAGING_GITRELOAD!] }).team(config.ORC_XML_ORG, repo, { members: ['ada', 'grace'] });
}
// Tickets off the course-request form: intake reads each and has nothing to do (the webhook bench's deliveries).
const backlogTickets = Array.from({ length: 100 }, (_, i) => sims.zendesk.createTicketAsRequester({ email: `requester${i}@example.edu`, fields: {}, onForm: false, subject: `Printer ${i} is jammed` }));

const began = performance.now();
const store = await openStore({ config, log: silentLogger });
let ticketIds: number[];
try {
  await applySetup({ admin: createZendeskAdapter({ config, logger: silentLogger }).admin, db: store.handle.db, publicUrl: 'http://127.0.0.1:9', now: Date.now });
  const found = await rolloverCourses({ db: store.handle.db, github: store.services.flow.github, edx: store.services.flow.edx, config, concurrency: 8 }, FROM, 'all');
  const actor = { id: 'cli:bench', name: 'cli:bench' };
  const entries = await prepareBatch(store.createDeps, found.courses, { from: FROM, to: TO, dryRun: false, concurrency: 8, actor, onEntry: (entry) => approveBatch(store.requestDeps, [entry], actor) });
  const failed = entries.filter((e) => e.requestId === undefined);
  if (failed.length > 0) throw new Error(`rollover preparation: ${failed.length} courses got no request (${failed[0]!.problems.map((p) => p.message).join('; ')})`);
  ticketIds = store.handle.sqlite.prepare('SELECT ticket_id FROM requests WHERE ticket_id IS NOT NULL').pluck().all() as number[];
  if (ticketIds.length !== COURSES) throw new Error(`expected ${COURSES} rollover tickets, found ${ticketIds.length}`);
} finally {
  await store.close();
}
process.stderr.write(`prepared ${COURSES} approved rerun requests in ${round((performance.now() - began) / 1000, 1)} s\n`);

delayMs = LATENCY_MS;
const db = new Database(database, { readonly: true, fileMustExist: true });
const progress = db.prepare(
  `SELECT (SELECT count(*) FROM webhook_deliveries WHERE status NOT IN ('done', 'failed')) AS deliveriesLeft,
          (SELECT count(*) FROM steps WHERE status IN ('done', 'skipped')) AS stepsDone,
          (SELECT count(*) FROM steps WHERE attempts > 0) AS stepsStarted,
          (SELECT count(*) FROM steps WHERE status = 'failed') AS stepsFailed`,
);
type Progress = { deliveriesLeft: number; stepsDone: number; stepsStarted: number; stepsFailed: number };
const read = () => progress.get() as Progress;
/** A bench may poll (no test waits on this): until `done` holds, or fail after `ms`. */
async function until(what: string, done: () => boolean, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`bench/sidebar-drain: ${what} did not happen within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const profileDir = args['cpu-prof'] ? mkdtempSync(join(tmpdir(), 'orc-bench-prof-')) : undefined;
await buildCli(); // the service runs as `npm start` does, on dist/cli: build the source as it is now
const child = await startChild(builtService(), { env: { ...serviceEnv, PORT: '0', ORC_HOST: '127.0.0.1' }, timeoutMs: 60_000, nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [] });
const samples: { at: number; ms: number }[] = [];
const failures: string[] = [];
/** The phases' boundaries: the rollover's first step began, the burst's first send, no delivery left. */
const at: { steps?: number; burst?: number; drained?: number } = {};
let acked = 0;
let atBurst: Progress | undefined;
let atEnd: Progress | undefined;
try {
  const now = Math.floor(Date.now() / 1000);
  const bearer = `Bearer ${await sign({ sub: String(SANDBOX_AGENT.id), name: SANDBOX_AGENT.name, email: SANDBOX_AGENT.email, iat: now, exp: now + 3600 }, SECRET, 'HS256')}`;
  // Warm-up, not measured: each agent's first call (the service looks the agent up on Zendesk once, then caches it).
  await Promise.all(Array.from({ length: AGENTS }, () => fetch(`${child.url}/api/dashboard`, { headers: { authorization: bearer } }).then((r) => r.arrayBuffer())));
  let stop = false;
  const agent = async (n: number) => {
    for (let i = n; !stop; i += AGENTS) {
      // The nav bar's dashboard now and then; otherwise the ticket sidebar of one of the rollover's tickets.
      const route = i % 10 === 0 ? '/api/dashboard' : `/api/tickets/${ticketIds[i % ticketIds.length]}`;
      const sent = performance.now();
      const response = await fetch(`${child.url}${route}`, { headers: { authorization: bearer } });
      await response.arrayBuffer();
      if (response.status !== 200) failures.push(`${route}: ${response.status}`);
      else samples.push({ at: sent, ms: performance.now() - sent });
    }
  };
  const agents = Array.from({ length: AGENTS }, (_, n) => agent(n));
  try {
    // The engine posts the rollover's plan and approval notes first; then its steps start.
    await until("the rollover's first step", () => read().stepsStarted > 0, 180_000);
    at.steps = performance.now();
    await new Promise((r) => setTimeout(r, BEFORE_S * 1000));
    atBurst = read();
    at.burst = performance.now();
    acked = (await signedBurst({ url: child.url, secret: WEBHOOK_SECRET, connections: 16, amount: BACKLOG, ticketIds: backlogTickets, tag: 'sidebar-drain' })).length;
    await until('the backlog drained', () => read().deliveriesLeft === 0, 300_000);
    at.drained = performance.now();
    atEnd = read();
  } finally {
    stop = true;
    await Promise.all(agents);
  }
} finally {
  await child.stop();
  db.close();
  await Promise.all(slowServers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  await sims.close();
  rmSync(dir, { recursive: true, force: true });
}

const between = (from = Infinity, to = Infinity) => samples.filter((s) => s.at >= from && s.at < to).map((s) => s.ms);
const before = between(at.steps, at.burst);
const during = between(at.burst, at.drained);
const ms = (v: number) => (Number.isNaN(v) ? '-' : String(round(v, 1)));
const row = (label: string, values: number[]) => `| ${label} | ${values.length} | ${ms(quantile(values, 0.5))} | ${ms(quantile(values, 0.99))} | ${ms(values.length ? Math.max(...values) : Number.NaN)} |`;
const p99 = quantile(during, 0.99);
const stepsStarted = atEnd!.stepsStarted - atBurst!.stepsStarted;
const stepsDone = atEnd!.stepsDone - atBurst!.stepsDone;
const markdown = [
  `${AGENTS} agents' sidebars calling the service one call at a time (GET /api/tickets/:id of the rollover's tickets, every tenth call GET /api/dashboard) while its engine runs ${COURSES} approved rerun requests of a term rollover; ${BACKLOG} signed webhook deliveries for 100 tickets arrive as one burst ${BEFORE_S} s after the rollover's first step began, and the engine drains them; GitHub (secondary limit 80 writes a minute), Zendesk and edX simulated in the bench's process, each answering in ${LATENCY_MS} ms:`,
  '',
  '| calls sent | calls | p50 ms | p99 ms | max ms |',
  '|---|---:|---:|---:|---:|',
  row("rollover steps running, before the burst", before),
  row('burst received and drained, rollover steps running (goal)', during),
  '',
  `The burst (${acked} of ${BACKLOG} answered 2xx) was drained ${round((at.drained! - at.burst!) / 1000, 1)} s after its first send; meanwhile ${stepsStarted} of the rollover's steps started and ${stepsDone} finished (${atEnd!.stepsFailed} failed in all). ${failures.length} sidebar calls were not answered 200.`,
  '',
  `Held still: the simulators' ${LATENCY_MS} ms, GitHub's secondary limit, the requests (made before the service starts), the agents' calls (${AGENTS}, one at a time each, after one unmeasured call each); what moves is the engine's work. The goal counts only if the rollover's steps ran while the backlog drained and every answer was 200.`,
];
emitReport({
  bench: 'sidebar-drain',
  command: `npx tsx bench/sidebar-drain/index.ts --courses ${COURSES} --backlog ${BACKLOG} --agents ${AGENTS} --latency ${LATENCY_MS} --before ${BEFORE_S}`,
  markdown,
  goals: [
    {
      goal: `sidebar API p99 <= ${GOAL_P99_MS} ms while the engine drains ${BACKLOG} deliveries and runs a ${COURSES}-course rollover's steps`,
      met: during.length > 0 && p99 <= GOAL_P99_MS && stepsStarted + stepsDone > 0 && acked === BACKLOG && failures.length === 0,
      figure: `p99 ${ms(p99)} ms over ${during.length} calls; ${stepsStarted} steps started, ${stepsDone} finished meanwhile`,
    },
  ],
});
process.stderr.write(`${markdown.join('\n')}\n`);
if (profileDir) process.stderr.write(`CPU profiles of the service: ${profileDir}\n`);
if (failures.length > 0) {
  process.stderr.write(`not 200: ${failures.slice(0, 5).join(', ')}\n`);
  process.exitCode = 1;
}
