import { mkdtempSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll } from 'vitest';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, SECRET_SETTINGS } from '../../../src/config';
import { openSqlite } from '../../../src/db/sqlite';
import { createZendeskAdapter } from '../../../src/integrations/zendesk/adapter';
import { managedTitle } from '../../../src/courses/request-fields';
import { applySetup } from '../../../src/integrations/zendesk/setup/apply';
import { createLogger, silentLogger } from '../../../src/log';
import { startService, type RunningService } from '../../../src/server';
import { bundledEngineThread } from '../../support/engine-thread';
import { agentToken, SHARED_SECRET } from '../../support/harness';
import { openNotesOwed } from '../../support/notes-owed';
import { startSimulatorServers, type Credentials, type Handler, type SimulatorName, type SimulatorServers } from '../../support/simulator-servers';

/**
 * A reliability test's world: the simulators in the test process, a temp SQLite file set up by
 * the real `zendesk setup` code, and the environment a service (in-process or a child process)
 * needs to run against them on a fixed port, so Zendesk's stored webhook URL survives restarts.
 */
export interface World {
  sims: SimulatorServers;
  dir: string;
  dbPath: string;
  port: number;
  url: string;
  /** The service's environment (not sandbox mode). */
  env: Record<string, string>;
  sharedSecret: string;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function createWorld(options: {
  env?: Record<string, string>;
  credentials?: Partial<Credentials>;
  sharedSecret?: string;
  wrap?: (name: SimulatorName, handler: Handler) => Handler;
} = {}): Promise<World> {
  const sims = await startSimulatorServers({ credentials: options.credentials, wrap: options.wrap });
  const dir = mkdtempSync(join(tmpdir(), 'orc-reliability-'));
  const dbPath = join(dir, 'orc.db');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const sharedSecret = options.sharedSecret ?? SHARED_SECRET;
  const env: Record<string, string> = {
    ...sims.env,
    ORC_SANDBOX: 'false',
    ORC_APP_SHARED_SECRET: sharedSecret,
    ORC_DATABASE: dbPath,
    PORT: String(port),
    ORC_HOST: '127.0.0.1',
    ORC_PUBLIC_URL: url,
    ORC_LOG_LEVEL: 'debug',
    ...options.env,
  };
  // `zendesk setup` once, as an operator would: fields, form, macros, triggers, the webhook to us.
  const config = parseConfig(env);
  const handle = openSqlite(dbPath);
  try {
    await applySetup({ admin: createZendeskAdapter({ config, logger: silentLogger }).admin, db: handle.db, publicUrl: url, now: Date.now });
  } finally {
    handle.close();
  }
  return {
    sims,
    dir,
    dbPath,
    port,
    url,
    env,
    sharedSecret,
    async close() {
      await sims.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ApiAnswer {
  status: number;
  body: unknown;
  text: string;
}

/** The sidebar API over real HTTP, with an agent's JWT. Network errors (a dead service) reject. */
export async function api(world: Pick<World, 'url' | 'sharedSecret'>, path: string, init: { method?: string; body?: unknown } = {}): Promise<ApiAnswer> {
  const res = await fetch(`${world.url}/api${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { authorization: `Bearer ${await agentToken({}, world.sharedSecret)}`, 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(5_000),
  });
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text };
}

export interface StepView {
  key: string;
  kind: string;
  status: string;
  error: string | null;
  attempts?: number;
  instructions?: { text?: string; html?: string } | null;
}
export interface TicketView {
  request: { id: number; status: string; problems?: { field: string }[] };
  steps: StepView[];
}

function isTicketView(body: unknown): body is TicketView {
  return typeof body === 'object' && body !== null && 'request' in body && 'steps' in body && Array.isArray((body as { steps: unknown }).steps);
}

/** The ticket's request as the sidebar sees it; undefined while intake has not recorded it or the service is down. */
export async function ticketView(world: Pick<World, 'url' | 'sharedSecret'>, ticketId: number): Promise<TicketView | undefined> {
  try {
    const r = await api(world, `/tickets/${ticketId}`);
    return r.status === 200 && isTicketView(r.body) ? r.body : undefined;
  } catch {
    return undefined;
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const serviceUp = (world: Pick<World, 'url'>) =>
  fetch(`${world.url}/healthz`).then(
    (res) => res.ok,
    () => false,
  );

/** How many notes the service still owes the ticket (its outbox rows not posted yet, nor given up). */
export function notesOwed(world: Pick<World, 'dbPath'>, ticketId: number): number {
  const notes = openNotesOwed(world.dbPath);
  try {
    return notes.owed(ticketId);
  } finally {
    notes.close();
  }
}

/** Zendesk retries a delivery that got no 2xx; the simulator only does so when asked. */
export async function redeliverUnanswered(sims: SimulatorServers): Promise<number> {
  const unanswered = sims.zendesk.invocations().filter((inv) => inv.attempts.length > 0 && !inv.attempts.some((a) => a.status !== undefined && a.status < 300));
  await Promise.all(unanswered.map((inv) => sims.zendesk.retry(inv.id)));
  return unanswered.length;
}

export const APPROVE = () => managedTitle('Approve course request');

/**
 * Plays the requester's ticket through as Zendesk and an agent would, whatever state it is in:
 * re-sends deliveries the service missed, approves once it awaits approval, marks waiting
 * manual steps done. Tolerates the service being down (the caller may be killing it).
 * Resolves with the final view once the request completed or failed.
 */
export async function driveTicket(world: World, ticketId: number, options: { timeoutMs?: number; stop?: () => boolean } = {}): Promise<TicketView> {
  const end = Date.now() + (options.timeoutMs ?? 30_000);
  let approved = false;
  let lastRedeliver = 0;
  let last: TicketView | undefined;
  while (Date.now() < end && !options.stop?.()) {
    const view = await ticketView(world, ticketId);
    if (view) last = view;
    // Finished, and every note owed to the ticket posted (they are posted after the actions and steps that owe them).
    if ((view?.request.status === 'completed' || view?.request.status === 'failed') && notesOwed(world, ticketId) === 0) return view;
    if (Date.now() - lastRedeliver > 500) {
      lastRedeliver = Date.now();
      // Only while the service answers: a retry into a dead port is just another failed attempt.
      // Not only once the request exists: the lost delivery may be the one that creates it.
      if (view || (await serviceUp(world))) await redeliverUnanswered(world.sims);
    }
    if (view?.request.status === 'pending_approval' && !approved) {
      world.sims.zendesk.applyMacroAsAgent(ticketId, APPROVE());
      approved = true;
    }
    const waiting = view?.request.status === 'waiting_on_agent' ? view.steps.find((s) => s.status === 'waiting') : undefined;
    if (view && waiting) {
      await api(world, `/requests/${view.request.id}/steps/${waiting.key}/complete`, { body: { note: 'done as instructed' } }).catch(() => undefined);
    }
    await sleep(40);
  }
  throw new Error(`ticket ${ticketId} did not finish: ${last?.request.status} ${JSON.stringify(last?.steps.map((s) => `${s.key}:${s.status}:${s.attempts ?? ''}:${s.error ?? ''}`))}`);
}

/** The service in this process on the world's port, with its log lines captured. */
export async function startInProcess(world: World, env: Record<string, string> = {}): Promise<{ service: RunningService; logs: string[] }> {
  const logs: string[] = [];
  const config = parseConfig({ ...world.env, ...env });
  const secrets = SECRET_SETTINGS.map((k) => config[k]).filter((v): v is string => typeof v === 'string');
  const service = await startService(config, { log: createLogger({ level: 'debug', write: (l) => logs.push(l), secrets }), spawnEngineThread: bundledEngineThread });
  return { service, logs };
}

/**
 * A world with the service in this process, for a describe block: its database opened
 * read-only beside the service, so tests check what was recorded. Filled in by beforeAll.
 */
export function inProcessWorld(webhookSecret: string): { world: World; db: Database.Database } {
  const ctx = {} as { world: World; db: Database.Database };
  let service: RunningService | undefined;
  beforeAll(async () => {
    ctx.world = await createWorld({ env: { ORC_ZENDESK_WEBHOOK_SECRET: webhookSecret } });
    ({ service } = await startInProcess(ctx.world));
    ctx.db = new Database(ctx.world.dbPath, { readonly: true });
  }, 30_000);
  afterAll(async () => {
    ctx.db?.close();
    await service?.close();
    await ctx.world?.close();
  });
  return ctx;
}
