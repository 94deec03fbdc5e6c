import { randomBytes, randomUUID } from 'node:crypto';
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from './app';
import { configEnv, parseConfig, secretValues, type Config } from './config';
import { sqliteReadiness } from './db/readiness';
import { openServiceSqlite } from './db/sqlite';
import { dueBacklog, outboxBacklog } from './engine/claim';
import { createEngine } from './engine/engine';
import { startNodeDriver, type EngineDriver } from './engine/node-driver';
import { EngineThreadStartError, startThreadDriver, STOP_GRACE_MS, type ThreadDriverOptions } from './engine/thread-driver';
import { engineOptionsFrom, type Clock } from './engine/types';
import { messageOf } from './errors';
import { createLogger, createScrubber, type Logger } from './log';
import { mountSandboxPages } from './sandbox/pages';
import { simulatorTicketStore } from './sandbox/helpdesk/simulator-ticket-store';
import { prepareSandbox } from './sandbox/prepare';
import { SANDBOX_CREDENTIALS, startSimulators, type SandboxSimulators } from './sandbox/simulators';
import { nodeFiles } from './node-files';
import { CLOSE_GRACE_MS, closerFor } from './node-server-close';
import { announceSandbox, withdrawSandbox } from './sandbox/running';
import { createWorldStore, savingTicketStore } from './sandbox/world-store';
import { appServices, createServices } from './services';
import { createDeliveryRecorder } from './webhooks/delivery-recorder';
import { createSqliteDeliveryRecorder } from './webhooks/sqlite-delivery-recorder';
import { createWriteLockBuffer } from './db/write-lock';
import { createWakeCell } from './engine/wake-cell';
import { webhookSecretSource } from './webhooks/secrets';

