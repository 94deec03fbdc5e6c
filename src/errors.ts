/**
 * Errors callers handle. The engine asks one question of any error: is it worth retrying?
 * Integration errors answer it by extending TransientError or PermanentError (or by carrying
 * `transient: true`), so the engine never needs to know about GitHub, Zendesk or edX.
 */

export class TransientError extends Error {
  readonly transient = true;
  constructor(
    message: string,
    /** Server-requested wait (Retry-After, x-ratelimit-reset), when known. */
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TransientError';
  }
}

export class PermanentError extends Error {
  readonly transient = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

/** A secondary or primary rate limit that the client's own retries did not outlast. */
export class RateLimited extends TransientError {
  constructor(message: string, retryAfterMs?: number, options?: { cause?: unknown }) {
    super(message, retryAfterMs, options);
    this.name = 'RateLimited';
  }
}

/** Errors of the service's own API, mapped to HTTP in one place (routes/errors.ts). */
export class AppError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 503,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string) => new AppError(404, 'not_found', `${what} was not found`);
export const conflict = (message: string) => new AppError(409, 'conflict', message);

export function isTransient(err: unknown): boolean {
  if (err instanceof TransientError) return true;
  if (err instanceof PermanentError) return false;
  return typeof err === 'object' && err !== null && (err as { transient?: unknown }).transient === true;
}

export function retryAfterOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const v = (err as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
