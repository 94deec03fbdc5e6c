import { Worker } from 'node:worker_threads';
import { releaseEngineHold } from '../db/write-lock';
import { messageOf } from '../errors';
import type { CallObserver } from '../integrations/calls';
import type { Logger, LogLevel } from '../log';
import type { EngineDriver } from './node-driver';
import type { EngineObserver } from './types';
import { wakeThrough } from './wake-cell';

/** What the engine thread is started with (structured-cloned: plain data only). */
export interface EngineThreadData {
  /** The settings as environment strings (`configEnv`), the sandbox's simulator URLs included. */
  env: Record<string, string | undefined>;
  databasePath: string;
  /** Wake-ups from the HTTP thread (engine/wake-cell.ts); shared memory, kept across restarts. */
  wakes: SharedArrayBuffer;
  /** The write lock shared with the webhook recorder (db/write-lock.ts); shared memory, not a copy. */
  writeLock?: SharedArrayBuffer;
  /** Identifies the thread's engine in leases; each start of the thread adds its own suffix. */
  engineId: string;
  /** Secrets the settings do not hold (the sandbox's generated shared secret), scrubbed from logs too. */
  extraSecrets: string[];
  importPollMs?: number;
  logLevel: LogLevel;
  /** Relay the engine's and the integrations' observer events (only with /metrics on). */
  metrics: boolean;
}

export type ToEngineThread = { type: 'stop' };

type Observed<T> = { [K in keyof T]: T[K] extends (arg: infer A) => void ? { name: K; arg: A } : never }[keyof T];
export type EngineEvent = Observed<EngineObserver>;

export type FromEngineThread =
  | { type: 'ready' }
  | { type: 'stopped' }
  | { type: 'log'; line: string }
  | { type: 'engine'; event: EngineEvent }
  | { type: 'call'; call: Parameters<CallObserver['externalCall']>[0] };

export interface ThreadDriverOptions {
  data: EngineThreadData;
  /** Where the thread's log lines go (already scrubbed there; this logger scrubs again). */
  log: Logger;
  scrub: (text: string) => string;
  /** Told of the thread's engine and external-call events (metrics live on this thread). */
  observers?: { engine?: EngineObserver; calls?: CallObserver };
  /** Starts one thread; tests wrap it to reach the Worker. */
  spawn?: (data: EngineThreadData) => Worker;
  /** Called with one line when the thread keeps dying; the default writes it and exits 1. */
  fatal?: (line: string) => void;
  /** First restart delay; doubled after each quick death. */
  restartBaseMs?: number;
  /** How long stop() lets running items finish before it ends the thread anyway (default STOP_GRACE_MS). */
  stopGraceMs?: number;
}

/** The thread failed before it was ready: the service cannot start. */
export class EngineThreadStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineThreadStartError';
  }
}

/** A thread that dies sooner than this after becoming ready counts as a quick death. */
const QUICK_DEATH_MS = 60_000;
const MAX_QUICK_DEATHS = 5;
const MAX_RESTART_MS = 30_000;
/**
 * How long a stop waits for the thread's running items. An edX import is polled for up to 30
 * minutes, and a Ctrl-C should not wait for it: an item cut off is resumed like one a crash cut
 * off (its lease expires, the next start claims it, and every step is idempotent).
 */
export const STOP_GRACE_MS = 10_000;

/**
 * Starts the engine's worker thread (Node): in the bundle on `engine-thread.js`, its own entry
 * next to the chunk running this code; under tsx (vitest, `npm run dev`) through a bootstrap that
 * registers tsx's loader first, since a worker does not inherit it and `execArgv: ['--import',
 * 'tsx']` does not apply it to a worker's entry on Node 20.20 (tried: ERR_UNKNOWN_FILE_EXTENSION).
 */
export function spawnEngineThread(data: EngineThreadData): Worker {
  const entry = import.meta.url.endsWith('.ts') ? './engine-thread-tsx.mjs' : './engine-thread.js';
  return new Worker(new URL(entry, import.meta.url), { workerData: data });
}

/**
 * The engine in a worker thread, seen from the HTTP thread: the same `wake()`/`stop()` as the
 * in-process driver. Resolves once the thread's engine has recovered request statuses and
 * started; rejects (EngineThreadStartError, one line) if the thread fails before that. A thread
 * that dies later is logged and started again after a backoff (its leases expire and another
 * claimer takes the items: docs/reliability.md); after five quick deaths in a row `fatal` is called.
 */
