import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { routePath } from 'hono/route';
import { secureHeaders } from 'hono/secure-headers';
import type { Readiness } from './db/types';
import type { Logger } from './log';
import { apiRoutes, type ApiDeps } from './routes/api';
import { API_MAX_BODY_BYTES, boundedBody } from './routes/body-limit';
import { dashboardRoutes } from './routes/dashboard';
import { healthRoutes } from './routes/health';
import { metricsRoutes, type MetricsSource, type RequestObserver } from './routes/metrics';
import { errorResponse } from './routes/http-errors';
import { webhookRoutes, type WebhookDeps } from './routes/webhooks';

export interface AppDeps extends ApiDeps, Omit<WebhookDeps, 'onDelivery'> {
  log: Logger;
  scrub(text: string): string;
  ready(): Promise<Readiness>;
  /** Extra routes mounted by the entry point (e.g. the sandbox's help-desk page). */
  extraRoutes?: (app: Hono) => void;
  /** GET /metrics and request counts; an entry point that has no metrics (the Worker) leaves it out. */
  metrics?: { source: MetricsSource; token: string; requests: RequestObserver };
}

/**
 * The service as a Hono app. It takes every dependency in (database, clock, integrations,
 * engine wake-up), so Node, Workers and tests build the same app around different parts.
 */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.onError((err, c) => errorResponse(err, c, deps.log, deps.scrub));
  // The path is scrubbed: a URL can carry a secret (the help-desk proxy substitutes settings into it).
  app.notFound((c) => c.json({ error: { code: 'not_found', message: `No route for ${c.req.method} ${deps.scrub(c.req.path)}`, details: null } }, 404));

  const metrics = deps.metrics;
  if (metrics) {
    app.use('*', async (c, next) => {
      await next();
      // After next(), the route index is the handler that answered: its pattern, not the raw path.
      metrics.requests.request({ method: c.req.method, route: routePath(c), status: c.res.status });
    });
  }
  // Zendesk's webhook first: the intake hot path needs none of the browser-facing middleware
  // below (request ids, security headers); it logs what it refuses itself.
  app.route('/webhooks', webhookRoutes({ ...deps, onDelivery: deps.wake }));

  app.use('*', requestId());
  app.use('*', secureHeaders({ crossOriginResourcePolicy: false }));
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    deps.log.info('http', { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started), requestId: c.get('requestId') });
  });
  app.route('/', healthRoutes(deps.ready));
  if (metrics) app.route('/metrics', metricsRoutes({ source: metrics.source, token: metrics.token }));
  app.use('/api/*', boundedBody(API_MAX_BODY_BYTES, 'Request bodies are at most 64 KiB'));
  app.route('/api', apiRoutes(deps));
  app.route('/api/dashboard', dashboardRoutes(deps));
  deps.extraRoutes?.(app);
  return app;
}
