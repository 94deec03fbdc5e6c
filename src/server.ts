import { randomBytes, randomUUID } from 'node:crypto';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from './app';
import { configEnv, parseConfig, secretValues, type Config } from './config';
import { sqliteReadiness } from './db/readiness';
import { openSqlite } from './db/sqlite';
import { createEngine } from './engine/engine';
import { startNodeDriver } from './engine/node-driver';
import { engineOptionsFrom, type Clock } from './engine/types';
import { createLogger, createScrubber, type Logger } from './log';
import { mountSandboxPages } from './sandbox/pages';
import { simulatorTicketStore } from './sandbox/helpdesk/simulator-ticket-store';
import { prepareSandbox } from './sandbox/prepare';
import { SANDBOX_CREDENTIALS, startSimulators, type SandboxSimulators } from './sandbox/simulators';
import { announceSandbox, withdrawSandbox } from './sandbox/running';
import { createWorldStore, savingTicketStore } from './sandbox/world-store';
import { createServices } from './services';
import { createDeliveryRecorder } from './webhooks/delivery-recorder';
import { createThreadedDeliveryRecorder } from './webhooks/sqlite-delivery-recorder';
import { webhookSecretSource } from './webhooks/secrets';

export interface RunningService {
  url: string;
  port: number;
  config: Config;
  /** The simulators, in sandbox mode. */
  sandbox?: SandboxSimulators;
  close(): Promise<void>;
}

/**
 * Starts the service on Node: SQLite file (migrated), the Hono app on a real HTTP server, and
 * the in-process engine driver. Used by `orcoursetrion serve` and by tests that need a real
 * process boundary.
 */
export async function startService(requested: Config, options: { log?: Logger; clock?: Clock } = {}): Promise<RunningService> {
  const clock = options.clock ?? Date.now;
  // Sandbox: the real clients, pointed at simulators served on loopback ports.
  const sims = requested.sandbox ? await startSimulators({ clock }) : undefined;
  const config = sims ? parseConfig({ ...configEnv(requested), ...sims.env, ORC_SANDBOX: '1' }) : requested;
  // Sandbox without a configured secret: a fresh one per process (the local pages mint their tokens in-process).
  const sharedSecret = config.ORC_APP_SHARED_SECRET ?? randomBytes(32).toString('hex');
  const secrets = [...secretValues(config), sharedSecret];
  const scrub = createScrubber(secrets);
  const log = options.log ?? createLogger({ level: config.ORC_LOG_LEVEL, secrets });
  const handle = openSqlite(config.ORC_DATABASE);
  // A file database takes deliveries on a writer thread; an in-memory one has a single connection.
  const threaded = config.ORC_DATABASE === ':memory:' ? undefined : createThreadedDeliveryRecorder(config.ORC_DATABASE);
  const world = sims && createWorldStore(handle.db, sims, clock);
  const services = await createServices({ config, db: handle.db, clock, log, importPollMs: sims ? 100 : undefined });

  let wake = () => {};
  const engine = createEngine({
    db: handle.db,
    clock,
    log,
    scrub,
    workflows: services.workflows,
    hooks: services.hooks,
    options: engineOptionsFrom(config, `node-${process.pid}-${randomUUID().slice(0, 8)}`),
  });
  const app = createApp({
    db: handle.db,
    clock,
    log,
    scrub,
    engine,
    workflows: services.workflows,
    validateDraft: services.validateDraft,
    desk: services.desk,
    sharedSecret,
    recorder: threaded ?? createDeliveryRecorder(handle.db),
    webhookSecrets: webhookSecretSource(handle.db, clock, config.ORC_ZENDESK_WEBHOOK_SECRET),
    ready: sqliteReadiness(handle.db),
    wake: () => wake(),
    timeZone: config.ORC_TIMEZONE,
    extraRoutes: sims && world ? (app) => mountSandboxPages(app, { sharedSecret, tickets: savingTicketStore(simulatorTicketStore(sims.zendesk), world), clock, log, courseStaff: { github: { apiUrl: config.ORC_GH_API_URL, token: SANDBOX_CREDENTIALS.githubToken }, orgs: [config.ORC_XML_ORG, config.ORC_STUDIO_ORG] } }) : undefined,
  });

  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.PORT, hostname: config.ORC_HOST }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://${config.ORC_HOST === '0.0.0.0' ? '127.0.0.1' : config.ORC_HOST}:${port}`;
  if (sims && world) {
    try {
      await prepareSandbox(sims, config, handle.db, config.ORC_PUBLIC_URL ? config.publicUrl : url, clock, log, world);
      await announceSandbox(handle.db, { service: url, env: sims.env }, clock());
    } catch (err) {
      // Leave nothing listening: a failed start must let the process exit.
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sims.close();
      await threaded?.close();
      handle.close();
      throw err;
    }
  }
  const driver = startNodeDriver(engine, { concurrency: config.ORC_ENGINE_CONCURRENCY, clock, log });
  wake = driver.wake;
  services.bind({ engine, wake: driver.wake });

  return {
    url,
    port,
    config,
    sandbox: sims,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await driver.stop();
      await sims?.close();
      await world?.save();
      if (sims) await withdrawSandbox(handle.db);
      await threaded?.close();
      handle.close();
    },
  };
}

/** `orcoursetrion serve` / `npm start`. */
export async function runServer(env: Record<string, string | undefined>): Promise<void> {
  const config = parseConfig(env);
  const service = await startService(config);
  process.stdout.write(
    `Orcoursetrion is running at ${service.url}${config.sandbox ? ' (sandbox mode: GitHub, Zendesk and edX are simulated)' : ''}\n` +
      (config.sandbox ? `  help desk: ${service.url}/helpdesk  (file a course request, approve it, follow the steps)\n` : '') +
      (config.sandbox ? `  course staff: ${service.url}/helpdesk/course-staff  (push a course image or about page, then request Publish)\n` : '') +
      `  database:  ${config.ORC_DATABASE}\n  health:    ${service.url}/healthz\n`,
  );
  const stop = async () => {
    await service.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
