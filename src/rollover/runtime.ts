import { randomUUID } from 'node:crypto';
import { secretValues, type Config } from '../config';
import { openSqlite, type SqliteHandle } from '../db/sqlite';
import { createEngine, type Engine } from '../engine/engine';
import { startNodeDriver } from '../engine/node-driver';
import { engineOptionsFrom, type Clock } from '../engine/types';
import type { Pacer } from '../integrations/github/pacer';
import { createScrubber, type Logger } from '../log';
import type { RequestDeps } from '../requests/actions';
import type { CreateDeps } from '../requests/create';
import { createServices, type Services } from '../services';

/**
 * The service's pieces in this process without its HTTP server: a command needs no webhook or
 * sidebar route, and must not take the port a running `serve` listens on. A `serve` process on
 * the same database may claim some of the same steps; leases keep each step to one worker.
 */
export interface Store {
  handle: SqliteHandle;
  services: Services;
  engine: Engine;
  /** What approve/complete/skip need (the engine's status refresh and the driver's wake-up). */
  requestDeps: RequestDeps;
  /** What request creation needs: the draft's rules and the database, GitHub and edX checks. */
  createDeps: CreateDeps;
  /** Routes wake-ups (after an approval or an agent's action) to a driver started on this store. */
  onWake(wake: () => void): void;
  close(): Promise<void>;
}

export interface StoreOptions {
  config: Config;
  log: Logger;
  clock?: Clock;
  /** One pacer for every GitHub call, so all writes of a batch count against one budget. */
  pacer?: Pacer;
  /** Scales GitHub's waits (Retry-After, retry backoff) for benches and tests. */
  timeScale?: number;
  importPollMs?: number;
  /** The fetch every integration uses (a bench routes it to in-process simulators). */
  fetch?: typeof fetch;
  /** Another database than the configured one (a plan preview uses ':memory:' to change nothing). */
  database?: string;
}

/** Database, integrations, workflows and an engine; nothing runs until a driver is started. */
export async function openStore(options: StoreOptions): Promise<Store> {
  const { config, log } = options;
  const clock = options.clock ?? Date.now;
  const path = options.database ?? config.ORC_DATABASE;
  const handle = openSqlite(path);
  const db = handle.db;
  const services = await createServices({ config, db, clock, log, fetch: options.fetch, importPollMs: options.importPollMs, github: { pacer: options.pacer, timeScale: options.timeScale } });
  const engine = createEngine({
    db,
    clock,
    log,
    scrub: createScrubber(secretValues(config)),
    workflows: services.workflows,
    hooks: services.hooks,
    options: engineOptionsFrom(config, `cli-${process.pid}-${randomUUID().slice(0, 8)}`),
  });
  const runtime = { wake: () => {} };
  services.bind({ engine, wake: () => runtime.wake() });
  return {
    handle,
    services,
    engine,
    requestDeps: { db, clock, workflows: services.workflows, engine, wake: () => runtime.wake(), timeZone: config.ORC_TIMEZONE },
    createDeps: { db, clock, config, desk: services.desk, ...services.assess },
    onWake(wake) {
      runtime.wake = wake;
    },
    async close() {
      handle.close();
    },
  };
}

/** A store whose engine runs here, `concurrency` steps at a time, until closed. */
export async function startBatchRuntime(options: StoreOptions & { concurrency: number }): Promise<Store> {
  const store = await openStore(options);
  const driver = startNodeDriver(store.engine, { concurrency: options.concurrency, clock: options.clock ?? Date.now, log: options.log });
  store.onWake(driver.wake);
  return {
    ...store,
    async close() {
      await driver.stop();
      await store.close();
    },
  };
}
