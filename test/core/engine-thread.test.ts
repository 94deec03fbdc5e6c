import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { configEnv, parseConfig } from '../../src/config';
import { managedTitle } from '../../src/courses/request-fields';
import { openSqlite } from '../../src/db/sqlite';
import { startThreadDriver, type EngineThreadData, type FromEngineThread } from '../../src/engine/thread-driver';
import { createLogger } from '../../src/log';
import { startService, StartupError } from '../../src/server';
import { startSandbox, type Sandbox } from '../flows/sandbox';
import { bundledEngineThread } from '../support/engine-thread';
import { createWakeCell } from '../../src/engine/wake-cell';

const TOKEN = 'metrics-token-0123456789abcdef';

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const course = (number: string) => ({ request_type: 'new', course_number: number, course_title: 'Threads', course_kind: 'xml', term: '2027_Spring', team_members: 'ada', instructor: 'ada' });

describe('the engine in its worker thread (startService on a file database)', () => {
  let sb: Sandbox | undefined;
  afterEach(async () => {
    await sb?.close();
    sb = undefined;
  });

  it("processes deliveries and runs steps in the thread; the thread's step outcomes and calls show on /metrics", async () => {
    sb = await startSandbox({ ORC_METRICS_TOKEN: TOKEN });
    const { ticketId } = await sb.fileAndApprove(course('8.03t'));
    const view = await sb.until('the first step to be done', async () => {
      const r = await sb!.api(`/tickets/${ticketId}`);
      return r.body.steps?.[0]?.status === 'done' ? r.body : undefined;
    });
    expect(view.steps[0].key).toBe('create-repo');
    // The engine's lines come from its thread, relayed to the service's logger; none from this one.
    const stepLines = sb.logs.map((l) => JSON.parse(l)).filter((l) => l.msg === 'step done');
    expect(stepLines.length).toBeGreaterThanOrEqual(1);
    expect(stepLines.every((l) => l.thread === 'engine')).toBe(true);
    const text = await sb.until('the step to show on /metrics', async () => {
      const body = await (await fetch(`${sb!.service.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
      return (sample(body, 'orc_engine_steps_total{kind="auto",outcome="done"}') ?? 0) >= 1 ? body : undefined;
    });
    expect(sample(text, 'orc_webhook_deliveries_processed_total{outcome="done"}')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'orc_engine_step_duration_seconds_count{kind="auto",outcome="done"}')).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^orc_external_calls_total\{system="github",status="201"\} [1-9]/m);
  }, 60_000);

  it('stops in order on close(): the running item finishes and is settled, then the thread ends, then the database closes', async () => {
    sb = await startSandbox();
    const sims = sb.sims;
    const { ticketId } = await sb.file(course('8.04t'));
    sims.github.setLatency(1_000);
    sims.zendesk.applyMacroAsAgent(ticketId, managedTitle('Approve course request'));
    const inFlight = await sb.until('an engine call to GitHub in flight', () => sims.github.stats.requests.find((r) => r.method === 'POST' && r.status === 0), 30_000);
    const path = sb.service.config.ORC_DATABASE;
    await sb.close();
    sb = undefined;
    expect(inFlight.status).not.toBe(0);
    const db = openSqlite(path);
    try {
      const running = db.sqlite.prepare("SELECT (SELECT count(*) FROM steps WHERE status = 'running') + (SELECT count(*) FROM webhook_deliveries WHERE status = 'running') AS n").get() as { n: number };
      expect(running.n).toBe(0);
    } finally {
      db.close();
    }
  }, 60_000);

  it("refuses ':memory:' for the thread in one line naming ORC_DATABASE", async () => {
    const config = parseConfig({ ORC_SANDBOX: '1', ORC_DATABASE: ':memory:', PORT: '0' });
    const err = await startService(config, { engine: 'thread' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toMatch(/^ORC_DATABASE: [^\n]+$/);
  });
});

describe('the thread driver', () => {
  const dataFor = (databasePath: string, extraSecrets: string[] = []): EngineThreadData => ({
    env: configEnv(parseConfig({ ORC_SANDBOX: '1', ORC_DATABASE: databasePath })),
    databasePath,
    wakes: createWakeCell(),
    engineId: 'test-engine',
    extraSecrets,
    logLevel: 'debug',
    metrics: false,
  });
  const freshDb = () => {
    const path = join(mkdtempSync(join(tmpdir(), 'orc-engine-thread-')), 'orc.db');
    openSqlite(path).close();
    return path;
  };
  /** Starts threads with `start`, remembering each, and resolves `ready(n)` when the n-th one says it is ready. */
  const spawner = (start: (data: EngineThreadData) => Worker, onReady?: (worker: Worker) => void) => {
    const workers: Worker[] = [];
    const waiters: { n: number; resolve: () => void }[] = [];
    let ready = 0;
    const spawn = (data: EngineThreadData) => {
      const worker = start(data);
      workers.push(worker);
      worker.on('message', (m: FromEngineThread) => {
        if (m.type !== 'ready') return;
        ready++;
        waiters.filter((w) => w.n <= ready).forEach((w) => w.resolve());
        onReady?.(worker);
      });
      return worker;
    };
    return { spawn, workers, ready: (n: number) => new Promise<void>((resolve) => (n <= ready ? resolve() : waiters.push({ n, resolve }))) };
  };

  it('starts the thread again after it dies, logging the death as an error', async () => {
    const lines: string[] = [];
    const threads = spawner(bundledEngineThread);
    const driver = await startThreadDriver({ data: dataFor(freshDb()), log: createLogger({ level: 'debug', write: (l) => lines.push(l) }), scrub: (t) => t, spawn: threads.spawn, restartBaseMs: 1 });
    await threads.workers[0]!.terminate();
    await threads.ready(2);
    expect(threads.workers).toHaveLength(2);
    const deaths = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'the engine thread died; starting it again');
    expect(deaths).toEqual([expect.objectContaining({ level: 'error', error: 'it exited with code 1' })]);
    driver.wake();
    await driver.stop();
    expect(threads.workers[1]!.threadId).toBe(-1); // ended
  }, 60_000);

  it('ends a thread whose running work outlasts the stop grace, and says so', async () => {
    // A thread that says it is ready, then never answers the stop: its work is still running.
    const busy = () => new Worker("const { parentPort } = require('node:worker_threads'); parentPort.on('message', () => {}); parentPort.postMessage({ type: 'ready' });", { eval: true });
    const threads = spawner(busy);
    const lines: string[] = [];
    const driver = await startThreadDriver({ data: dataFor(freshDb()), log: createLogger({ level: 'debug', write: (l) => lines.push(l) }), scrub: (t) => t, spawn: threads.spawn, stopGraceMs: 50 });
    const exited = new Promise<number>((resolve) => threads.workers[0]!.once('exit', resolve));
    await driver.stop();
    await exited;
    expect(threads.workers[0]!.threadId).toBe(-1); // ended
    const warnings = lines.map((l) => JSON.parse(l)).filter((l) => l.level === 'warn');
    expect(warnings).toEqual([expect.objectContaining({ msg: 'the engine thread was ended with work still running', graceMs: 50 })]);
  }, 60_000);

  it('after five quick deaths in a row gives up with one line', async () => {
    // A thread that says it is ready, then is ended: the driver's counting is what is tested here, not the engine.
    const minimal = () => new Worker("const { parentPort } = require('node:worker_threads'); parentPort.on('message', () => {}); parentPort.postMessage({ type: 'ready' });", { eval: true });
    const threads = spawner(minimal, (worker) => void worker.terminate());
    let fatal: (line: string) => void = () => {};
    const gaveUp = new Promise<string>((resolve) => (fatal = resolve));
    const driver = await startThreadDriver({ data: dataFor(freshDb()), log: createLogger({ write: () => {} }), scrub: (t) => t, spawn: threads.spawn, restartBaseMs: 1, fatal });
    const line = await gaveUp;
    expect(line).toMatch(/^the engine thread died 5 times within a minute of starting \(last: it exited with code 1\); stopping$/);
    expect(threads.workers).toHaveLength(5);
    await driver.stop();
  }, 60_000);

  it('fails the start in one line, secrets scrubbed, when the thread cannot start (the TypeScript entry, under tsx)', async () => {
    const secret = 'sekret-folder-name-0123';
    const folder = join(mkdtempSync(join(tmpdir(), 'orc-engine-thread-')), secret);
    mkdirSync(folder); // a folder where the database file should be
    const err = await startThreadDriver({ data: dataFor(folder, [secret]), log: createLogger({ write: () => {} }), scrub: (t) => t.split(secret).join('[redacted]') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('EngineThreadStartError');
    expect((err as Error).message).toMatch(/^the engine thread failed to start: [^\n]+$/);
    expect((err as Error).message).not.toContain(secret);
  }, 60_000);
});
