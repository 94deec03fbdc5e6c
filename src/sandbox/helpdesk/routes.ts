import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { API_MAX_BODY_BYTES, boundedBody } from '../../routes/body-limit';
import { hostShell, type PrerenderedFrame } from './host-shell';
import { readStatic } from './static-files';
import { fieldValuesSchema, newTicketSchema, type HelpdeskTicketStore } from './ticket-store';
import { proxyZafRequest } from './zaf-proxy';
import { SANDBOX_AGENT } from '../agent';

export interface HelpdeskDeps {
  /** The secret the app's secure `shared_secret` setting holds (the service's ORC_APP_SHARED_SECRET). */
  sharedSecret: string;
  tickets: HelpdeskTicketStore;
  /** Where the app calls the service; default: the origin this page is served from. */
  serviceUrl?: string;
  /** The built app (`npm run app:build`); default: zendesk-app/dist. */
  appDist?: string;
  clock?: () => number;
  /** How the request proxy calls the service; default: `fetch` (mountHelpdesk passes the app itself). */
  fetch?: typeof fetch;
  /** The agent the page pretends to be. */
  agent?: { id: number; name: string; email: string };
}

const DEFAULT_DIST = fileURLToPath(new URL('../../../zendesk-app/dist', import.meta.url));

const idParam = z.coerce.number().int().positive();

/** The help desk's tab icon: a course card with a check mark, in the page's blue. */
const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect x="2" y="5" width="28" height="22" rx="4" fill="#1f73b7"/><path d="M9 16l5 5 9-10" fill="none" stroke="#fff" stroke-width="3.5" stroke-linecap="round" stroke-linejoin="round"/></svg>';

/**
 * The local help-desk page: a minimal agent workspace (ticket list, ticket view with the
 * sidebar app, a course-request form with the new-ticket sidebar, the nav-bar dashboard) that
 * hosts the real built app and answers its ZAF messages. Sandbox only: its request proxy signs
 * tokens for whoever opens the page, exactly as Zendesk does for a signed-in agent.
 */
