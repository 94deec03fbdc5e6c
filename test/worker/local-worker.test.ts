import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import journal from '../../migrations/meta/_journal.json' with { type: 'json' };
import { parseConfig } from '../../src/config';
import { openSqlite } from '../../src/db/sqlite';
import { createZendeskAdapter } from '../../src/integrations/zendesk/adapter';
import { managedTitle } from '../../src/courses/request-fields';
import { applySetup } from '../../src/integrations/zendesk/setup/apply';
import { storedObjectsSql } from '../../src/integrations/zendesk/setup/d1-sql';
import { loadZendeskIds } from '../../src/db/zendesk-objects';
import { silentLogger } from '../../src/log';
import { seedGithub, startSimulators, type SandboxSimulators } from '../../src/sandbox/simulators';
import { agentToken, SHARED_SECRET, signedDelivery } from '../support/harness';
import { freePort, openLocalD1, startLocalWorker, tempDir, wrangler, type LocalWorker } from './local-wrangler';

/**
 * The Worker in wrangler's local runtime (workerd from npm, no network), as an operator deploys
 * it: D1 migrated with `wrangler d1 migrations apply`, Zendesk set up by the real setup code
 * (its object ids copied into D1 with `wrangler d1 execute`), the queue and its consumer
 * simulated by miniflare, and GitHub, Zendesk and edX as simulators on loopback ports.
 */

let sims: SandboxSimulators;
let persist: Awaited<ReturnType<typeof tempDir>>;
let worker: LocalWorker;
let webhookSecret: string;

beforeAll(async () => {
  sims = await startSimulators();
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const config = parseConfig({ ...sims.env, ORC_APP_SHARED_SECRET: SHARED_SECRET, ORC_PUBLIC_URL: publicUrl });
  seedGithub(sims.github, config);

  // `orcoursetrion zendesk setup` writes to SQLite; its rows go to D1 as SQL (`--d1-sql`).
  const scratch = openSqlite(':memory:');
  await applySetup({ admin: createZendeskAdapter({ config, logger: silentLogger }).admin, db: scratch.db, publicUrl, now: Date.now });
  webhookSecret = String((await loadZendeskIds(scratch.db)).webhookSecret);
  const { sql } = await storedObjectsSql(scratch.db);
  scratch.close();

  persist = await tempDir('orc-worker-d1-');
  const seed = join(persist.path, 'zendesk-objects.sql');
  await writeFile(seed, sql);
  await wrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persist.path]);
  await wrangler(['d1', 'execute', 'DB', '--local', '--persist-to', persist.path, '--file', seed]);
  worker = await startLocalWorker(persist.path, { ...sims.env, ORC_APP_SHARED_SECRET: SHARED_SECRET, ORC_PUBLIC_URL: publicUrl, ORC_LEASE_SECONDS: '5', ORC_LOG_LEVEL: 'warn' }, port);
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await sims?.close();
  await persist?.remove();
});

const url = (path: string) => new URL(path, worker.url);
const post = (init: RequestInit) => fetch(url('/webhooks/zendesk'), init);

