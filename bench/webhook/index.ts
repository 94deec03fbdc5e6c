/**
 * Signed-webhook intake under load: the real service next to a bare Hono app, same machine,
 * same run, alternating rounds (these machines are noisy: compare the ratios).
 *
 *   npx tsx bench/webhook/index.ts [--seconds 10] [--connections 64] [--rounds 3] [--backlog 10000] [--cpu-prof]
 *
 * - Each server runs in its own process; autocannon runs here, so the load generator never
 *   steals the measured server's event loop.
 * - real: the service as `npm start` runs it (bin/orcoursetrion.js serve on the compiled
 *   build, rebuilt first) on a fresh temp SQLite file (WAL; every 2xx on disk): verify the
 *   signature, check the content type, parse, record the delivery (group commit, answered
 *   after the WAL's fdatasync), wake the engine (its own thread), answer 202.
 * - The engine runs (startService starts it; each delivery wakes it) and re-reads tickets from
 *   a Zendesk served from THIS process (the simulator, set up by the real `zendesk setup`),
 *   never from the service's own process, whose CPU it would steal. Two real variants per round:
 *   - `draining` (the goal's figure, production-like): Zendesk answers each ticket read in
 *     100 ms, so the engine drains the flood while it arrives: its claims and settles are
 *     writes to the same file, taking turns with intake's commits (a delivery whose ticket has
 *     one pending is recorded done at intake; the engine settles those it read and those
 *     recorded during a read).
 *   - `real` (second row): Zendesk reads are held until the window ends, so the engine has
 *     claimed its deliveries and waits on I/O: intake (verify + record + enqueue) alone.
 * - bare: reads the body and answers 200 (the practical ceiling of Hono on Node here).
 * - backlog (after the rounds): a burst of `--backlog` deliveries for 100 tickets, then the
 *   drain: how many deliveries had a ticket read of their own and how many Zendesk requests
 *   the whole burst cost (deliveries for a ticket waiting behind a read are served by it).
 * - Durability: after each real round the service is stopped and its database opened here;
 *   every invocation id that was answered 2xx must be a row of webhook_deliveries.
 *
 * Exits non-zero only when something crashed or a 2xx delivery is missing (a broken promise,
 * not a missed speed goal); missed goals are reported.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { buildCli } from '../../scripts/build-cli';
import { builtService, startChild, tsxFile } from '../support/child';
import { emitReport, median, round } from '../support/stats';
import { signedBurst, signedLoad, type LoadResult } from './load';
import { remoteZendesk } from './zendesk-remote';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const seconds = flag('seconds', 10);
const connections = flag('connections', 64);
const rounds = flag('rounds', 3);
const backlogDeliveries = flag('backlog', 10_000);
const cpuProf = process.argv.includes('--cpu-prof');
const SECRET = 'bench-webhook-secret-0123456789abcdef';
const TARGET = fileURLToPath(new URL('./target.ts', import.meta.url));

type Target = 'bare' | 'real' | 'draining';
interface Round {
  round: number;
  target: Target;
  load: LoadResult;
  durable?: { acked: number; missing: number; rows: number };
  /** The WAL file's size as the round's flood ended (the engine's checkpoints keep it from growing). */
  walBytes?: number;
  /** Requests the engine made to Zendesk while the round's service ran (its ticket reads). */
  zendeskRequests?: number;
  warnings?: number;
}

await buildCli(); // the service runs as `npm start` does, on dist/cli: build the source as it is now
const zendesk = await remoteZendesk({ tickets: 200 });
const profileDir = cpuProf ? mkdtempSync(join(tmpdir(), 'orc-bench-prof-')) : undefined;

async function bareRound(n: number): Promise<Round> {
  const child = await startChild(tsxFile(TARGET, ['bare']));
  try {
    return { round: n, target: 'bare', load: await signedLoad({ url: child.url, secret: SECRET, connections, seconds, warmupSeconds: 2, ticketIds: zendesk.ticketIds, tag: `bare${n}` }) };
  } finally {
    await child.stop();
  }
}

/** The real service on a fresh database set up against the remote Zendesk (the caller removes `dir`). */
async function startReal(dir: string) {
  const database = join(dir, 'orc.db');
  await zendesk.setUp(database);
  const child = await startChild(builtService(), {
    nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    env: {
      ORC_DATABASE: database,
      PORT: '0',
      ORC_HOST: '127.0.0.1',
      ORC_LOG_LEVEL: 'warn',
      ORC_ZENDESK_WEBHOOK_SECRET: SECRET,
      ...zendesk.env,
      // GitHub is configured (not sandbox mode) but never called: no delivery is a course request.
      ORC_GH_OAUTH2_TOKEN: 'bench-github-token',
      ORC_GH_API_URL: 'http://127.0.0.1:9/api/v3/',
      ORC_APP_SHARED_SECRET: 'bench-shared-secret-0123456789abcdef0123456789',
      ORC_SANDBOX: '0',
    },
  });
  return { child, database };
}

