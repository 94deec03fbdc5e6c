/**
 * The engine's worker thread on Node (entry; started by thread-driver.ts): its own database
 * connections, integrations' HTTP clients, claims, steps and settles, so none of that work runs
 * on the HTTP server's event loop. The main thread answers, records deliveries and wakes it.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { parseConfig, secretValues } from '../config';
import { checkpointEvery, openServiceSqlite } from '../db/sqlite';
import { engineWriteTurn } from '../db/write-lock';
import { messageOf } from '../errors';
import type { CallObserver } from '../integrations/calls';
import { createLogger, createScrubber } from '../log';
import { nodeFiles } from '../node-files';
import { createServices } from '../services';
import { createEngine } from './engine';
import { startNodeDriver } from './node-driver';
import { onWakes } from './wake-cell';
import type { EngineThreadData, FromEngineThread, ToEngineThread } from './thread-driver';
import { engineOptionsFrom, type EngineObserver } from './types';

/** A coalesced settle's rows per write: ~32 table pages, well under a millisecond of the lock intake waits on. */
const SETTLE_CHUNK_ROWS = 32;

/** How often the engine's thread checkpoints the WAL, each in a write turn of a few ms: under a flood the WAL stays ~10 MB. */
const CHECKPOINT_MS = 250;

async function run(port: MessagePort, data: EngineThreadData): Promise<void> {
  const post = (message: FromEngineThread) => port.postMessage(message);
  const config = parseConfig(data.env, nodeFiles);
  const secrets = [...secretValues(config), ...data.extraSecrets];
  const scrub = createScrubber(secrets);
  // Every line says it came from the engine's thread.
  const log = createLogger({ level: data.logLevel, secrets, write: (line) => post({ type: 'log', line }) }, { thread: 'engine' });
  const databases = openServiceSqlite(data.databasePath);
  // Its bookkeeping writes and checkpoints take turns with the webhook recorder's commits through their shared lock.
  const writeTurn = data.writeLock && engineWriteTurn(data.writeLock);
  const stopCheckpoints = checkpointEvery(databases.engine, CHECKPOINT_MS, { turn: writeTurn, onError: (err) => log.warn('checkpoint failed', { error: messageOf(err) }) });
  try {
    const clock = Date.now;
    const observer: EngineObserver | undefined = data.metrics
      ? {
          stepSettled: (arg) => post({ type: 'engine', event: { name: 'stepSettled', arg } }),
          deliveryProcessed: (arg) => post({ type: 'engine', event: { name: 'deliveryProcessed', arg } }),
          noteSettled: (arg) => post({ type: 'engine', event: { name: 'noteSettled', arg } }),
        }
      : undefined;
    const calls: CallObserver | undefined = data.metrics ? { externalCall: (call) => post({ type: 'call', call }) } : undefined;
    const services = await createServices({ config, db: databases.app.db, clock, log, importPollMs: data.importPollMs, calls });
    const engine = createEngine({ db: databases.engine.db, clock, log, scrub, workflows: services.workflows, hooks: services.hooks, options: { ...engineOptionsFrom(config, data.engineId), settleChunkRows: SETTLE_CHUNK_ROWS }, observer, writeTurn });
    const driver = startNodeDriver(engine, { concurrency: config.ORC_ENGINE_CONCURRENCY, clock, log });
    services.bind({ engine, wake: driver.wake });
    await driver.recovered;
    const stopWakes = onWakes(data.wakes, driver.wake);
    port.on('message', (message: ToEngineThread) => {
      if (message.type === 'stop') {
        stopWakes();
        void driver.stop().then(() => {
          stopCheckpoints();
          databases.close();
          post({ type: 'stopped' });
        });
      }
    });
    post({ type: 'ready' });
  } catch (err) {
    stopCheckpoints();
    databases.close();
    // Only the scrubbed message crosses to the main thread (no cause: its text is not scrubbed).
    throw new Error(scrub(messageOf(err)));
  }
}

if (parentPort) {
  // A failure before 'ready' ends the thread with it: the main thread's 'error' event carries its message.
  void run(parentPort, workerData as EngineThreadData);
}
