import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { ServerType } from '@hono/node-server';

/** How long a close waits for answers under way before it drops their connections. */
export const CLOSE_GRACE_MS = 10_000;

/**
 * A close for a Node HTTP server that ends even while clients keep their connections busy.
 * Node's `server.close()` drops the keep-alive connections idle at that moment, but one that is
 * answering then stays open for the client's next request: a help-desk page polling every few
 * seconds never lets it idle, so a Ctrl-C with the page open never ended the process. After the
 * close begins, each answer says `Connection: close` and its connection is dropped once it is
 * sent; answers still under way after CLOSE_GRACE_MS are cut (a webhook cut before its 2xx is retried
 * by Zendesk).
 */
export function closerFor(served: ServerType): () => Promise<void> {
  // serve() without a createServer option makes a node:http server.
  const server = served as Server;
  let closing = false;
  // Ahead of the app's handler, so an answer begun after the close can still say so.
  server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => {
    if (closing) response.setHeader('connection', 'close');
    response.once('finish', () => {
      // After Node's own finish handling has marked the connection between requests.
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });
  let closed: Promise<void> | undefined;
  return () =>
    (closed ??= new Promise<void>((resolve) => {
      closing = true;
      const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      cut.unref();
      server.close(() => {
        clearTimeout(cut);
        resolve();
      });
    }));
}