async function realRound(n: number, target: 'real' | 'draining'): Promise<Round> {
  const dir = mkdtempSync(join(tmpdir(), 'orc-bench-webhook-'));
  try {
    zendesk.setPace(target === 'real' ? 'held' : { ms: 100 });
    const readsBefore = zendesk.reads();
    const { child, database } = await startReal(dir);
    let load: LoadResult;
    let walBytes: number | undefined;
    try {
      load = await signedLoad({ url: child.url, secret: SECRET, connections, seconds, warmupSeconds: 2, ticketIds: zendesk.ticketIds, tag: `${target}${n}` });
      walBytes = statSync(`${database}-wal`).size;
    } finally {
      // Held reads are answered first, so the engine's workers finish and the service stops.
      zendesk.release();
      await child.stop();
    }
    const db = new Database(database, { readonly: true, fileMustExist: true });
    try {
      const stored = new Set(db.prepare('SELECT invocation_id AS id FROM webhook_deliveries').pluck().all() as string[]);
      const missing = load.acked.filter((id) => !stored.has(id)).length;
      return { round: n, target, load, durable: { acked: load.acked.length, missing, rows: stored.size }, walBytes, zendeskRequests: zendesk.reads() - readsBefore, warnings: child.lines.filter((l) => /"level":"(warn|error)"/.test(l)).length };
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Backlog {
  deliveries: number;
  tickets: number;
  acked: number;
  /** Deliveries intake processed with a ticket read of their own (claimed at least once); the rest were coalesced. */
  processed: number;
  zendeskRequests: number;
  drainMs: number;
}

/**
 * A burst of `deliveries` for `tickets` tickets, Zendesk at 100 ms a read, then wait until the
 * engine has settled every delivery: how many had a read of their own (a claimed delivery has
 * attempts >= 1; one a read answered for it keeps 0) against how many arrived.
 */
async function backlogRound(deliveries: number, tickets: number): Promise<Backlog> {
  const dir = mkdtempSync(join(tmpdir(), 'orc-bench-backlog-'));
  try {
    zendesk.setPace({ ms: 100 });
    const { child, database } = await startReal(dir);
    const readsBefore = zendesk.reads();
    const began = performance.now();
    let acked: string[];
    let counts: { left: number; processed: number };
    const db = new Database(database, { readonly: true, fileMustExist: true });
    try {
      acked = await signedBurst({ url: child.url, secret: SECRET, connections, amount: deliveries, ticketIds: zendesk.ticketIds.slice(0, tickets), tag: 'backlog' });
      const count = db.prepare("SELECT sum(status NOT IN ('done', 'failed')) AS left, sum(attempts > 0) AS processed FROM webhook_deliveries");
      const deadline = performance.now() + 300_000;
      // A bench may poll (no test waits on this): the drain is over when no delivery is unsettled.
      for (counts = count.get() as typeof counts; counts.left > 0; counts = count.get() as typeof counts) {
        if (performance.now() > deadline) throw new Error(`backlog not drained in 300 s: ${counts.left} deliveries left`);
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      db.close();
      await child.stop();
    }
    return { deliveries, tickets, acked: acked.length, processed: counts.processed, zendeskRequests: zendesk.reads() - readsBefore, drainMs: performance.now() - began };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const results: Round[] = [];
for (let n = 1; n <= rounds; n++) {
  results.push(await bareRound(n));
  results.push(await realRound(n, 'real'));
  results.push(await realRound(n, 'draining'));
  console.error(`round ${n}: ${results.filter((r) => r.round === n).map((r) => `${r.target} ${round(r.load.rps, 0)} req/s p99 ${r.load.p99} ms${r.zendeskRequests === undefined ? '' : ` (${r.zendeskRequests} Zendesk requests)`}`).join('; ')}`);
}
const engineReads = zendesk.reads();
const backlog = await backlogRound(backlogDeliveries, 100);
console.error(`backlog: ${backlog.deliveries} deliveries for ${backlog.tickets} tickets, ${backlog.processed} read on their own, ${backlog.zendeskRequests} Zendesk requests, drained in ${round(backlog.drainMs / 1000, 1)} s`);
await zendesk.close();

const of = (target: Target) => {
  const rs = results.filter((r) => r.target === target).map((r) => r.load);
  return { rps: median(rs.map((l) => l.rps)), p50: median(rs.map((l) => l.p50)), p99: median(rs.map((l) => l.p99)) };
};
const summary = { bare: of('bare'), real: of('real'), draining: of('draining') };
/** Ratios are taken within a round, bare next to real, then their median over rounds: the machine's mood changes between rounds. */
const ratioOf = (target: Target, metric: 'rps' | 'p50' | 'p99') =>
  median(
    Array.from({ length: rounds }, (_, i) => {
      const at = (t: Target) => results.find((r) => r.round === i + 1 && r.target === t)!.load[metric];
      return at(target) / at('bare');
    }),
  );
const throughputRatio = ratioOf('draining', 'rps');
const p99Ratio = ratioOf('draining', 'p99');
const reals = results.filter((r) => r.durable);
const acked = reals.reduce((s, r) => s + (r.durable?.acked ?? 0), 0);
const missing = reals.reduce((s, r) => s + (r.durable?.missing ?? 0), 0);
const failures = results.reduce((s, r) => s + r.load.errors + r.load.timeouts + r.load.non2xx, 0);

const table = [
  '| round | target | 2xx req/s | p50 ms | p99 ms | 2xx | non-2xx | errors | durable (acked / missing / rows) | WAL at the end, MB |',
  '|---|---|---:|---:|---:|---:|---:|---:|---|---:|',
  ...results.map((r) =>
    `| ${r.round} | ${r.target} | ${round(r.load.rps, 0)} | ${r.load.p50} | ${r.load.p99} | ${r.load.ok} | ${r.load.non2xx} | ${r.load.errors + r.load.timeouts} | ${r.durable ? `${r.durable.acked} / ${r.durable.missing} / ${r.durable.rows}` : '-'} | ${r.walBytes === undefined ? '-' : round(r.walBytes / 2 ** 20, 1)} |`,
  ),
];
const markdown = [
  `${connections} connections, ${seconds} s measured per round after a 2 s warm-up, ${rounds} rounds of bare / real / draining in turn, each server in its own process, autocannon in the parent. Figures are medians over rounds; ratios are taken within each round (bare next to real), then their median:`,
  '',
  '| | req/s | p50 ms | p99 ms |',
  '|---|---:|---:|---:|',
  `| bare Hono (read body, 200) | ${round(summary.bare.rps, 0)} | ${summary.bare.p50} | ${summary.bare.p99} |`,
  `| service, engine draining (Zendesk in another process at 100 ms, ticket reads real) | ${round(summary.draining.rps, 0)} | ${summary.draining.p50} | ${summary.draining.p99} |`,
  `| **ratio draining / bare** | **${round(throughputRatio)}x** | ${round(ratioOf('draining', 'p50'))}x | **${round(p99Ratio)}x** |`,
  `| service, engine held (Zendesk reads held: intake alone) | ${round(summary.real.rps, 0)} | ${summary.real.p50} | ${summary.real.p99} |`,
  `| ratio held / bare | ${round(ratioOf('real', 'rps'))}x | ${round(ratioOf('real', 'p50'))}x | ${round(ratioOf('real', 'p99'))}x |`,
  '',
  ...table,
  '',
  `Durability: ${acked} deliveries answered 2xx, ${missing} of them missing from webhook_deliveries after the run. The engine ran throughout: ${engineReads} Zendesk ticket reads in all, served from the load generator's process.`,
  '',
  `Backlog: a burst of ${backlog.deliveries} signed deliveries for ${backlog.tickets} tickets (${connections} connections, ${backlog.acked} answered 2xx), Zendesk at 100 ms a read, drained in ${round(backlog.drainMs / 1000, 1)} s from the first send: ${backlog.processed} deliveries were processed with a ticket read of their own, the other ${backlog.deliveries - backlog.processed} answered by a read that began after they were recorded (coalesced); ${backlog.zendeskRequests} requests reached Zendesk in all (${round(backlog.deliveries / Math.max(1, backlog.zendeskRequests), 1)} deliveries per request).`,
];
const report = {
  bench: 'webhook',
  command: `npx tsx bench/webhook/index.ts --seconds ${seconds} --connections ${connections} --rounds ${rounds} --backlog ${backlogDeliveries}`,
  markdown,
  goals: [
    { goal: 'throughput >= 0.5x bare with the engine draining', met: throughputRatio >= 0.5, figure: `${round(throughputRatio)}x` },
    { goal: 'p99 <= 2x bare with the engine draining', met: p99Ratio <= 2, figure: `${round(p99Ratio)}x` },
    { goal: 'every 2xx delivery durable', met: missing === 0 && acked > 0, figure: `${acked} acked, ${missing} missing` },
    // "Far fewer" made a number: at most one ticket read (a delivery intake processed) per 10 deliveries.
    { goal: `a burst of ${backlog.deliveries} deliveries for ${backlog.tickets} tickets drained with far fewer ticket reads (<= 1 per 10 deliveries)`, met: backlog.acked === backlog.deliveries && backlog.processed * 10 <= backlog.deliveries, figure: `${backlog.processed} reads for ${backlog.deliveries} deliveries (${backlog.zendeskRequests} Zendesk requests)` },
  ],
};
console.error(markdown.join('\n'));
if (profileDir) console.error(`CPU profiles of the service: ${profileDir}`);
emitReport(report);
if (failures > 0) console.error(`note: ${failures} requests were not answered 2xx`);
// Losing an acknowledged delivery is a broken promise, not a slow run: fail loudly.
if (missing > 0 || acked === 0) process.exitCode = 1;
