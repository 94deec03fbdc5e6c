/**
 * Webhook intake throughput, Worker (wrangler dev --local: workerd + local D1 + local queue)
 * next to the Node server (startService on a temp SQLite file), each for the same autocannon
 * load on loopback: signed deliveries, each with its own invocation id, so every one is new
 * and is written, enqueued and processed.
 *
 *   npx tsx bench/worker-webhook/index.ts [seconds=10] [connections=64]
 *
 * Both runs share this machine's cores with their engine working through the deliveries, so
 * compare the two numbers with each other, not with production.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { parseConfig } from '../../src/config';
import { startService } from '../../src/server';
import { startLocalWorker, tempDir, wrangler } from '../../test/worker/local-wrangler';

const seconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 64);
const SECRET = 'bench-webhook-secret-0123456789';

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

async function node(): Promise<Outcome> {
  const dir = await tempDir('orc-bench-node-');
  const config = parseConfig({ ORC_DATABASE: join(dir.path, 'bench.db'), ORC_ZENDESK_WEBHOOK_SECRET: SECRET, PORT: '0', ORC_LOG_LEVEL: 'error' });
  const service = await startService(config, { log: { debug() {}, info() {}, warn() {}, error() {}, child() { return this; } } });
  try {
    return await load('node (startService, SQLite)', new URL(service.url));
  } finally {
    await service.close();
    await dir.remove();
  }
}

async function worker(): Promise<Outcome> {
  const dir = await tempDir('orc-bench-worker-');
  await wrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', dir.path]);
  const local = await startLocalWorker(dir.path, { ORC_ZENDESK_WEBHOOK_SECRET: SECRET, ORC_LOG_LEVEL: 'error' });
  try {
    return await load('worker (wrangler dev --local, D1)', local.url);
  } finally {
    await local.stop();
    await dir.remove();
  }
}

const outcomes = [await node(), await worker()];
console.log(`\nwebhook intake, ${seconds} s, ${connections} connections, signed unique deliveries`);
console.table(outcomes);
