import { isAxiosError } from 'axios';
import { PermanentError, TransientError } from '../../errors';

/**
 * Typed edX failures. The engine retries TransientError (with backoff, honouring
 * retryAfterMs) and fails the step at once on PermanentError. Messages name the operation,
 * the path and what edX said, never a header, token or credential: that is also why the
 * axios error is not kept as `cause` (its config carries the Authorization header).
 */

export class EdxTransientError extends TransientError {
  constructor(message: string, readonly status?: number, retryAfterMs?: number) {
    super(message, retryAfterMs);
    this.name = 'EdxTransientError';
  }
}

export class EdxPermanentError extends PermanentError {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'EdxPermanentError';
  }
}

/** An import that edX reported as Failed: re-running it would fail the same way. */
export class EdxImportFailed extends EdxPermanentError {
  constructor(courseKey: string, state: string) {
    super(`edX import of ${courseKey} ended in state "${state}"; see Studio's import page for the reason`);
    this.name = 'EdxImportFailed';
  }
}

const MAX_DETAIL = 300;

/** A short, single-line excerpt of what edX answered (JSON error fields, or HTML title). */
export function describeBody(data: unknown): string {
  if (data === undefined || data === null || data === '') return '';
  let text: string;
  if (typeof data === 'string') {
    const title = /<title>([^<]*)<\/title>/i.exec(data) ?? /<h1>([^<]*)<\/h1>/i.exec(data);
    text = title ? `HTML page "${title[1]!.trim()}"` : data;
  } else {
    text = JSON.stringify(data);
  }
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text;
}

/** Retry-After in ms: delta-seconds or an HTTP date. */
function parseRetryAfter(value: unknown, now: number): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Maps whatever an axios call threw to a typed error. `what` says what was attempted
 * ("create course run course-v1:MITx+8.01+2027_Spring") and becomes the message prefix.
 */
export function toEdxError(err: unknown, what: string, now: number): EdxTransientError | EdxPermanentError {
  if (err instanceof EdxTransientError || err instanceof EdxPermanentError) return err;
  if (!isAxiosError(err)) {
    return new EdxPermanentError(`${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const response = err.response;
  if (!response) {
    // No answer: refused, reset, DNS, or our timeout. The request may or may not have landed.
    const reason = err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT' ? 'timed out' : `network error (${err.code ?? err.message})`;
    return new EdxTransientError(`${what}: ${reason}`);
  }
  return fromResponse(response, what, now);
}

/** Maps an HTTP answer edX gave (a status it should not have) to a typed error. */
export function fromResponse(response: { status: number; data: unknown; headers: Record<string, unknown> }, what: string, now: number): EdxTransientError | EdxPermanentError {
  const { status } = response;
  const detail = describeBody(response.data);
  const message = `${what}: edX answered ${status}${detail ? ` ${detail}` : ''}`;
  if (status === 429 || status === 408 || status >= 500) {
    const header = response.headers['retry-after'];
    return new EdxTransientError(message, status, parseRetryAfter(typeof header === 'string' ? header : undefined, now));
  }
  if (status === 401) {
    return new EdxPermanentError(`${message} (the service's JWT was refused twice; check ORC_EDX_CLIENT_ID/ORC_EDX_CLIENT_SECRET and that the OAuth application issues JWTs)`, status);
  }
  if (status === 403) {
    return new EdxPermanentError(`${message} (the OAuth application's service user needs global staff, is_staff=True, in the LMS)`, status);
  }
  return new EdxPermanentError(message, status);
}