export function helpdeskRoutes(basePath: string, deps: HelpdeskDeps): Hono {
  const app = new Hono();
  const dist = deps.appDist ?? DEFAULT_DIST;
  const clock = deps.clock ?? Date.now;
  const serviceUrlOf = (requestUrl: string) => (deps.serviceUrl ?? new URL(requestUrl).origin).replace(/\/+$/, '');

  const appUrl = `${basePath}/app/iframe.html`;
  const shell = (c: Context, frame?: PrerenderedFrame) =>
    c.html(
      hostShell(
        { basePath, appUrl, settings: { service_url: serviceUrlOf(c.req.url) }, currentUser: deps.agent ?? SANDBOX_AGENT },
        existsSync(join(dist, 'assets', 'iframe.html')),
        frame,
      ),
    );
  for (const page of ['/', '/new', '/dashboard']) app.get(page, (c) => shell(c));
  app.get('/favicon.svg', (c) => c.body(FAVICON, 200, { 'content-type': 'image/svg+xml', 'cache-control': 'max-age=86400' }));
  // A ticket page carries the sidebar's iframe in its HTML: the app loads while the page's script does.
  app.get('/tickets/:id', (c) => {
    if (!idParam.safeParse(c.req.param('id')).success) return shell(c);
    const src = new URL(appUrl, c.req.url);
    src.searchParams.set('origin', src.origin);
    src.searchParams.set('app_guid', `sandbox-ticket_sidebar-${randomUUID().slice(0, 8)}`);
    return shell(c, { src: `${src.pathname}${src.search}`, title: 'Orcoursetrion app (ticket sidebar)' });
  });

  const serveFrom = (root: string, prefix: string) => async (c: Context) => {
    const file = await readStatic(root, c.req.path.slice(c.req.path.indexOf(prefix) + prefix.length), c.req.header('if-none-match'));
    if (!file) return c.notFound();
    // no-cache: the browser asks every time (the names carry no hash), and a current copy costs a 304.
    const headers = { 'content-type': file.type, 'cache-control': 'no-cache', etag: file.etag };
    return file.body ? c.body(new Uint8Array(file.body), 200, headers) : c.body(null, 304, headers);
  };
  app.get('/app/*', serveFrom(join(dist, 'assets'), '/app/'));
  app.get('/host/*', serveFrom(join(dist, 'helpdesk'), '/host/'));

  app.use('/api/*', boundedBody(API_MAX_BODY_BYTES, 'Request bodies are at most 64 KiB'));
  app.get('/api/ticket-fields', async (c) => c.json({ fields: await deps.tickets.ticketFields() }));
  app.get('/api/tickets', async (c) => c.json({ tickets: await deps.tickets.listTickets() }));
  app.get('/api/tickets/:id', async (c) => {
    const id = idParam.safeParse(c.req.param('id'));
    const ticket = id.success ? await deps.tickets.getTicket(id.data) : undefined;
    return ticket ? c.json({ ticket }) : c.json({ error: { code: 'not_found', message: 'no such ticket' } }, 404);
  });
  app.put('/api/tickets/:id/fields', async (c) => {
    const id = idParam.safeParse(c.req.param('id'));
    const body = z.object({ customFields: fieldValuesSchema }).safeParse(await c.req.json().catch(() => null));
    if (!id.success || !body.success) return c.json({ error: { code: 'invalid', message: 'expected { customFields: [{ id, value }] }' } }, 400);
    const ticket = await deps.tickets.setFields(id.data, body.data.customFields);
    return ticket ? c.json({ ticket }) : c.json({ error: { code: 'not_found', message: 'no such ticket' } }, 404);
  });
  app.post('/api/tickets', async (c) => {
    const body = newTicketSchema.safeParse(await c.req.json().catch(() => null));
    if (!body.success) return c.json({ error: { code: 'invalid', message: body.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ') } }, 400);
    return c.json({ ticket: await deps.tickets.createTicket(body.data) }, 201);
  });

  // The request proxy. JSON only: a cross-site form cannot post JSON without a CORS preflight,
  // which this route never answers, so other sites cannot use it to mint tokens.
  app.post('/api/zaf-request', async (c) => {
    if (!(c.req.header('content-type') ?? '').startsWith('application/json')) return c.json({ error: { code: 'unsupported_media_type', message: 'send JSON' } }, 415);
    const serviceUrl = serviceUrlOf(c.req.url);
    const answer = await proxyZafRequest(await c.req.json().catch(() => null), {
      settings: { service_url: { value: serviceUrl, secure: false }, shared_secret: { value: deps.sharedSecret, secure: true, scopes: ['jwt_secret_key'] } }, // scopes as zendesk-app/manifest.json declares them
      allowedOrigins: [new URL(serviceUrl).origin],
      now: clock,
      ...(deps.serviceUrl === undefined && deps.fetch ? { fetch: deps.fetch } : {}),
    });
    return c.json(answer);
  });
  return app;
}

/** Mounts the page at `basePath` (default /helpdesk): `extraRoutes: (app) => mountHelpdesk(app, deps)`. */
export function mountHelpdesk(app: Hono, deps: HelpdeskDeps, basePath = '/helpdesk'): void {
  // The service is this very app (no serviceUrl given): the proxy hands it the request in
  // process, the same Request with the same token, without a second HTTP round trip.
  const inProcess: typeof fetch = async (input, init) => app.fetch(new Request(input, init));
  // `/helpdesk/` is the same page as `/helpdesk` (a typed or pasted URL often ends with a slash).
  app.get(`${basePath}/`, (c) => c.redirect(basePath));
  app.route(basePath, helpdeskRoutes(basePath, { fetch: inProcess, ...deps }));
}
