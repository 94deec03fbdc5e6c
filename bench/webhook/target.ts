/**
 * One HTTP target for the webhook bench, run as its own process so the load generator never
 * shares its event loop or its core with the server it measures.
 *
 *   node --import tsx bench/webhook/target.ts real|bare
 *
 * `real`: startService (the service's own config parsed from this process's environment).
 * `bare`: a Hono app on @hono/node-server that reads the body and answers 200: the ceiling.
 * Prints one line `READY <url>` on stdout, then runs until SIGTERM, closes and exits 0 (so a
 * --cpu-prof profile is written).
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { parseConfig } from '../../src/config';
import { startService } from '../../src/server';

async function bare(): Promise<{ url: string; close(): Promise<void> }> {
  const app = new Hono();
  app.post('/webhooks/zendesk', async (c) => {
    await c.req.arrayBuffer();
    return c.json({ status: 'accepted' }, 200);
  });
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve({ url: `http://127.0.0.1:${info.port}`, close: () => new Promise<void>((r) => server.close(() => r())) }),
    );
  });
}

async function real(): Promise<{ url: string; close(): Promise<void> }> {
  const service = await startService(parseConfig(process.env));
  return { url: service.url, close: () => service.close() };
}

const mode = process.argv[2];
if (mode !== 'real' && mode !== 'bare') throw new Error(`usage: target.ts real|bare (got ${mode})`);
const target = mode === 'real' ? await real() : await bare();
process.stdout.write(`READY ${target.url}\n`);
process.once('SIGTERM', () => {
  void target.close().then(() => process.exit(0));
});
