import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import journal from '../../migrations/meta/_journal.json' with { type: 'json' };
import { signedDelivery, WEBHOOK_SECRET } from '../support/harness';
import { openLocalD1, startLocalWorker, tempDir, wrangler, type LocalWorker } from './local-wrangler';

/**
 * The Worker in wrangler's local runtime (workerd from npm, no network): D1 migrated with
 * `wrangler d1 migrations apply --local`, the queue and its consumer simulated by miniflare.
 */

let persist: Awaited<ReturnType<typeof tempDir>>;
let worker: LocalWorker;
let base: URL;

beforeAll(async () => {
  persist = await tempDir('orc-worker-d1-');
  await wrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persist.path]);
  worker = await startLocalWorker(persist.path, { ORC_ZENDESK_WEBHOOK_SECRET: WEBHOOK_SECRET, ORC_LOG_LEVEL: 'warn' });
  base = worker.url;
}, 90_000);
afterAll(async () => {
  await worker?.stop();
  await persist?.remove();
});

const post = (init: RequestInit) => fetch(new URL('/webhooks/zendesk', base), init);

async function deliveryRows(): Promise<{ invocation_id: string; status: string; error: string | null; attempts: number }[]> {
  const d1 = await openLocalD1(persist.path);
  try {
    return d1.prepare('SELECT invocation_id, status, error, attempts FROM webhook_deliveries ORDER BY id').all() as never;
  } finally {
    d1.close();
  }
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the Worker on wrangler local (sandbox settings: webhook secret only)', () => {
  it('answers /healthz, and /readyz once every migration is applied by wrangler', async () => {
    const health = await fetch(new URL('/healthz', base));
    expect(health.status).toBe(200);
    const ready = await fetch(new URL('/readyz', base));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', migrations: `${journal.entries.length}/${journal.entries.length} applied` } });
  });

  it('refuses an unsigned delivery', async () => {
    const body = JSON.stringify({ ticket_id: 7, event: 'created' });
    const res = await post({ method: 'POST', body, headers: { 'content-type': 'application/json', 'x-zendesk-webhook-invocation-id': 'unsigned-1' } });
    expect(res.status).toBe(401);
    expect((await deliveryRows()).map((r) => r.invocation_id)).not.toContain('unsigned-1');
  });

  it('accepts a signed delivery once, and the queue consumer runs it through the engine', async () => {
    const init = await signedDelivery(JSON.stringify({ ticket_id: 42, event: 'created' }), { invocationId: 'invocation-42' });
    const first = await post(init);
    expect(first.status).toBe(202);
    const again = await post(init);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: 'duplicate' });

    // The 202 came before any processing; the consumer, woken by the queue message, settles it.
    // Without Zendesk credentials there is no intake, which the engine records as a permanent failure.
    const rows = await eventually(deliveryRows, (r) => r.every((d) => d.status !== 'pending' && d.status !== 'running'));
    expect(rows).toEqual([{ invocation_id: 'invocation-42', status: 'failed', error: 'No intake is configured', attempts: 1 }]);
  });
});
