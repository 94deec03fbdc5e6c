import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { serve } from '@hono/node-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseGithubConfig } from '../../src/config';
import { TransientError } from '../../src/errors';
import * as actions from '../../src/integrations/github/course-actions';
import { createGithubClient } from '../../src/integrations/github/client';
import { silentLogger } from '../../src/log';
import { createNodeFetch } from '../../src/node-fetch';
import { githubEnv, PRODUCTION, seededSimulator, TIME_SCALE } from './setup';

/**
 * The CLI's node:http fetch (src/node-fetch.ts) against real loopback servers: what Octokit
 * asks of fetch, and the fetch behaviours a GitHub API client meets (redirects to another
 * origin, compressed bodies, aborts, refused connections).
 */

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

async function listen(handler: Handler): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => handler(req, body, res));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const json = (res: ServerResponse, status: number, data: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(data));
};

describe('node fetch', () => {
  const transport = createNodeFetch();
  const f = transport.fetch;
  let a: { server: Server; url: string };
  let b: { server: Server; url: string };
  /** Requests seen by the stalling route, so a test can abort once the request arrived. */
  const stalled: ServerResponse[] = [];

  beforeAll(async () => {
    b = await listen((req, body, res) => json(res, 200, { server: 'b', method: req.method, authorization: req.headers.authorization ?? null, body }));
    a = await listen((req, body, res) => {
      const path = req.url ?? '/';
      if (path === '/echo') return json(res, 201, { method: req.method, body, type: req.headers['content-type'], length: req.headers['content-length'], custom: req.headers['x-custom'] }, { 'x-answer': 'yes' });
      if (path === '/see-other') return res.writeHead(303, { location: '/echo' }).end();
      if (path === '/found') return res.writeHead(302, { location: '/echo' }).end();
      if (path === '/temporary') return res.writeHead(307, { location: '/echo' }).end();
      if (path === '/elsewhere') return res.writeHead(302, { location: `${b.url}/hi` }).end();
      if (path === '/same-origin') return res.writeHead(302, { location: `${a.url}/auth` }).end();
      if (path === '/auth') return json(res, 200, { authorization: req.headers.authorization ?? null });
      if (path === '/loop') return res.writeHead(302, { location: '/loop' }).end();
      if (path === '/gzip') return res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' }).end(gzipSync('unzipped'));
      if (path === '/empty') return res.writeHead(204).end();
      if (path === '/missing') return json(res, 404, { message: 'Not Found' });
      if (path === '/stall') return void stalled.push(res);
      return json(res, 500, { message: `no route ${path}` });
    });
  });
  afterAll(async () => {
    transport.close();
    for (const res of stalled) res.destroy();
    a.server.close();
    b.server.close();
    await Promise.all([once(a.server, 'close'), once(b.server, 'close')]);
  });

  it('sends the method, headers and body, and answers with status, url, headers and body', async () => {
    const res = await f(`${a.url}/echo`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'x-custom': 'v1' }, body: JSON.stringify({ name: 'kurs ü' }) });
    expect(res.status).toBe(201);
    expect(res.ok).toBe(true);
    expect(res.url).toBe(`${a.url}/echo`);
    expect(res.headers.get('X-Answer')).toBe('yes');
    expect([...res.headers].find(([k]) => k === 'x-answer')).toEqual(['x-answer', 'yes']);
    expect(await res.json()).toEqual({ method: 'POST', body: '{"name":"kurs ü"}', type: 'application/json', length: String(Buffer.byteLength('{"name":"kurs ü"}')), custom: 'v1' });
    await expect(res.text()).rejects.toThrow(/already been read/);
  });

  it('follows a 303 and a POST\'s 302 as a GET without body, a 307 with the same method and body', async () => {
    const init = { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'payload' };
    for (const path of ['/see-other', '/found']) {
      const res = await f(`${a.url}${path}`, init);
      expect(res.redirected).toBe(true);
      expect(res.url).toBe(`${a.url}/echo`);
      expect(await res.json()).toMatchObject({ method: 'GET', body: '' });
    }
    expect(await (await f(`${a.url}/temporary`, init)).json()).toMatchObject({ method: 'POST', body: 'payload' });
  });

  it('drops Authorization when a redirect leaves the origin, keeps it within it', async () => {
    const headers = { authorization: 'token secret-token' };
    expect(await (await f(`${a.url}/elsewhere`, { headers })).json()).toEqual({ server: 'b', method: 'GET', authorization: null, body: '' });
    expect(await (await f(`${a.url}/same-origin`, { headers })).json()).toEqual({ authorization: 'token secret-token' });
  });

  it("returns the redirect itself with redirect: 'manual', and fails after 20 redirects", async () => {
    const res = await f(`${a.url}/found`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/echo');
    const err = await f(`${a.url}/loop`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as TypeError).cause).toMatchObject({ message: 'redirect count exceeded' });
  });

  it('decodes a gzip body; a 204 has an empty one; a 404 is an answer, not a failure', async () => {
    expect(await (await f(`${a.url}/gzip`)).text()).toBe('unzipped');
    const empty = await f(`${a.url}/empty`, { method: 'DELETE' });
    expect([empty.status, await empty.text()]).toEqual([204, '']);
    const missing = await f(`${a.url}/missing`);
    expect([missing.status, missing.ok, missing.statusText]).toEqual([404, false, 'Not Found']);
  });

  it("rejects with the signal's reason when aborted, before or during the request", async () => {
    const before = new AbortController();
    before.abort(new Error('gave up early'));
    await expect(f(`${a.url}/echo`, { signal: before.signal })).rejects.toThrow('gave up early');
    const during = new AbortController();
    const pending = f(`${a.url}/stall`, { signal: during.signal });
    await expect.poll(() => stalled.length).toBe(1);
    during.abort(new DOMException('took too long', 'TimeoutError'));
    await expect(pending).rejects.toMatchObject({ name: 'TimeoutError', message: 'took too long' });
  });

  it("rejects a refused connection as fetch does: TypeError('fetch failed') with the cause", async () => {
    const gone = await listen(() => {});
    gone.server.close();
    await once(gone.server, 'close');
    const err = await f(`${gone.url}/x`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as TypeError).message).toBe('fetch failed');
    expect((err as TypeError).cause).toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('the GitHub adapter over node fetch', () => {
  let sim = seededSimulator();
  let api = '';
  let server: ReturnType<typeof serve>;
  const transport = createNodeFetch();

  beforeAll(async () => {
    server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: (req) => sim.fetch(req), port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v3/`;
  });
  afterEach(() => {
    sim = seededSimulator();
  });
  afterAll(async () => {
    transport.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const client = () => {
    const settings = parseGithubConfig(githubEnv({ ORC_GH_API_URL: api }));
    return { settings, gh: createGithubClient({ config: settings, log: silentLogger, timeScale: TIME_SCALE, fetch: transport.fetch }) };
  };

  it('creates an XML course repository with its team and members, as over the platform fetch', async () => {
    const { settings, gh } = client();
    const result = await actions.createXmlRepo(await gh, settings, { course: '8.01', term: '2027_Spring', members: ['alice', 'bob'] });
    expect(result.message).toContain('content-mit-801-2027_Spring');
    expect(sim.read.repoNames('mitx')).toEqual(['content-mit-801-2027_Spring']);
    expect(sim.read.team('mitx', 'content-mit-801-2027_Spring')?.members).toEqual(['alice', 'bob']);
  });

  it('deletes the hooks a rerun removes (204 answers) and adds the release hook', async () => {
    sim.seed.repo('mitx', 'content-mit-801-2027_Spring', { hooks: ['https://gr.example.test/', PRODUCTION] });
    const { settings, gh } = client();
    await actions.rerunXml(await gh, settings, { course: '8.01', term: '2027_Spring' });
    expect(sim.read.repo('mitx', 'content-mit-801-2027_Spring')?.hooks).toEqual([]);
    await actions.releaseXml(await gh, settings, { course: '8.01', term: '2027_Spring' });
    expect(sim.read.repo('mitx', 'content-mit-801-2027_Spring')?.hooks.map((h) => h.url)).toEqual([PRODUCTION]);
  });

  it('retries 5xx answers, and maps those that outlast the retries to TransientError', async () => {
    sim.fail({ method: 'POST', path: /^\/orgs\/mitx\/repos$/, status: 502, times: 2 });
    const { settings, gh } = client();
    await actions.createXmlRepo(await gh, settings, { course: '8.02', term: '2027_Spring' });
    expect(sim.read.repoNames('mitx')).toEqual(['content-mit-802-2027_Spring']);
    sim.fail({ path: /\/hooks$/, status: 503, times: 10 });
    await expect(actions.rerunXml(await gh, settings, { course: '8.02', term: '2027_Spring' })).rejects.toBeInstanceOf(TransientError);
  });
});
