import { drizzle } from 'drizzle-orm/d1';
import type { Hono } from 'hono';
import { createApp } from '../app';
import type { AgentCache } from '../auth/agent-directory';
import { parseConfig, secretValues, type Config } from '../config';
import * as schema from '../db/schema';
import type { Db } from '../db/types';
import { createEngine, type Engine } from '../engine/engine';
import { engineOptionsFrom } from '../engine/types';
import { messageOf } from '../errors';
import { createLogger, createScrubber, type Logger } from '../log';
import { appServices, createServices, type Services } from '../services';
import { createDeliveryRecorder } from '../webhooks/delivery-recorder';
import { webhookSecretSource } from '../webhooks/secrets';
import { settingsOf, type WorkerEnv } from './bindings';
import { d1Readiness } from './d1-readiness';

export interface WorkerRuntime {
  config: Config;
  webhookSecrets(): Promise<string[]>;
  db: Db;
  log: Logger;
  services: Services;
  engine: Engine;
  /** Tells the engine driver that work may be due now. */
  wake(): void;
}

// Per isolate and bindings object, only what holds plain data: the parsed settings, the
// webhook secrets (cached a few seconds, read from D1 inside whichever request asks), and the
// sidebar's agents as Zendesk named them (settled answers only). All else
// is built per invocation (below): a Worker must not carry I/O objects or pending promises
// from one request into another, and the integrations' clients may hold both.
interface IsolateState {
  config: Config;
  webhookSecrets(): Promise<string[]>;
  agents: AgentCache;
}
const isolates = new WeakMap<WorkerEnv, IsolateState>();
function isolateStateOf(env: WorkerEnv): IsolateState {
  let state = isolates.get(env);
  if (!state) {
    const config = parseConfig(settingsOf(env));
    state = { config, webhookSecrets: webhookSecretSource(drizzle(env.DB, { schema }) as unknown as Db, Date.now, config.ORC_ZENDESK_WEBHOOK_SECRET), agents: new Map() };
    isolates.set(env, state);
  }
  return state;
}

/** The sidebar's JWT secret; without one (sandbox) a random key nobody holds keeps /api closed. */
function sharedSecretOf(config: Config): string {
  if (config.ORC_APP_SHARED_SECRET) return config.ORC_APP_SHARED_SECRET;
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Database, logger, integrations and engine for one fetch, queue or scheduled invocation.
 * `wake` is what "work may be due" means in that invocation: a queue message from a request,
 * nothing inside the consumer (its loop claims until nothing is due).
 */
export async function createWorkerRuntime(env: WorkerEnv, wakeFor: (log: Logger) => () => void): Promise<WorkerRuntime> {
  const { config, webhookSecrets, agents } = isolateStateOf(env);
  const clock = Date.now;
  const secrets = secretValues(config);
  // Workers capture console output as the invocation's logs (wrangler tail, Logpush).
  const log = createLogger({ level: config.ORC_LOG_LEVEL, secrets, write: (line) => console.log(line) });
  const wake = wakeFor(log);
  const db = drizzle(env.DB, { schema }) as unknown as Db;
  const services = await createServices({ config, db, clock, log, agentCache: agents });
  const engine = createEngine({
    db,
    clock,
    log,
    scrub: createScrubber(secrets),
    workflows: services.workflows,
    hooks: services.hooks,
    options: engineOptionsFrom(config, `worker-${crypto.randomUUID()}`),
  });
  services.bind({ engine, wake });
  return { config, webhookSecrets, db, log, services, engine, wake };
}

/** A wake-up that enqueues a message, kept alive past the response with waitUntil. */
export const enqueueWake = (env: WorkerEnv, waitUntil: (p: Promise<unknown>) => void) => (log: Logger) => () =>
  waitUntil(env.ENGINE_QUEUE.send({ reason: 'new-work' }).catch((err: unknown) => log.error('could not enqueue an engine wake-up', { error: messageOf(err) })));

/** The Hono app on D1: the same routes as on Node. */
export function createWorkerApp(runtime: WorkerRuntime): Hono {
  const { config, webhookSecrets, db, log, services, engine, wake } = runtime;
  const sharedSecret = sharedSecretOf(config);
  const scrub = createScrubber([...secretValues(config), sharedSecret]);
  return createApp({
    db,
    clock: Date.now,
    log,
    scrub,
    engine,
    ...appServices(services),
    sharedSecret,
    // Each delivery is written in its own INSERT within the request that received it: batching
    // across requests would resolve one request's promise from another's I/O.
    recorder: createDeliveryRecorder(db, queueMicrotask),
    webhookSecrets,
    ready: d1Readiness(db),
    wake,
    timeZone: config.ORC_TIMEZONE,
  });
}
