import { createHmac } from 'node:crypto';
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  secret: string;
  connections: number;
  seconds: number;
  warmupSeconds: number;
  /** Ticket ids the bodies cycle through. */
  ticketIds: readonly number[];
  /** Prefix of every invocation id, unique per run so no delivery is a duplicate. */
  tag: string;
}

export interface LoadResult {
  /** Acknowledged (2xx) deliveries per second during the measured window. */
  rps: number;
  p50: number;
  p99: number;
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Invocation ids answered 2xx, warm-up included: each must be durable. */
  acked: string[];
}

/**
 * autocannon with one signed delivery per request: a fresh invocation id and a fresh timestamp
 * (signatures are computed with node:crypto here because setupRequest is synchronous). One
 * request per connection at a time (no pipelining), so the id a connection sent last is the
 * one its response answers. Runs for `seconds`, or until `amount` requests were sent.
 */
function signedCannon(options: Pick<LoadOptions, 'url' | 'secret' | 'connections' | 'ticketIds' | 'tag'>, acked: string[], counter: { n: number }, limit: { duration: number } | { amount: number }) {
  const inFlight = new WeakMap<object, string>();
  return autocannon({
    url: new URL('/webhooks/zendesk', options.url).href,
    connections: options.connections,
    pipelining: 1,
    ...limit,
    requests: [
      {
        method: 'POST',
        setupRequest: (req, context) => {
          const n = counter.n++;
          const invocationId = `${options.tag}-${n}`;
          const body = `{"ticket_id":"${options.ticketIds[n % options.ticketIds.length]}","event":"created"}`;
          const timestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
          inFlight.set(context, invocationId);
          return {
            ...req,
            body,
            headers: {
              'content-type': 'application/json',
              'x-zendesk-webhook-signature': createHmac('sha256', options.secret).update(timestamp + body).digest('base64'),
              'x-zendesk-webhook-signature-timestamp': timestamp,
              'x-zendesk-webhook-invocation-id': invocationId,
              'x-zendesk-webhook-id': '01HBENCHWEBHOOK',
            },
          };
        },
        onResponse: (status, _body, context) => {
          const id = inFlight.get(context);
          if (id && status >= 200 && status < 300) acked.push(id);
        },
      },
    ],
  });
}

/** Signed deliveries for `seconds` after a warm-up; figures from the measured window. */
export async function signedLoad(options: LoadOptions): Promise<LoadResult> {
  const counter = { n: 0 };
  const acked: string[] = [];
  const run = (seconds: number) => signedCannon(options, acked, counter, { duration: seconds });
  // Warm-up (JIT, SQLite page cache) in its own run: its figures are dropped, its acks kept.
  if (options.warmupSeconds > 0) await run(options.warmupSeconds);
  const result = await run(options.seconds);
  return {
    rps: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    sent: result.requests.sent,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    acked,
  };
}

/** A burst: `amount` signed deliveries sent as fast as `connections` allow; returns the ids answered 2xx. */
export async function signedBurst(options: Pick<LoadOptions, 'url' | 'secret' | 'connections' | 'ticketIds' | 'tag'> & { amount: number }): Promise<string[]> {
  const acked: string[] = [];
  await signedCannon(options, acked, { n: 0 }, { amount: options.amount });
  return acked;
}
