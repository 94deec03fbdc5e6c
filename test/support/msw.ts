import { http, passthrough } from 'msw';
import { setupServer, type SetupServer } from 'msw/node';

/** Anything that answers a Fetch Request: a Hono app, a simulator. */
export interface FetchHandler {
  fetch(request: Request): Response | Promise<Response>;
}

/**
 * Serves simulators at base URLs through msw, so the real Octokit / node-zendesk / axios code
 * runs over the HTTP boundary. Every other request is refused with an error (tests must not
 * reach the network), except loopback, which passes through to real local servers.
 */
export function mountSimulators(mounts: Record<string, FetchHandler>): SetupServer {
  const handlers = Object.entries(mounts).map(([base, sim]) =>
    http.all(`${base.replace(/\/+$/, '')}/*`, async ({ request }) => sim.fetch(request.clone())),
  );
  const server = setupServer(
    ...handlers,
    http.all(/^https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//, () => passthrough()),
  );
  server.listen({ onUnhandledRequest: 'error' });
  return server;
}