export interface RunningService {
  url: string;
  port: number;
  config: Config;
  /** The simulators, in sandbox mode. */
  sandbox?: SandboxSimulators;
  close(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  clock?: Clock;
  /**
   * Where the engine runs: 'thread' (a worker thread with its own connections, off the HTTP
   * server's event loop) or 'inline' (this thread's driver). Default: the thread for a file
   * database; inline for ':memory:' (one connection cannot be shared) or an injected clock (a
   * function cannot cross threads).
   */
  engine?: 'thread' | 'inline';
  /** Starts the engine's thread (default: spawnEngineThread). Tests start the CLI bundle's, which loads in a fraction of tsx's time. */
  spawnEngineThread?: ThreadDriverOptions['spawn'];
}

/**
 * Starts the service on Node: SQLite file (migrated), the Hono app on a real HTTP server, and
 * the engine driver (in a worker thread, or in-process: StartOptions.engine). Used by
 * `orcoursetrion serve` and by tests that need a real process boundary.
 */
export async function startService(requested: Config, options: StartOptions = {}): Promise<RunningService> {
  const clock = options.clock ?? Date.now;
  const engineMode = options.engine ?? (requested.ORC_DATABASE === ':memory:' || options.clock ? 'inline' : 'thread');
  if (engineMode === 'thread' && requested.ORC_DATABASE === ':memory:') throw new StartupError("ORC_DATABASE: ':memory:' cannot be shared with the engine's thread; set it to a file path, or start the engine inline");
  // What is open so far, closed in reverse by close() or by a start that fails part way (a
  // failed start must leave nothing running, so the process can exit).
  const opened: (() => Promise<void> | void)[] = [];
  const closeAll = async () => {
    for (const close of opened.splice(0).reverse()) await close();
  };
  try {
    // Sandbox: the real clients, pointed at simulators served on loopback ports.
    const sims = requested.sandbox ? await startSimulators({ clock, gitreloadBranches: { staging: requested.ORC_STAGING_GITRELOAD_BRANCH, production: requested.ORC_PRODUCTION_GITRELOAD_BRANCH } }) : undefined;
    if (sims) opened.push(() => sims.close());
    const config = sims ? parseConfig({ ...configEnv(requested), ...sims.env, ORC_SANDBOX: '1' }, nodeFiles) : requested;
    // Sandbox without a configured secret: a fresh one per process (the local pages mint their tokens in-process).
    const sharedSecret = config.ORC_APP_SHARED_SECRET ?? randomBytes(32).toString('hex');
    const secrets = [...secretValues(config), sharedSecret];
    const scrub = createScrubber(secrets);
    const log = options.log ?? createLogger({ level: config.ORC_LOG_LEVEL, secrets });
    const databases = openDatabase(config.ORC_DATABASE);
    opened.push(() => databases.close());
    const handle = databases.app;
    // A file database takes deliveries on a connection of their own; an in-memory one has a single connection.
    const writeLock = config.ORC_DATABASE === ':memory:' ? undefined : createWriteLockBuffer();
    const fileRecorder = writeLock && createSqliteDeliveryRecorder(config.ORC_DATABASE, writeLock, {
      onSyncThreadError: (err) => log.warn('the WAL sync thread failed; deliveries are synced on the HTTP thread until the next start', { error: messageOf(err) }),
    });
    if (fileRecorder) opened.push(() => fileRecorder.close());
    // The sandbox's world is saved with the database (a restart continues the story).
    const world = sims && createWorldStore(handle.db, sims, clock);
    if (world) {
      opened.push(async () => {
        await world.save();
        await withdrawSandbox(handle.db);
      });
    }
    // prom-client (with the OpenTelemetry API it loads) only when /metrics exists: a tenth of the service's code to compile at start.
    const metrics = config.ORC_METRICS_TOKEN ? (await import('./metrics/prometheus')).createPrometheusMetrics({ backlog: () => dueBacklog(handle.db, clock()), outbox: () => outboxBacklog(handle.db, clock()), clock }) : undefined;
    const services = await createServices({ config, db: handle.db, clock, log, importPollMs: sims ? 100 : undefined, calls: metrics?.calls });
    const recorder = fileRecorder ?? createDeliveryRecorder(handle.db);

    let wake = () => {};
    const engineId = `node-${process.pid}-${randomUUID().slice(0, 8)}`;
    // With the engine in its thread this instance is never driven: routes refresh request statuses through it.
    const engine = createEngine({
      db: databases.engine.db,
      clock,
      log,
      scrub,
      workflows: services.workflows,
      hooks: services.hooks,
      options: engineOptionsFrom(config, engineId),
      observer: metrics?.engine,
    });
    const app = createApp({
      db: handle.db,
      clock,
      log,
      scrub,
      engine,
      ...appServices(services),
      sharedSecret,
      recorder: metrics
        ? {
            async record(delivery) {
              const outcome = await recorder.record(delivery);
              metrics.deliveryReceived(outcome);
              return outcome;
            },
          }
        : recorder,
      webhookSecrets: webhookSecretSource(handle.db, clock, config.ORC_ZENDESK_WEBHOOK_SECRET),
      ready: sqliteReadiness(handle.db),
      wake: () => wake(),
      timeZone: config.ORC_TIMEZONE,
      extraRoutes:
        sims && world
          ? (app) =>
              mountSandboxPages(app, {
                sharedSecret,
                tickets: savingTicketStore(simulatorTicketStore(sims.zendesk), world),
                clock,
                log,
                courseStaff: { github: { apiUrl: config.ORC_GH_API_URL, token: SANDBOX_CREDENTIALS.githubToken }, orgs: [config.ORC_XML_ORG, config.ORC_STUDIO_ORG] },
              })
          : undefined,
      metrics: metrics && config.ORC_METRICS_TOKEN ? { source: metrics, token: config.ORC_METRICS_TOKEN, requests: metrics.requests } : undefined,
    });

    const server = await listen(app.fetch, config);
    opened.push(closerFor(server));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    const url = `http://${config.ORC_HOST === '0.0.0.0' ? '127.0.0.1' : config.ORC_HOST}:${port}`;
    if (sims && world) {
      await prepareSandbox(sims, config, handle.db, config.ORC_PUBLIC_URL ? config.publicUrl : url, clock, log, world);
      await announceSandbox(handle.db, { service: url, env: sims.env }, clock());
    }
    const driver: EngineDriver =
      engineMode === 'thread'
        ? await startEngineThread({
            // An injected logger (tests) is sent every line and applies its own level.
            data: { env: configEnv(config), databasePath: config.ORC_DATABASE, writeLock, wakes: createWakeCell(), engineId, extraSecrets: [sharedSecret], importPollMs: sims ? 100 : undefined, logLevel: options.log ? 'debug' : config.ORC_LOG_LEVEL, metrics: metrics !== undefined },
            log,
            scrub,
            observers: metrics && { engine: metrics.engine, calls: metrics.calls },
            spawn: options.spawnEngineThread,
          })
        : startNodeDriver(engine, { concurrency: config.ORC_ENGINE_CONCURRENCY, clock, log });
    // The driver stops right after the server, before the simulators and the database.
    opened.splice(opened.length - 1, 0, () => driver.stop());
    wake = driver.wake;
    services.bind({ engine, wake: driver.wake });

    return { url, port, config, sandbox: sims, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** A start-up failure an operator fixes with a setting: its message is one line naming it. */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

/** The engine's thread, or a StartupError of one line (the thread's own failure) when it cannot start. */
async function startEngineThread(options: ThreadDriverOptions): Promise<EngineDriver> {
  try {
    return await startThreadDriver(options);
  } catch (err) {
    if (err instanceof EngineThreadStartError) throw new StartupError(err.message, { cause: err });
    throw err;
  }
}

const writable = (dir: string) => {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

const reasonOf = (err: unknown) => {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
  const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
};

function openDatabase(path: string) {
  try {
    return openServiceSqlite(path);
  } catch (err) {
    throw new StartupError(`ORC_DATABASE: cannot open ${JSON.stringify(path)} (${whyUnopenable(path) ?? reasonOf(err)}); set it to a file path in a folder this process can write`, { cause: err });
  }
}

/** The plain reason for the two path mistakes SQLite and mkdir report obscurely. */
function whyUnopenable(path: string): string | undefined {
  const stat = (p: string) => {
    try {
      return statSync(p, { throwIfNoEntry: false });
    } catch {
      return undefined; // ENOTDIR: a file above it, found further up
    }
  };
  if (stat(path)?.isDirectory()) return 'it is a folder';
  for (let dir = dirname(resolve(path)); ; dir = dirname(dir)) {
    const found = stat(dir);
    if (found && !found.isDirectory()) return `${dir} is a file, not a folder`;
    if (found) return writable(dir) ? undefined : `this process may not write in ${dir}`;
    if (dir === dirname(dir)) return undefined;
  }
}

/** Listens on ORC_HOST:PORT, or fails with the setting to change (Node's raw EADDRINUSE is a stack trace). */
function listen(fetch: (request: Request) => Response | Promise<Response>, config: Config): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port: config.PORT, hostname: config.ORC_HOST }, () => {
      server.off('error', refuse);
      resolve(server);
    });
    function refuse(err: NodeJS.ErrnoException) {
      const where = `${config.ORC_HOST}:${config.PORT}`;
      reject(
        new StartupError(
          err.code === 'EADDRINUSE'
            ? `PORT: ${config.PORT} is already in use on ${config.ORC_HOST}; stop the other process or set PORT to a free port`
            : err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND'
              ? `ORC_HOST: cannot listen on ${where} (${err.code}); set ORC_HOST to an address of this machine, e.g. 127.0.0.1 or 0.0.0.0`
              : `PORT: cannot listen on ${where} (${reasonOf(err)}); set PORT to a free port this process may open`,
          { cause: err },
        ),
      );
    }
    server.on('error', refuse);
  });
}

