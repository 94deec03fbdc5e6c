import { Hono } from 'hono';
import type { Readiness } from '../db/types';

/** /healthz: the process answers. /readyz: the database answers and its schema is current. */
export function healthRoutes(ready: () => Promise<Readiness>) {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const result = await ready().catch((err: unknown) => ({ ok: false, checks: { database: err instanceof Error ? err.message : 'unreachable' } }));
    return c.json({ status: result.ok ? 'ready' : 'not_ready', checks: result.checks }, result.ok ? 200 : 503);
  });
  return app;
}
