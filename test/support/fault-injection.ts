import type { IncomingMessage } from 'node:http';

/**
 * A generic fault injector for any simulator's fetch handler, served by @hono/node-server:
 * a seeded share of requests gets a 5xx, a 429 with Retry-After, GitHub's secondary-limit 403,
 * a stall that ends in a dropped connection (what a client sees when a server hangs), or a
 * connection reset. 5xx and resets happen before or after the real handler ran, because
 * "the server did it but the answer was lost" is the case that tests idempotency.
 */

export type FaultKind = '5xx' | '429' | 'secondary-403' | 'stall' | 'reset';

export interface FaultPlan {
  /** Share of requests that fail, 0..1 (in steps of 1/20: exactly that share of every 20). */
  rate: number;
  /** Seed of the fault sequence: a failure replays with the same seed. */
  seed: number;
  kinds: readonly FaultKind[];
  /** How long a stalled request hangs before its connection drops. */
  stallMs?: number;
  /** Paths never faulted (e.g. a simulator's own control routes). */
  spare?: RegExp;
}

export interface FaultLog {
  kind: FaultKind;
  after: boolean;
  method: string;
  path: string;
}

export interface FaultInjector {
  /** Wraps a fetch handler; `name` labels the log. */
  wrap(handler: (req: Request) => Response | Promise<Response>): (req: Request, env?: unknown) => Promise<Response>;
  /** Faults injected so far. */
  readonly injected: readonly FaultLog[];
  /** Turn injection on or off (e.g. off while a test seeds state or checks the result). */
  enabled: boolean;
}

/** mulberry32: small, seedable, good enough to pick faults reproducibly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SECONDARY_MESSAGE = 'You have exceeded a secondary rate limit and have been temporarily blocked from content creation. Please retry your request again later.';

function incomingOf(env: unknown): IncomingMessage | undefined {
  if (typeof env !== 'object' || env === null || !('incoming' in env)) return undefined;
  const incoming = (env as { incoming: unknown }).incoming;
  return typeof incoming === 'object' && incoming !== null && 'socket' in incoming ? (incoming as IncomingMessage) : undefined;
}

/** Drops the TCP connection under a request: the client sees ECONNRESET / "other side closed". */
function dropConnection(env: unknown): Response {
  const incoming = incomingOf(env);
  if (!incoming) throw new Error('fault injection needs @hono/node-server (no incoming socket)');
  incoming.socket.destroy();
  // The server writes this to a destroyed socket, i.e. nowhere.
  return new Response(null, { status: 599 });
}

/** Requests per draw of faults: the rate's resolution is 1/BLOCK. */
const BLOCK = 20;

export function createFaultInjector(plan: FaultPlan): FaultInjector {
  const random = seededRandom(plan.seed);
  const injected: FaultLog[] = [];
  const stallMs = plan.stallMs ?? 300;
  // Faults and their kinds are drawn from shuffled bags, not coin flips: each block of
  // BLOCK requests fails exactly round(rate × BLOCK) of them, and each kind comes once per
  // `kinds.length` faults. So a short run still sees faults of every kind, and a test that
  // counts on them does not pass or fail on luck.
  const shuffled = <T>(items: T[]): T[] => items.map((item) => ({ item, r: random() })).sort((a, b) => a.r - b.r).map(({ item }) => item);
  const failsPerBlock = Math.round(Math.min(1, Math.max(0, plan.rate)) * BLOCK);
  let block: boolean[] = [];
  let kinds: FaultKind[] = [];
  const nextFails = (): boolean => {
    if (block.length === 0) block = shuffled(Array.from({ length: BLOCK }, (_, i) => i < failsPerBlock));
    return block.pop()!;
  };
  const nextKind = (): FaultKind => {
    if (kinds.length === 0) kinds = shuffled([...plan.kinds]);
    return kinds.pop()!;
  };

  const answer = (kind: FaultKind, env: unknown): Response | Promise<Response> => {
    switch (kind) {
      case '5xx':
        return Response.json({ message: 'Service Unavailable (injected)' }, { status: random() < 0.5 ? 502 : 503 });
      case '429':
        return Response.json({ message: 'Too Many Requests (injected)' }, { status: 429, headers: { 'retry-after': '1' } });
      case 'secondary-403':
        return Response.json({ message: SECONDARY_MESSAGE, documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' }, { status: 403, headers: { 'retry-after': '1' } });
      case 'stall':
        return new Promise((resolve) => setTimeout(() => resolve(dropConnection(env)), stallMs));
      case 'reset':
        return dropConnection(env);
    }
  };

  const injector: FaultInjector = {
    enabled: true,
    injected,
    wrap(handler) {
      return async (req, env) => {
        const path = new URL(req.url).pathname;
        if (!injector.enabled || plan.spare?.test(path) || !nextFails()) return handler(req);
        const kind = nextKind();
        // Only failures a real server can produce after committing: a lost answer or a 5xx from a proxy.
        const after = (kind === '5xx' || kind === 'reset') && random() < 0.5;
        injected.push({ kind, after, method: req.method, path });
        if (after) {
          const real = await handler(req);
          await real.body?.cancel();
        }
        return answer(kind, env);
      };
    },
  };
  return injector;
}