/** `orcoursetrion serve` / `npm start`. */
export async function runServer(env: Record<string, string | undefined>): Promise<void> {
  const config = parseConfig(env, nodeFiles);
  let service: RunningService | undefined;
  let stopping = false;
  const closeAndExit = async (started: RunningService) => {
    await started.close();
    process.exit(0);
  };
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // A stop can take seconds (closerFor's and the engine's graces): say so, and how not to wait.
    process.stderr.write(
      `Stopping: answering the requests under way, then letting running steps finish (up to ${CLOSE_GRACE_MS / 1000} s and ${STOP_GRACE_MS / 1000} s; a step cut off resumes at the next start). Press Ctrl-C again to quit at once.\n`,
    );
    // Still starting: the start's end closes it.
    if (service) await closeAndExit(service);
  };
  // Handled from the start: the service answers /healthz before startService resolves (the
  // engine's thread is still starting); a signal then stops it, with its stop, once it has started.
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  service = await startService(config);
  if (stopping) return closeAndExit(service);
  process.stdout.write(
    `Orcoursetrion is running at ${service.url}${config.sandbox ? ' (sandbox mode: GitHub, Zendesk and edX are simulated)' : ''}\n` +
      (config.sandbox ? `  help desk: ${service.url}/helpdesk  (file a course request, approve it, follow the steps)\n` : '') +
      (config.sandbox ? `  course staff: ${service.url}/helpdesk/course-staff  (push a course image or about page, then request Publish)\n` : '') +
      `  database:  ${config.ORC_DATABASE}\n  health:    ${service.url}/healthz\n`,
  );
}
