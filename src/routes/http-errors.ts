import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { z } from 'zod';
import { AppError } from '../errors';
import type { Logger } from '../log';

/** Maps every error to a JSON answer in one place; unknown errors are logged, never leaked. */
export function errorResponse(err: Error, c: Context, log: Logger, scrub: (s: string) => string) {
  if (err instanceof AppError) {
    return c.json({ error: { code: err.code, message: err.message, details: err.details ?? null } }, err.status);
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const code = status === 401 ? 'unauthorized' : status === 413 ? 'payload_too_large' : 'http_error';
    const message = status === 401 ? 'A valid Bearer token signed with the shared secret is required' : scrub(err.message || 'Request failed');
    return c.json({ error: { code, message, details: null } }, status);
  }
  const requestId = c.get('requestId' as never) as string | undefined;
  log.error('unhandled error', { error: scrub(err.message), stack: scrub(err.stack ?? ''), path: c.req.path, requestId });
  return c.json({ error: { code: 'internal', message: `Internal error; the service log has the details (request id ${requestId ?? 'unknown'})`, details: null } }, 500);
}

/** Parses JSON text against a schema; a bad body is a 400 naming each field and the fix. */
export function parseJson<S extends z.ZodType>(text: string, schema: S): z.infer<S> {
  let data: unknown = {};
  if (text.trim() !== '') {
    try {
      data = JSON.parse(text);
    } catch {
      throw new AppError(400, 'invalid_json', 'The body is not valid JSON');
    }
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'body', message: i.message }));
    throw new AppError(400, 'invalid_body', problems.map((p) => `${p.field}: ${p.message}`).join('; '), { problems });
  }
  return parsed.data;
}

export async function parseJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  return parseJson(await c.req.text(), schema);
}

export function parseId(value: string, name: string): number {
  if (!/^\d{1,15}$/.test(value)) throw new AppError(400, 'invalid_id', `${name} must be a positive whole number (got "${value.slice(0, 40)}")`, { field: name });
  return Number(value);
}
