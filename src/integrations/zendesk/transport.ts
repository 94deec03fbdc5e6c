import { z } from 'zod';
import type { Logger } from '../../log';
import {
  type HttpFailure,
  ZendeskConflict,
  ZendeskRateLimited,
  ZendeskRequestFailed,
  ZendeskUnavailable,
} from './errors';

/**
 * The `transportFn` handed to node-zendesk. node-zendesk classifies responses oddly: a
 * response with Retry-After resolves (as an Error object) instead of throwing, statuses it has
 * no name for (502, 504, 413...) resolve as if they were data, and list calls throw whatever
 * they meet. So every non-2xx answer is turned into a typed error here, before node-zendesk
 * sees it; node-zendesk then only handles successes. Short Retry-After waits are sat out here
 * (the request is not processed on 429, so re-sending, even a POST, is safe); long ones go to
 * the step engine as ZendeskRateLimited with the wait.
 */

export interface TransportOptions {
  fetch: typeof globalThis.fetch;
  /** API base (`https://acme.zendesk.com/api/v2`); paths in error messages are relative to it. */
  apiBase: string;
  logger: Logger;
  /** Removes credentials from text that may reach an error message. */
  scrub: (text: string) => string;
  sleep?: (ms: number) => Promise<void>;
  /** Longest Retry-After sat out inside one call; longer ones are thrown. */
  maxInlineWaitMs?: number;
  maxInlineRetries?: number;
  /** Per request, body included; a hung connection must not hold its step forever. Default 30 s. */
  requestTimeoutMs?: number;
}

/** The part of node-zendesk's request options a fetch needs. */
interface OutgoingRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

// Zendesk's error bodies come in three shapes, depending on the API family.
const codeAndDescription = z.object({ error: z.string(), description: z.string().optional(), details: z.unknown().optional() });
const titleAndMessage = z.object({ error: z.object({ title: z.string().optional(), message: z.string().optional() }) });
const errorList = z.object({ errors: z.array(z.object({ code: z.string().optional(), title: z.string().optional(), detail: z.string().optional() })).min(1) });

function errorDetails(bodyText: string): Pick<HttpFailure, 'code' | 'detail'> {
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return bodyText.trim() ? { detail: bodyText.trim().slice(0, 200) } : {};
  }
  const plain = codeAndDescription.safeParse(json);
  if (plain.success) {
    const { error, description, details } = plain.data;
    const text = `${description ?? ''}${details === undefined ? '' : ` ${JSON.stringify(details)}`}`.trim();
    return { code: error, detail: text || undefined };
  }
  const titled = titleAndMessage.safeParse(json);
  if (titled.success) return { code: titled.data.error.title, detail: titled.data.error.message };
  const listed = errorList.safeParse(json);
  if (listed.success) {
    const { errors } = listed.data;
    return { code: errors[0]?.code, detail: errors.map((e) => e.detail ?? e.title).filter(Boolean).join('; ') || undefined };
  }
  return {};
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createTransport(options: TransportOptions): (url: string, request: OutgoingRequest) => Promise<Response> {
  const sleep = options.sleep ?? defaultSleep;
  const maxWait = options.maxInlineWaitMs ?? 5_000;
  const maxRetries = options.maxInlineRetries ?? 3;
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const base = new URL(options.apiBase).pathname.replace(/\/+$/, '');

  return async (url, request) => {
    const method = (request.method ?? 'GET').toUpperCase();
    const path = new URL(url).pathname.replace(base, '') || '/';
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await options.fetch(url, { method, headers: request.headers, body: request.body, signal: AbortSignal.timeout(timeoutMs) });
      } catch (err) {
        const reason = options.scrub(err instanceof Error ? err.message : String(err));
        throw new ZendeskUnavailable(`Zendesk ${method} ${path} unreachable: ${reason}`, undefined, { cause: err });
      }
      if (response.ok) return response;

      const failure: HttpFailure = { method, path, status: response.status, ...errorDetails(options.scrub(await response.text())) };
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      const throttled = response.status === 429 || (response.status === 503 && retryAfterMs !== undefined);
      if (throttled) {
        if (retryAfterMs !== undefined && retryAfterMs <= maxWait && attempt < maxRetries) {
          options.logger.info('zendesk rate limited; waiting', { method, path, retryAfterMs, attempt });
          await sleep(retryAfterMs);
          continue;
        }
        throw new ZendeskRateLimited(failure, retryAfterMs);
      }
      if (response.status === 409) throw new ZendeskConflict(failure);
      if (response.status >= 500) throw new ZendeskUnavailable(`Zendesk ${method} ${path} answered ${response.status}`, failure);
      const hint =
        response.status === 401 || response.status === 403
          ? 'check ORC_ZENDESK_EMAIL and ORC_ZENDESK_TOKEN: an agent or admin with API token access enabled'
          : undefined;
      throw new ZendeskRequestFailed(failure, hint);
    }
  };
}
