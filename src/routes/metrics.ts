import { Buffer } from 'node:buffer';
import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { AppError } from '../errors';

/** What GET /metrics serves: the Prometheus text of a runtime's metrics (Node's uses prom-client). */
export interface MetricsSource {
  contentType: string;
  render(): Promise<string>;
}

/** Told about every answered request; `route` is the matched pattern, never the raw path (ids would explode the series). */
export interface RequestObserver {
  request(request: { method: string; route: string; status: number }): void;
}

const sameSecret = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/** GET /metrics, behind its own bearer token (ORC_METRICS_TOKEN): not the sidebar's, so a scraper cannot act on requests. */
export function metricsRoutes(deps: { source: MetricsSource; token: string }) {
  const app = new Hono();
  app.get('/', async (c) => {
    const auth = c.req.header('authorization') ?? '';
    const given = /^Bearer (.+)$/.exec(auth)?.[1];
    if (!given || !sameSecret(given, deps.token)) {
      c.header('www-authenticate', 'Bearer realm="metrics"');
      throw new AppError(401, 'unauthorized', 'GET /metrics needs Authorization: Bearer <ORC_METRICS_TOKEN>');
    }
    return c.body(await deps.source.render(), 200, { 'content-type': deps.source.contentType, 'cache-control': 'no-store' });
  });
  return app;
}
