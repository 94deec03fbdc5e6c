// Default import: node-zendesk is CommonJS whose exports Node cannot detect by name.
import nodeZendesk, { type ZendeskClient } from 'node-zendesk';
import type { z } from 'zod';
import { type Config, secretValues, SECRET_SETTINGS } from '../../config';
import { PermanentError } from '../../errors';
import { createScrubber, type Logger } from '../../log';
import { ZendeskUnexpectedResponse } from './errors';
import { createTransport } from './transport';

/** The settings the Zendesk adapter reads; a whole Config fits. */
export type ZendeskSettings = Pick<Config, 'ORC_ZENDESK_URL' | 'ORC_ZENDESK_EMAIL' | 'ORC_ZENDESK_TOKEN' | (typeof SECRET_SETTINGS)[number]>;

export interface ZendeskDeps {
  config: ZendeskSettings;
  logger: Logger;
  /** Defaults to the global fetch; tests and the sandbox reach the simulator through it or msw. */
  fetch?: typeof globalThis.fetch;
  /** Waits for Retry-After and 409 back-off; tests pass a fake. */
  sleep?: (ms: number) => Promise<void>;
  /** Longest Retry-After sat out inside one call (default 5 s); longer waits are thrown. */
  maxInlineWaitMs?: number;
  /** Per request (default 30 s). */
  requestTimeoutMs?: number;
}

export interface ZendeskHttp {
  client: ZendeskClient;
  logger: Logger;
  sleep: (ms: number) => Promise<void>;
  /** Removes every configured secret from text bound for Zendesk, a log or an error. */
  scrub: (text: string) => string;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createZendeskHttp(deps: ZendeskDeps): ZendeskHttp {
  const { ORC_ZENDESK_URL: url, ORC_ZENDESK_EMAIL: email, ORC_ZENDESK_TOKEN: token } = deps.config;
  const missing = Object.entries({ ORC_ZENDESK_URL: url, ORC_ZENDESK_EMAIL: email, ORC_ZENDESK_TOKEN: token }).filter(([, v]) => !v);
  if (!url || !email || !token) {
    throw new PermanentError(`${missing.map(([k]) => k).join(', ')}: Zendesk is not configured; set ORC_ZENDESK_URL, ORC_ZENDESK_EMAIL and ORC_ZENDESK_TOKEN`);
  }
  const scrub = createScrubber(secretValues(deps.config));
  const sleep = deps.sleep ?? defaultSleep;
  const logger = deps.logger.child({ integration: 'zendesk' });
  const endpointUri = `${url.replace(/\/+$/, '')}/api/v2`;
  const transportFn = createTransport({
    fetch: deps.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    apiBase: endpointUri,
    logger,
    scrub,
    sleep,
    maxInlineWaitMs: deps.maxInlineWaitMs,
    requestTimeoutMs: deps.requestTimeoutMs,
  });
  const client = nodeZendesk.createClient({
    username: email,
    token,
    endpointUri,
    // Our transport throws typed errors itself; the original exception keeps their class.
    throwOriginalException: true,
    // node-zendesk replaces both functions when `transportConfig` is given (its default
    // responseAdapter is not kept), so the fetch-shaped adapter is restated here.
    transportConfig: {
      transportFn,
      responseAdapter: (res: Response) => ({ json: () => res.json(), status: res.status, headers: { get: (name: string) => res.headers.get(name) }, statusText: res.statusText }),
    },
  });
  return { client, logger, sleep, scrub };
}

function unexpected(operation: string, error: z.ZodError): ZendeskUnexpectedResponse {
  const issue = error.issues[0];
  return new ZendeskUnexpectedResponse(operation, issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid');
}

/** A single-object call (`{ response, result }`), its result checked against `schema`. */
export async function one<T extends z.ZodType>(operation: string, schema: T, call: Promise<unknown>): Promise<z.output<T>> {
  const answer = await call;
  const result = typeof answer === 'object' && answer !== null && 'result' in answer ? answer.result : undefined;
  const parsed = schema.safeParse(result);
  if (!parsed.success) throw unexpected(operation, parsed.error);
  return parsed.data;
}

/** A list call: node-zendesk follows the pages and resolves one flat array. */
export async function many<T extends z.ZodType>(operation: string, item: T, call: Promise<unknown>): Promise<Array<z.output<T>>> {
  const answer = await call;
  if (!Array.isArray(answer)) throw new ZendeskUnexpectedResponse(operation, 'not a list');
  return answer.map((entry) => {
    const parsed = item.safeParse(entry);
    if (!parsed.success) throw unexpected(operation, parsed.error);
    return parsed.data;
  });
}

/**
 * A call whose success has no body. node-zendesk resolves a 204 as an `Error("No Content")`
 * instead of throwing (webhook update/delete); failures already threw in our transport.
 */
export async function noContent(call: Promise<unknown>): Promise<void> {
  await call;
}
