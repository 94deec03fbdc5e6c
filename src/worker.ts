import type { ExecutionContext, MessageBatch, ScheduledController } from '@cloudflare/workers-types/latest';
import { ConfigError } from './config';
import { messageOf } from './errors';
import type { WakeMessage, WorkerEnv } from './worker/bindings';
import { drainEngine, RECOVERY_WINDOW_MS } from './worker/engine-driver';
import { createWorkerApp, createWorkerRuntime, enqueueWake, type WorkerRuntime } from './worker/runtime';

// Inside the consumer and the cron run, new work needs no message: the drain loop that is
// running claims until nothing is due.
const drainPicksItUp = () => () => {};

/**
 * Cloudflare Workers entry: the same Hono app and engine as on Node, on D1, driven by a queue
 * (new work) and a cron trigger (timers). Nothing runs at import time; every invocation builds
 * its dependencies from the bindings.
 */

function drain(runtime: WorkerRuntime, env: WorkerEnv, loops: number) {
  return drainEngine(runtime.engine, {
    loops,
    clock: Date.now,
    log: runtime.log,
    send: async (message, delaySeconds) => {
      await env.ENGINE_QUEUE.send(message, { delaySeconds });
    },
  });
}

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    let runtime: WorkerRuntime;
    try {
      runtime = await createWorkerRuntime(env, enqueueWake(env, (p) => ctx.waitUntil(p)));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      // Node refuses to start; a Worker has no start, so every request says so, and the log
      // (wrangler tail) names each setting to fix. The message never carries a value.
      console.error(err.message);
      return Response.json({ error: { code: 'misconfigured', message: 'The service is misconfigured; the Worker log names each setting to fix', details: null } }, { status: 503 });
    }
    return createWorkerApp(runtime).fetch(request);
  },

  async queue(batch: MessageBatch<WakeMessage>, env: WorkerEnv) {
    const runtime = await createWorkerRuntime(env, drainPicksItUp);
    // A batch of wake-ups is a hint of how much work arrived: claim with that many loops.
    const loops = Math.min(batch.messages.length, runtime.config.ORC_ENGINE_CONCURRENCY);
    const result = await drain(runtime, env, loops);
    runtime.log.debug('engine drained', { messages: batch.messages.length, ...result });
    batch.ackAll();
  },

  async scheduled(_controller: ScheduledController, env: WorkerEnv, ctx: ExecutionContext) {
    ctx.waitUntil(
      (async () => {
        const runtime = await createWorkerRuntime(env, drainPicksItUp);
        // The cron is the backstop: an isolate evicted between a step and its request's status leaves them apart.
        await runtime.engine.recoverStatuses({ since: Date.now() - RECOVERY_WINDOW_MS }).catch((err: unknown) => runtime.log.error('could not recover request statuses', { error: messageOf(err) }));
        await drain(runtime, env, 1).catch((err: unknown) => runtime.log.error('scheduled engine run failed', { error: messageOf(err) }));
      })(),
    );
  },
};
