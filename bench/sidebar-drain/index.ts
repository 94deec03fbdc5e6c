/**
 * Sidebar API latency while the engine works: the service process drains a backlog of webhook
 * deliveries and runs a term rollover's steps, while agents' sidebars call it.
 *
 *   npx tsx bench/sidebar-drain/index.ts [--courses 200] [--backlog 1000] [--seconds 20] [--agents 4] [--latency 100] [--cpu-prof]
 *
 * - The service is `startService` in its own process (bench/webhook/target.ts), on a SQLite file
 *   prepared here before it starts: `zendesk setup` applied, `--courses` rerun requests made and
 *   approved by the real rollover pieces (course discovery on GitHub, one request and ticket per
 *   course; nothing runs them here), and `--backlog` webhook deliveries recorded for 100 tickets,
 *   as a burst that arrived while the service was down would have left them. Its engine starts
 *   on all of it at once.
 * - GitHub (with its secondary limit), Zendesk and edX are the simulators, served from THIS
 *   process, each answering after `--latency` ms: the service's CPU is its own.
 * - `--agents` clients here call the routes the ticket sidebar and the nav bar poll (GET
 *   /api/tickets/:id for the rollover's tickets, GET /api/dashboard), one call at a time each,
 *   with tokens minted as Zendesk's proxy does, after one unmeasured call each (the service
 *   looks an agent up on Zendesk once). Every answer must be 200.
 * - What is held still: the simulators' latency, the agents' mix and the data; what moves is the
 *   engine. Latencies are split by when they were sent: while the backlog was still draining
 *   (the goal's figure), and after it, with the rollover's steps still running.
 *
 * Exits non-zero only when something crashed or an answer was not 200; a missed goal is reported.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
import { createDeliveryRecorder } from '../../src/webhooks/delivery-recorder';
import { startChild } from '../support/child';
import { emitReport, quantile, round } from '../support/stats';
import { courseFiles, FROM, TO } from '../rollover/scenario';

const { values: args } = parseArgs({
  options: {
    courses: { type: 'string', default: '200' },
    backlog: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '20' },
    agents: { type: 'string', default: '4' },
    latency: { type: 'string', default: '100' },
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const COURSES = Number(args.courses);
const BACKLOG = Number(args.backlog);
const SECONDS = Number(args.seconds);
const AGENTS = Number(args.agents);
const LATENCY_MS = Number(args.latency);
const GOAL_P99_MS = 50;
const SECRET = 'bench-sidebar-drain-secret-0123456789abcdef0123456789';
const WEBHOOK_SECRET = 'bench-sidebar-drain-webhook-0123456789abcdef';
const TARGET = fileURLToPath(new URL('../webhook/target.ts', import.meta.url));

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
  const rows = store.handle.sqlite.prepare('SELECT ticket_id FROM requests WHERE ticket_id IS NOT NULL').pluck().all() as number[];
  if (rows.length !== COURSES) throw new Error(`expected ${COURSES} rollover tickets, found ${rows.length}`);
  ticketIds = rows;
  const recorder = createDeliveryRecorder(store.handle.db);
  const now = Date.now();
  await Promise.all(
    Array.from({ length: BACKLOG }, (_, n) => {
      const ticketId = backlogTickets[n % backlogTickets.length]!;
      return recorder.record({ invocationId: `backlog-${n}`, webhookId: 'bench', ticketId, event: 'updated', body: JSON.stringify({ ticket_id: String(ticketId), event: 'updated' }), receivedAt: now });
    }),
  );
} finally {
  await store.close();
}
process.stderr.write(`prepared ${COURSES} approved rerun requests and ${BACKLOG} deliveries in ${round((performance.now() - began) / 1000, 1)} s\n`);

delayMs = LATENCY_MS;
const db = new Database(database, { readonly: true, fileMustExist: true });
const progress = db.prepare(
  `SELECT (SELECT count(*) FROM webhook_deliveries WHERE status NOT IN ('done', 'failed')) AS deliveriesLeft,
          (SELECT count(*) FROM steps WHERE status IN ('done', 'skipped')) AS stepsDone,
          (SELECT count(*) FROM steps WHERE status = 'failed') AS stepsFailed`,
);
type Progress = { deliveriesLeft: number; stepsDone: number; stepsFailed: number };
const profileDir = args['cpu-prof'] ? mkdtempSync(join(tmpdir(), 'orc-bench-prof-')) : undefined;
const child = await startChild(TARGET, ['real'], { env: serviceEnv, timeoutMs: 60_000, nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [] });
const startedAt = performance.now();
const samples: { at: number; ms: number; route: string }[] = [];
const failures: string[] = [];
let drainedAt: number | undefined;
let atStart: Progress = progress.get() as Progress;
let atEnd: Progress = atStart;
try {
  const until = startedAt + SECONDS * 1000;
  const token = async () => {
    const now = Math.floor(Date.now() / 1000);
    return sign({ sub: String(SANDBOX_AGENT.id), name: SANDBOX_AGENT.name, email: SANDBOX_AGENT.email, iat: now, exp: now + 3600 }, SECRET, 'HS256');
  };
  const bearer = `Bearer ${await token()}`;
  // Warm-up, not measured: each agent's first call (the service looks the agent up on Zendesk once, then caches it).
  await Promise.all(Array.from({ length: AGENTS }, () => fetch(`${child.url}/api/dashboard`, { headers: { authorization: bearer } }).then((r) => r.arrayBuffer())));
  const agent = async (n: number) => {
    for (let i = n; performance.now() < until; i += AGENTS) {
      // The nav bar's dashboard now and then; otherwise the ticket sidebar of one of the rollover's tickets.
      const route = i % 10 === 0 ? '/api/dashboard' : `/api/tickets/${ticketIds[i % ticketIds.length]}`;
      const sent = performance.now();
      const response = await fetch(`${child.url}${route}`, { headers: { authorization: bearer } });
      await response.arrayBuffer();
      const ms = performance.now() - sent;
      if (response.status !== 200) failures.push(`${route}: ${response.status}`);
      else samples.push({ at: sent, ms, route: route.startsWith('/api/tickets/') ? 'ticket' : 'dashboard' });
    }
  };
  // A bench may poll (no test waits on this): when did the backlog drain?
  const watch = (async () => {
    while (performance.now() < until) {
      const now = progress.get() as Progress;
      if (drainedAt === undefined && now.deliveriesLeft === 0) drainedAt = performance.now();
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  await Promise.all([...Array.from({ length: AGENTS }, (_, n) => agent(n)), watch]);
  atEnd = progress.get() as Progress;
} finally {
  await child.stop();
  db.close();
  await Promise.all(slowServers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  await sims.close();
  rmSync(dir, { recursive: true, force: true });
}

const during = samples.filter((s) => drainedAt === undefined || s.at < drainedAt).map((s) => s.ms);
const after = samples.filter((s) => drainedAt !== undefined && s.at >= drainedAt).map((s) => s.ms);
const ms = (v: number) => (Number.isNaN(v) ? '-' : String(round(v, 1)));
const row = (label: string, values: number[]) => `| ${label} | ${values.length} | ${ms(quantile(values, 0.5))} | ${ms(quantile(values, 0.99))} | ${ms(values.length ? Math.max(...values) : Number.NaN)} |`;
const drainS = drainedAt === undefined ? undefined : (drainedAt - startedAt) / 1000;
const p99 = quantile(during, 0.99);
const stepsRun = atEnd.stepsDone - atStart.stepsDone;
const markdown = [
  `${AGENTS} agents' sidebars calling the service one call at a time for ${SECONDS} s from its start (GET /api/tickets/:id of the rollover's tickets, every tenth call GET /api/dashboard), while its engine drains ${BACKLOG} webhook deliveries for 100 tickets and runs ${COURSES} approved rerun requests of a term rollover; GitHub (secondary limit 80 writes a minute), Zendesk and edX simulated in the bench's process, each answering in ${LATENCY_MS} ms:`,
  '',
  '| calls sent | calls | p50 ms | p99 ms | max ms |',
  '|---|---:|---:|---:|---:|',
  row('while the backlog drained (goal)', during),
  row('after it (rollover steps only)', after),
  '',
  `The backlog ${drainS === undefined ? `was not drained within the ${SECONDS} s (${atEnd.deliveriesLeft} deliveries left)` : `drained ${round(drainS, 1)} s after the service started`}; the rollover's steps finished during the window: ${stepsRun} (${atEnd.stepsFailed} failed). ${failures.length} calls were not answered 200.`,
];
emitReport({
  bench: 'sidebar-drain',
  command: `npx tsx bench/sidebar-drain/index.ts --courses ${COURSES} --backlog ${BACKLOG} --seconds ${SECONDS} --agents ${AGENTS} --latency ${LATENCY_MS}`,
  markdown,
  goals: [
    {
      goal: `sidebar API p99 <= ${GOAL_P99_MS} ms while the engine drains ${BACKLOG} deliveries and runs a ${COURSES}-course rollover's steps`,
      // Only a window in which the engine really worked counts: deliveries drained and steps ran.
      met: during.length > 0 && p99 <= GOAL_P99_MS && stepsRun > 0 && failures.length === 0,
      figure: `p99 ${ms(p99)} ms over ${during.length} calls; ${stepsRun} steps ran`,
    },
  ],
});
process.stderr.write(`${markdown.join('\n')}\n`);
if (profileDir) process.stderr.write(`CPU profiles of the service: ${profileDir}\n`);
if (failures.length > 0) {
  process.stderr.write(`not 200: ${failures.slice(0, 5).join(', ')}\n`);
  process.exitCode = 1;
}