async function api(path: string, body?: unknown): Promise<Response> {
  return fetch(url(`/api${path}`), {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${await agentToken()}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const ticketView = z.object({
  request: z.object({ id: z.number(), status: z.string(), repo: z.string().nullable() }),
  steps: z.array(z.object({ key: z.string(), status: z.string() })),
});

/** The sidebar's view of a ticket's request, or undefined while intake has not recorded it. */
async function viewOf(ticketId: number): Promise<z.infer<typeof ticketView> | undefined> {
  const res = await api(`/tickets/${ticketId}`);
  return res.status === 200 ? ticketView.parse(await res.json()) : undefined;
}

const deliveryRow = z.object({ invocation_id: z.string(), ticket_id: z.number(), status: z.string(), attempts: z.number() });

async function deliveryRows(): Promise<z.infer<typeof deliveryRow>[]> {
  const d1 = await openLocalD1(persist.path);
  try {
    return z.array(deliveryRow).parse(d1.prepare('SELECT invocation_id, ticket_id, status, attempts FROM webhook_deliveries ORDER BY id').all());
  } finally {
    d1.close();
  }
}

async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${worker.output().split('\n').filter((l) => !/\] GET /.test(l)).slice(-40).join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the Worker on wrangler local', () => {
  it('answers /healthz, and /readyz once every migration is applied by wrangler', async () => {
    expect((await fetch(url('/healthz'))).status).toBe(200);
    const ready = await fetch(url('/readyz'));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', migrations: `${journal.entries.length}/${journal.entries.length} applied` } });
  });

  it('refuses an unsigned delivery and records nothing', async () => {
    const body = JSON.stringify({ ticket_id: 7, event: 'created' });
    const res = await post({ method: 'POST', body, headers: { 'content-type': 'application/json', 'x-zendesk-webhook-invocation-id': 'unsigned-1' } });
    expect(res.status).toBe(401);
    expect((await deliveryRows()).map((r) => r.invocation_id)).not.toContain('unsigned-1');
  });

  it('accepts a signed delivery once, and the queue consumer settles it in one attempt', async () => {
    const init = await signedDelivery(JSON.stringify({ ticket_id: 990001, event: 'created' }), { secret: webhookSecret, invocationId: 'invocation-990001' });
    expect((await post(init)).status).toBe(202);
    const again = await post(init);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: 'duplicate' });

    // The 202 came before any processing; the consumer, woken by the queue message, settles it
    // (no such ticket in Zendesk: a permanent failure, not retried).
    const row = await until('the delivery to be processed', async () => {
      const found = (await deliveryRows()).find((r) => r.invocation_id === 'invocation-990001');
      return found && !['pending', 'running'].includes(found.status) ? found : undefined;
    });
    expect(row).toMatchObject({ ticket_id: 990001, status: 'failed', attempts: 1 });
  });

  it('runs a new XML course from the ticket to completion: Zendesk trigger, approval macro, queue-driven steps, manual steps', async () => {
    const ticketId = sims.zendesk.createTicketAsRequester({
      email: 'prof@mit.test',
      name: 'Prof',
      fields: { request_type: 'new', course_number: '8.01r', course_title: 'Physics I', course_kind: 'xml', term: '2027_Spring', team_members: 'ada, grace', instructor: 'ada', weeks: 14 },
    });
    await until('intake to record the request', async () => {
      const view = await viewOf(ticketId);
      return view?.request.status === 'pending_approval' ? view : undefined;
    });
    sims.zendesk.applyMacroAsAgent(ticketId, managedTitle('Approve course request'));

    let manual = 0;
    for (;;) {
      const view = await until('the request to wait for an agent or finish', async () => {
        const found = await viewOf(ticketId);
        return found && ['waiting_on_agent', 'completed', 'failed'].includes(found.request.status) ? found : undefined;
      });
      if (view.request.status !== 'waiting_on_agent') break;
      const waiting = view.steps.find((s) => s.status === 'waiting');
      expect((await api(`/requests/${view.request.id}/steps/${waiting?.key}/complete`, { note: 'done as instructed' })).status).toBe(200);
      manual++;
    }

    const done = await viewOf(ticketId);
    expect(done?.request).toMatchObject({ status: 'completed', repo: 'mitx/content-mit-801r-2027_Spring' });
    expect(done?.steps.map((s) => s.status)).toEqual(['done', 'done', 'done', 'done', 'done', 'done', 'done', 'done', 'done']);
    expect(manual).toBe(2);
    expect(sims.github.read.team('mitx', 'content-mit-801r-2027_spring')?.members).toEqual(['ada', 'grace']);
    expect(sims.zendesk.ticket(ticketId).status).toBe('solved');
  }, 60_000);
});
