/**
 * The ceiling for the webhook bench, run as its own process so the load generator never shares
 * its event loop or its core with the server it measures (the service itself runs as
 * `npm start` does: bench/support/child.ts, builtService):
 *
 *   node --import tsx bench/webhook/target.ts bare
 *
 * A Hono app on @hono/node-server that reads the body and answers 200. Prints one line
 * `READY <url>` on stdout, then runs until SIGTERM, closes and exits 0 (so a --cpu-prof profile
 * is written).
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

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

if (process.argv[2] !== 'bare') throw new Error(`usage: target.ts bare (got ${process.argv[2]})`);
const target = await bare();
process.stdout.write(`READY ${target.url}\n`);
process.once('SIGTERM', () => {
  void target.close().then(() => process.exit(0));
});
