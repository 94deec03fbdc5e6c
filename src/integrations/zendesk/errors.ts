import { PermanentError, RateLimited, TransientError } from '../../errors';

/**
 * What a Zendesk call can fail with. Transient ones (network, 5xx, 409, 429) are retried by
 * the step engine; permanent ones fail the step at once with a message saying what to fix.
 * Messages name the method, path, status and Zendesk's error code, never a credential.
 */

export interface HttpFailure {
  method: string;
  /** Path under the API base, e.g. `/tickets/42.json` (no host, no query). */
  path: string;
  status: number;
  /** Zendesk's error code (`RecordNotFound`, `DatabaseConflict`, ...) and text, when it sent them. */
  code?: string;
  detail?: string;
}

const describe = (f: HttpFailure) =>
  `Zendesk ${f.method} ${f.path} answered ${f.status}${f.code ? ` ${f.code}` : ''}${f.detail ? `: ${f.detail}` : ''}`;

/** A 4xx that retrying will not fix (bad request, validation, missing object, no permission). */
export class ZendeskRequestFailed extends PermanentError {
  constructor(readonly failure: HttpFailure, hint?: string) {
    super(describe(failure) + (hint ? ` (${hint})` : ''));
    this.name = 'ZendeskRequestFailed';
  }
}

/** 5xx, a network failure, or a 409 conflict that outlasted the adapter's own retries. */
export class ZendeskUnavailable extends TransientError {
  constructor(message: string, readonly failure?: HttpFailure, options?: { cause?: unknown }) {
    super(message, undefined, options);
    this.name = 'ZendeskUnavailable';
  }
}

/** 409: someone else updated the ticket at the same moment (or `safe_update` saw a newer stamp). */
export class ZendeskConflict extends TransientError {
  constructor(readonly failure: HttpFailure) {
    super(describe(failure));
    this.name = 'ZendeskConflict';
  }
}

/** 429 (or 503 with Retry-After) whose wait is too long to sit out inside one call. */
export class ZendeskRateLimited extends RateLimited {
  constructor(readonly failure: HttpFailure, retryAfterMs?: number) {
    super(`${describe(failure)}; retry after ${retryAfterMs === undefined ? 'a while' : `${Math.ceil(retryAfterMs / 1000)} s`}`, retryAfterMs);
    this.name = 'ZendeskRateLimited';
  }
}

export class TicketNotFound extends PermanentError {
  constructor(readonly ticketId: number) {
    super(`Zendesk ticket ${ticketId} does not exist (deleted, merged, or on another account)`);
    this.name = 'TicketNotFound';
  }
}

/**
 * Zendesk refuses every update of a closed ticket (422 RecordInvalid "Status: closed prevents
 * ticket update"), and a closed ticket cannot be reopened: retrying never helps. The message says
 * what an agent can do instead.
 */
export class TicketClosed extends PermanentError {
  constructor(readonly ticketId: number) {
    super(
      `Zendesk ticket ${ticketId} is closed and takes no more comments (a closed ticket cannot be reopened, so retrying will not help); ` +
        'to reach the requester, create a follow-up ticket for the closed one in Zendesk and copy what the note says',
    );
    this.name = 'TicketClosed';
  }
}

/** Zendesk answered 2xx with a body we cannot use: a Zendesk API change or a proxy in the way. */
export class ZendeskUnexpectedResponse extends PermanentError {
  constructor(operation: string, problem: string) {
    super(`Zendesk ${operation} returned an unexpected body: ${problem}`);
    this.name = 'ZendeskUnexpectedResponse';
  }
}

export const isNotFound = (err: unknown): boolean => err instanceof ZendeskRequestFailed && err.failure.status === 404;
