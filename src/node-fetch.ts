// The modules themselves, their request read at each call: a test's interceptor (msw) patches it there.
import http, { type IncomingMessage } from 'node:http';

/**
 * `fetch` over node:http for one-shot Node processes (the CLI's GitHub actions). Node's own
 * fetch is undici, whose first request loads undici and compiles its HTTP parser to
 * WebAssembly: measured at ~200 ms of CPU in a process that makes one request, more than the
 * rest of such a command's work; node:http's parser is native. The Worker and the service keep
 * the platform's fetch.
 *
 * It does what Octokit's request asks of fetch (`@octokit/request`'s fetch-wrapper): a string
 * or byte body, a plain header object, `redirect`, `signal`; the answer's status, statusText,
 * url, headers (get, has, iteration) and text/json/arrayBuffer. Like fetch, it follows up to 20
 * redirects (303, and 301/302 after a POST, become a GET without body), drops Authorization
 * when a redirect leaves the origin, rejects a network failure with TypeError('fetch failed',
 * { cause }) and an abort with the signal's reason, and decodes gzip, deflate and br bodies.
 *
 * node:https (with tls and crypto) is loaded at the first https request and node:zlib at the
 * first encoded answer: compiling those built-ins cost a one-request action ~6 ms and ~1 ms of
 * start-up when its answers need neither (GitHub's answers are not encoded: nothing asks it to).
 */
export interface NodeFetch {
  fetch: typeof fetch;
  /** Closes the kept-alive connections, so the process can end. */
  close(): void;
}

const MAX_REDIRECTS = 20;
const REDIRECT = new Set([301, 302, 303, 307, 308]);

/** The answer's headers, lower-case names, as fetch's Headers reads them. */
class AnswerHeaders {
  readonly #map = new Map<string, string>();
  constructor(raw: IncomingMessage['headers']) {
    for (const [name, value] of Object.entries(raw)) if (value !== undefined) this.#map.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  get(name: string): string | null {
    return this.#map.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.#map.has(name.toLowerCase());
  }
  forEach(fn: (value: string, name: string) => void): void {
    this.#map.forEach(fn);
  }
  entries(): IterableIterator<[string, string]> {
    return this.#map.entries();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.#map.entries();
  }
}

class Answer {
  bodyUsed = false;
  readonly ok: boolean;
  readonly redirected: boolean;
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly url: string,
    readonly headers: AnswerHeaders,
    readonly bytes: Buffer,
    redirects: number,
  ) {
    this.ok = status >= 200 && status < 300;
    this.redirected = redirects > 0;
  }
  #take(): Buffer {
    if (this.bodyUsed) throw new TypeError('Body is unusable: Body has already been read');
    this.bodyUsed = true;
    return this.bytes;
  }
  async text(): Promise<string> {
    return this.#take().toString('utf8');
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const b = this.#take();
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }
}

function headerRecord(headers: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  // Pairs, a Headers-like object (it has entries()), or a plain record as Octokit passes.
  const entries: Iterable<[string, string]> = Array.isArray(headers)
    ? (headers as [string, string][])
    : typeof (headers as Headers).entries === 'function'
      ? (headers as Headers).entries()
      : Object.entries(headers as Record<string, string>);
  for (const [name, value] of entries) out[name.toLowerCase()] = String(value);
  return out;
}

function bodyBytes(body: RequestInit['body']): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError('this fetch sends a string or bytes as the body, not a stream, form or blob');
}

async function decode(bytes: Buffer, encoding: string | null): Promise<Buffer> {
  const name = (encoding ?? '').trim().toLowerCase();
  if (name === '' || name === 'identity') return bytes;
  if (!['gzip', 'x-gzip', 'deflate', 'br'].includes(name)) throw new Error(`unsupported content-encoding ${encoding}`);
  const zlib = await import('node:zlib');
  return name === 'deflate' ? zlib.inflateSync(bytes) : name === 'br' ? zlib.brotliDecompressSync(bytes) : zlib.gunzipSync(bytes);
}

type Https = typeof import('node:https');

export function createNodeFetch(): NodeFetch {
  const httpAgent = new http.Agent({ keepAlive: true });
  let secure: { https: Https; agent: InstanceType<Https['Agent']> } | undefined;
  const loadHttps = async () => {
    if (!secure) {
      const https = (await import('node:https')).default;
      secure ??= { https, agent: new https.Agent({ keepAlive: true }) };
    }
    return secure;
  };

  /** One request, no redirects followed; resolves with the whole (decoded) answer. */
  async function once(url: URL, method: string, headers: Record<string, string>, body: Buffer | undefined, signal: AbortSignal | undefined) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('fetch failed', { cause: new Error(`unsupported protocol ${url.protocol}`) });
    const tls = url.protocol === 'https:' ? await loadHttps() : undefined;
    return new Promise<{ res: IncomingMessage; bytes: Buffer }>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const withLength = body ? { 'content-length': String(body.byteLength), ...headers } : headers;
      const options = { method, headers: withLength };
      const req = tls ? tls.https.request(url, { ...options, agent: tls.agent }) : http.request(url, { ...options, agent: httpAgent });
      let settled = false;
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        reject(err);
      };
      const onAbort = () => {
        fail(signal!.reason);
        req.destroy();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      req.once('error', (err) => fail(new TypeError('fetch failed', { cause: err })));
      req.once('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('error', (err) => fail(new TypeError('fetch failed', { cause: err })));
        res.once('aborted', () => fail(new TypeError('fetch failed', { cause: new Error('the connection closed before the whole answer came') })));
        res.once('end', () => {
          if (settled) return;
          decode(Buffer.concat(chunks), res.headers['content-encoding'] ?? null).then(
            (bytes) => {
              if (settled) return;
              settled = true;
              signal?.removeEventListener('abort', onAbort);
              resolve({ res, bytes });
            },
            (err: unknown) => fail(new TypeError('fetch failed', { cause: err })),
          );
        });
      });
      req.end(body);
    });
  }

  const nodeFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    if (typeof input !== 'string' && !(input instanceof URL)) throw new TypeError('this fetch takes a URL, not a Request');
    let url = new URL(input);
    let method = (init.method ?? 'GET').toUpperCase();
    let headers = headerRecord(init.headers);
    let body = bodyBytes(init.body);
    const signal = init.signal ?? undefined;
    for (let redirects = 0; ; redirects++) {
      const { res, bytes } = await once(url, method, headers, body, signal);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (!REDIRECT.has(status) || location === undefined || init.redirect === 'manual') {
        return new Answer(status, res.statusMessage ?? '', url.href, new AnswerHeaders(res.headers), bytes, redirects) as unknown as Response;
      }
      if (init.redirect === 'error') throw new TypeError('fetch failed', { cause: new Error(`redirected (${status}) to ${location}`) });
      if (redirects === MAX_REDIRECTS) throw new TypeError('fetch failed', { cause: new Error('redirect count exceeded') });
      const next = new URL(location, url);
      if (status === 303 ? method !== 'HEAD' : (status === 301 || status === 302) && method === 'POST') {
        method = 'GET';
        body = undefined;
        headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'].includes(name)));
      }
      // A credential for one origin is not sent to another (fetch drops it the same way).
      if (next.origin !== url.origin) headers = Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'authorization'));
      url = next;
    }
  };

  return {
    fetch: nodeFetch as typeof fetch,
    close() {
      httpAgent.destroy();
      secure?.agent.destroy();
    },
  };
}
