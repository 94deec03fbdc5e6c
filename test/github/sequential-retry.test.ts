import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log';
import { createSequentialOctokit } from '../../src/integrations/github/sequential-octokit';

/**
 * The CLI's client (core + paginate + our retry hook, no Bottleneck) keeps the retry policy of
 * retry-policy.ts for one sequential caller. Each answer comes from a scripted fetch; waits go
 * to an injected sleep that records them and returns at once, and the clock is injected, so
 * no test waits on time.
 */
type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | Error;

const NOW = Date.UTC(2027, 0, 1, 12, 0, 0);
const SECONDARY = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';

function harness(answers: Answer[], options: { rateLimitRetries?: number; maxRateLimitWaitSeconds?: number } = {}) {
  const calls: string[] = [];
  const waits: number[] = [];
  const logs: Record<string, unknown>[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    calls.push(`${init?.method ?? 'GET'} ${String(input)}`);
    const a = answers.shift() ?? { status: 200, body: { ok: true } };
    if (a instanceof Error) throw a;
    return new Response(a.body === undefined ? null : JSON.stringify(a.body), { status: a.status, headers: { 'content-type': 'application/json', ...a.headers } });
  }) as typeof globalThis.fetch;
  const log = createLogger({ level: 'warn', write: (line) => logs.push(JSON.parse(line) as Record<string, unknown>) });
  const octokit = createSequentialOctokit({
    config: { ORC_GH_API_URL: 'https://github.test/api/v3/', ORC_GH_OAUTH2_TOKEN: 'ghp_sequential_0123456789' },
    log,
    fetch,
    sleep: async (ms) => {
      waits.push(ms);
    },
    now: () => NOW,
    ...options,
  });
  const get = async () => (await octokit).request('GET /repos/{owner}/{repo}', { owner: 'mitx', repo: 'r' });
  const post = async () => (await octokit).request('POST /repos/{owner}/{repo}/hooks', { owner: 'mitx', repo: 'r', config: { url: 'https://h.test/' } });
  return { calls, waits, logs, get, post };
}

const failure = async (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as { status?: number; message?: string });

describe('the sequential client retries', () => {
  it('5xx answers with a growing backoff (1, 4, 9 s) and returns the answer that succeeds', async () => {
    const h = harness([{ status: 502 }, { status: 503 }, { status: 500 }, { status: 200, body: { name: 'r' } }]);
    const res = await h.get();
    expect(res.data).toEqual({ name: 'r' });
    expect(h.calls).toHaveLength(4);
    expect(h.waits).toEqual([1000, 4000, 9000]);
  });

  it('gives up after 3 retries of a 5xx, with the last failure', async () => {
    const h = harness([{ status: 502 }, { status: 502 }, { status: 502 }, { status: 504 }, { status: 200 }]);
    expect((await failure(h.get()))?.status).toBe(504);
    expect(h.calls).toHaveLength(4);
    expect(h.waits).toEqual([1000, 4000, 9000]);
  });

  it('network failures (Octokit reports them as 500) like a 5xx', async () => {
    const h = harness([new TypeError('fetch failed', { cause: new Error('ECONNRESET') }), { status: 200, body: { name: 'r' } }]);
    expect((await h.get()).data).toEqual({ name: 'r' });
    expect(h.waits).toEqual([1000]);
  });

  it('a 5xx with a longer retry-after waits that long', async () => {
    const h = harness([{ status: 503, headers: { 'retry-after': '30' } }, { status: 200 }]);
    await h.get();
    expect(h.waits).toEqual([30_000]);
  });

  it.each([400, 401, 403, 404, 409, 410, 422, 451])('never a %i (not a rate limit): one request, no wait', async (status) => {
    const h = harness([{ status, body: { message: 'no' } }, { status: 200 }]);
    expect((await failure(h.post()))?.status).toBe(status);
    expect(h.calls).toHaveLength(1);
    expect(h.waits).toEqual([]);
  });

  it('a secondary rate limit (403) after its retry-after, logged as the service logs it', async () => {
    const h = harness([{ status: 403, body: { message: SECONDARY }, headers: { 'retry-after': '7' } }, { status: 201, body: { id: 1 } }]);
    expect((await h.post()).status).toBe(201);
    expect(h.waits).toEqual([7000]);
    expect(h.logs).toEqual([expect.objectContaining({ level: 'warn', msg: 'github secondary rate limit', method: 'POST', retryAfter: 7, retryCount: 0, retry: true })]);
  });

  it('a secondary rate limit without retry-after waits 60 s', async () => {
    const h = harness([{ status: 403, body: { message: SECONDARY } }, { status: 201 }]);
    await h.post();
    expect(h.waits).toEqual([60_000]);
  });

  it('an exhausted primary limit until x-ratelimit-reset plus a second (by the injected clock); a 429 by its retry-after', async () => {
    const reset = String(NOW / 1000 + 30);
    const h = harness([
      { status: 403, body: { message: 'API rate limit exceeded' }, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset } },
      { status: 429, body: { message: 'Too many requests' }, headers: { 'retry-after': '5' } },
      { status: 200 },
    ]);
    await h.get();
    expect(h.waits).toEqual([31_000, 5000]);
  });

  it('gives up on a rate limit after 3 retries, or at once when the wait is longer than allowed', async () => {
    const limited = { status: 403, body: { message: SECONDARY }, headers: { 'retry-after': '2' } };
    const h = harness([limited, limited, limited, limited, { status: 201 }]);
    expect((await failure(h.post()))?.status).toBe(403);
    expect(h.waits).toEqual([2000, 2000, 2000]);
    expect(h.logs.map((l) => l.retry)).toEqual([true, true, true, false]);

    const long = harness([{ ...limited, headers: { 'retry-after': '121' } }, { status: 201 }]);
    expect((await failure(long.post()))?.status).toBe(403);
    expect(long.waits).toEqual([]);

    const fewer = harness([limited, limited, { status: 201 }], { rateLimitRetries: 1, maxRateLimitWaitSeconds: 1 });
    expect((await failure(fewer.post()))?.status).toBe(403);
    expect(fewer.calls).toHaveLength(1);
  });

  it('counts rate-limit retries and 5xx retries apart', async () => {
    const limited = { status: 403, body: { message: SECONDARY }, headers: { 'retry-after': '1' } };
    const h = harness([{ status: 502 }, limited, { status: 502 }, limited, { status: 502 }, { status: 201 }]);
    expect((await h.post()).status).toBe(201);
    expect(h.waits).toEqual([1000, 1000, 4000, 1000, 9000]);
  });

  it('sends the token on every attempt', async () => {
    const seen: (string | null)[] = [];
    const answers = [500, 200];
    const octokit = await createSequentialOctokit({
      config: { ORC_GH_API_URL: 'https://github.test/api/v3', ORC_GH_OAUTH2_TOKEN: 'ghp_sequential_0123456789' },
      log: createLogger({ write: () => {} }),
      fetch: (async (_input: string | URL | Request, init?: RequestInit) => {
        seen.push(new Headers(init?.headers).get('authorization'));
        return new Response('{}', { status: answers.shift()!, headers: { 'content-type': 'application/json' } });
      }) as typeof fetch,
      sleep: async () => {},
    });
    await octokit.request('GET /user');
    expect(seen).toEqual(['token ghp_sequential_0123456789', 'token ghp_sequential_0123456789']);
  });
});
