import type { MiddlewareHandler } from 'hono';

/** One planned failure, for the next matching request(s). */
export interface Fault {
  /** Only requests with this method (default: any). */
  method?: string;
  /** Only requests whose path matches (default: any). */
  path?: RegExp;
  /** How many matching requests fail (default 1). */
  count?: number;
  /** Answer with this status (default 503) and body (JSON unless a string). */
  status?: number;
  body?: unknown;
  /** Sets `Retry-After` (seconds). */
  retryAfterSeconds?: number;
  /** Drop the connection instead of answering (a network error for the client). */
  network?: boolean;
  /** Wait this long before answering: longer than the client's timeout, it is a timeout. */
  delayMs?: number;
  /** Do the real work first, then fail the answer: "Studio committed but the response was lost". */
  afterHandling?: boolean;
}

export interface Faults {
  next(fault: Fault): void;
  /** Faults not yet used up. */
  pending(): number;
  clear(): void;
}

/** A fault queue and the Hono middleware that applies it. */
export function createFaults(): Faults & { middleware: MiddlewareHandler } {
  let queue: (Fault & { remaining: number })[] = [];

  function take(method: string, path: string): Fault | undefined {
    const fault = queue.find((f) => (!f.method || f.method === method) && (!f.path || f.path.test(path)));
    if (!fault) return undefined;
    if (--fault.remaining <= 0) queue = queue.filter((f) => f !== fault);
    return fault;
  }

  async function answer(fault: Fault): Promise<Response> {
    if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault.network) return Response.error();
    const status = fault.status ?? 503;
    const headers: Record<string, string> = {};
    if (fault.retryAfterSeconds !== undefined) headers['Retry-After'] = String(fault.retryAfterSeconds);
    if (typeof fault.body === 'string') return new Response(fault.body, { status, headers: { ...headers, 'Content-Type': 'text/html' } });
    return Response.json(fault.body ?? { detail: 'Service Unavailable (simulated)' }, { status, headers });
  }

  return {
    next(fault) {
      queue.push({ ...fault, remaining: fault.count ?? 1 });
    },
    pending: () => queue.reduce((n, f) => n + f.remaining, 0),
    clear() {
      queue = [];
    },
    middleware: async (c, next) => {
      const fault = take(c.req.method, c.req.path);
      if (!fault) return next();
      if (!fault.afterHandling) return answer(fault);
      await next();
      // Replace the real answer outright (assigning over it would merge its headers in).
      c.res = undefined;
      c.res = await answer(fault);
    },
  };
}
