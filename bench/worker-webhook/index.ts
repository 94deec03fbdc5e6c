/**
 * Webhook intake throughput, Worker (wrangler dev --local: workerd + local D1 + local queue)
 * next to the Node server (startService on a temp SQLite file), each for the same autocannon
 * load on loopback: signed deliveries, each with its own invocation id, so every one is new
 * and is written, enqueued and processed.
 *
 *   npx tsx bench/worker-webhook/index.ts [seconds=10] [connections=64]
 *
 * Both get the same settings (GitHub, Zendesk and edX simulators on loopback, Zendesk not set
 * up), so their engines do the same work per delivery: claim it, find Zendesk not set up, and
 * record the failure. A third run answers the same requests from an empty Worker: the ceiling
 * of wrangler's local runtime on this machine. Everything shares this machine's cores, so
 * compare the numbers with each other, not with production (where Workers scale out).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { parseConfig } from '../../src/config';
import { silentLogger } from '../../src/log';
import { startSimulators } from '../../src/sandbox/simulators';
import { startService } from '../../src/server';
import { startLocalWorker, tempDir, wrangler } from '../../test/worker/local-wrangler';

const seconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 64);
const SECRET = 'bench-webhook-secret-0123456789';
const SHARED_SECRET = 'bench-shared-secret-0123456789abcdef0123456789';

/** Zendesk's signature, computed synchronously because autocannon's setupRequest is synchronous. */
function signed(ticketId: number): { headers: Record<string, string>; body: string } {
  const body = JSON.stringify({ ticket_id: ticketId, event: 'created' });
  const timestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const signature = createHmac('sha256', SECRET).update(timestamp + body).digest('base64');
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-zendesk-webhook-signature': signature,
      'x-zendesk-webhook-signature-timestamp': timestamp,
      'x-zendesk-webhook-invocation-id': randomUUID(),
      'x-zendesk-webhook-id': '01HBENCH',
    },
  };
}

interface Outcome {
  target: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

async function load(target: string, base: URL): Promise<Outcome> {
  let ticket = 0;
  const result = await autocannon({
    url: new URL('/webhooks/zendesk', base).href,
    connections,
    duration: seconds,
    requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, ...signed(1 + (ticket++ % 5000)) }) }],
  });
  return { target, requestsPerSecond: Math.round(result.requests.average), p50Ms: result.latency.p50, p99Ms: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

async function node(settings: Record<string, string>): Promise<Outcome> {
  const dir = await tempDir('orc-bench-node-');
  const config = parseConfig({ ...settings, ORC_DATABASE: join(dir.path, 'bench.db'), PORT: '0' });
  const service = await startService(config, { log: silentLogger });
  try {
    return await load('node (startService, SQLite)', new URL(service.url));
  } finally {
    await service.close();
    await dir.remove();
  }
}

async function worker(settings: Record<string, string>): Promise<Outcome> {
  const dir = await tempDir('orc-bench-worker-');
  await wrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', dir.path]);
  const local = await startLocalWorker(dir.path, settings);
  try {
    return await load('worker (wrangler dev --local, D1)', local.url);
  } finally {
    await local.stop();
    await dir.remove();
  }
}

async function emptyWorker(): Promise<Outcome> {
  const dir = await tempDir('orc-bench-empty-');
  await writeFile(join(dir.path, 'empty.js'), 'export default { fetch: () => new Response("accepted", { status: 202 }) };\n');
  await writeFile(join(dir.path, 'wrangler.toml'), 'name = "empty"\nmain = "empty.js"\ncompatibility_date = "2026-04-20"\n');
  const local = await startLocalWorker(dir.path, {}, undefined, join(dir.path, 'wrangler.toml'));
  try {
    return await load('empty Worker (wrangler dev --local)', local.url);
  } finally {
    await local.stop();
    await dir.remove();
  }
}

const sims = await startSimulators();
const settings = { ...sims.env, ORC_ZENDESK_WEBHOOK_SECRET: SECRET, ORC_APP_SHARED_SECRET: SHARED_SECRET, ORC_LOG_LEVEL: 'error' };
const outcomes = [await node(settings), await worker(settings), await emptyWorker()];
await sims.close();
console.log(`\nwebhook intake, ${seconds} s, ${connections} connections, signed unique deliveries`);
console.table(outcomes);
