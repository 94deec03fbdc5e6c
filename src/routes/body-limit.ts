import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../errors';

/** What the sidebar API and the help-desk page accept: their JSON bodies are a few hundred bytes. */
export const API_MAX_BODY_BYTES = 64 * 1024;

/**
 * Answers 413 for a body above `maxBytes` before the handler reads it. A declared length is
 * checked from the header (Node's parser holds the body to it, so nothing is read): hono's
 * bodyLimit reads c.req.raw.body, which makes @hono/node-server build a full Request with its
 * stream and AbortController per request (measured in bench/webhook). A chunked body (or one
 * without a length) goes through bodyLimit, which stops reading at the limit.
 */
export function boundedBody(maxBytes: number, message: string): MiddlewareHandler {
  const tooLarge = (): never => {
    throw new AppError(413, 'payload_too_large', message, { maxBytes });
  };
  const streamed = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return (c, next) => {
    const declared = c.req.header('content-length');
    if (declared === undefined || c.req.header('transfer-encoding') !== undefined) {
      // A GET or HEAD Request has no body (the Fetch standard forbids one; @hono/node-server
      // drops it): the sidebar's polls skip building one, ~2% of the service's CPU under drain.
      return c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : streamed(c, next);
    }
    if (!/^\d+$/.test(declared) || Number(declared) > maxBytes) return tooLarge();
    return next();
  };
}