export async function startThreadDriver(options: ThreadDriverOptions): Promise<EngineDriver> {
  const spawn = options.spawn ?? spawnEngineThread;
  const baseMs = options.restartBaseMs ?? 100;
  const fatal =
    options.fatal ??
    ((line: string) => {
      process.stderr.write(`${line}\n`);
      process.exit(1);
    });
  let current: { worker: Worker; stopped: Promise<void> } | undefined;
  let stopping = false;
  let generation = 0;
  let quickDeaths = 0;
  let restartTimer: ReturnType<typeof setTimeout> | undefined;

  function onMessage(message: FromEngineThread): void {
    switch (message.type) {
      case 'log':
        relayLog(options.log, message.line);
        break;
      case 'engine':
        observe(options.observers?.engine, message.event);
        break;
      case 'call':
        options.observers?.calls?.externalCall(message.call);
        break;
    }
  }

  /** One thread, resolved when ready; its death after that is `died`'s to handle. */
  function launch(): Promise<void> {
    const worker = spawn({ ...options.data, engineId: `${options.data.engineId}-${generation++}` });
    let ready = false;
    let readyAt = 0;
    let failure: string | undefined;
    let markStopped = () => {};
    const stopped = new Promise<void>((resolve) => (markStopped = resolve));
    current = { worker, stopped };
    return new Promise((resolve, reject) => {
      worker.on('message', (message: FromEngineThread) => {
        if (message.type === 'ready') {
          ready = true;
          readyAt = Date.now();
          resolve();
        } else if (message.type === 'stopped') markStopped();
        else onMessage(message);
      });
      worker.on('error', (err) => {
        failure ??= options.scrub(messageOf(err).split('\n')[0]!);
      });
      worker.on('exit', (code) => {
        markStopped();
        if (options.data.writeLock) releaseEngineHold(options.data.writeLock);
        if (current?.worker === worker) current = undefined;
        const reason = failure ?? `it exited with code ${code}`;
        if (!ready) reject(new EngineThreadStartError(`the engine thread failed to start: ${reason}`));
        else if (!stopping) died(reason, Date.now() - readyAt);
      });
    });
  }

  function died(reason: string, livedMs: number): void {
    quickDeaths = livedMs < QUICK_DEATH_MS ? quickDeaths + 1 : 0;
    if (quickDeaths >= MAX_QUICK_DEATHS) {
      fatal(`the engine thread died ${MAX_QUICK_DEATHS} times within a minute of starting (last: ${reason}); stopping`);
      return;
    }
    const delay = Math.min(MAX_RESTART_MS, baseMs * 2 ** Math.max(0, quickDeaths - 1));
    options.log.error('the engine thread died; starting it again', { error: reason, restartInMs: delay });
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      if (stopping) return;
      // A restart that fails before it is ready is one more quick death.
      launch().catch((err: unknown) => died(messageOf(err), 0));
    }, delay);
  }

  await launch();
  return {
    wake: wakeThrough(options.data.wakes),
    async stop() {
      stopping = true;
      if (restartTimer) clearTimeout(restartTimer);
      const running = current;
      if (!running) return;
      // The thread's driver lets running items finish and closes its connections, then says so.
      running.worker.postMessage({ type: 'stop' } satisfies ToEngineThread);
      const graceMs = options.stopGraceMs ?? STOP_GRACE_MS;
      let grace: ReturnType<typeof setTimeout> | undefined;
      const finished = await Promise.race([running.stopped.then(() => true), new Promise<false>((resolve) => (grace = setTimeout(() => resolve(false), graceMs)))]);
      clearTimeout(grace);
      if (!finished) {
        options.log.warn('the engine thread was ended with work still running', { graceMs, resumed: 'once their leases expire (ORC_LEASE_SECONDS), by the next start' });
      }
      await running.worker.terminate();
    },
  };
}

function observe(observer: EngineObserver | undefined, event: EngineEvent): void {
  if (!observer) return;
  if (event.name === 'stepSettled') observer.stepSettled(event.arg);
  else if (event.name === 'deliveryProcessed') observer.deliveryProcessed(event.arg);
  else observer.noteSettled(event.arg);
}

const LEVELS = new Set(['debug', 'info', 'warn', 'error']);

/** A JSON log line from the thread, written through this thread's logger (tests inject one). */
function relayLog(log: Logger, line: string): void {
  const { level, msg, time: _time, ...fields } = JSON.parse(line) as { level: LogLevel; msg: string; time?: string } & Record<string, unknown>;
  log[LEVELS.has(level) ? level : 'info'](msg, fields);
}
