import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { sign } from 'hono/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryTicketStore } from '../../src/sandbox/helpdesk/memory-ticket-store';
import { mountHelpdesk } from '../../src/sandbox/helpdesk/routes';
import { proxyZafRequest } from '../../src/sandbox/helpdesk/zaf-proxy';
import { verifyZendeskSignature, signZendeskPayload, TIMESTAMP_HEADER } from '../../src/webhooks/signature';
import { agentToken, createHarness, SHARED_SECRET, signedDelivery, testApp, type Harness } from '../support/harness';
import { createLogger } from '../../src/log';

/** Input an attacker (or a careless operator) sends: each case answers with a clear refusal, never a crash or a leak. */

function appWithHelpdesk(h: Harness) {
  return testApp({
    handle: h.handle,
    clock: h.clock,
    log: createLogger({ level: 'error', write: () => {} }),
    engine: h.engine,
    workflows: () => [],
    webhookSecret: 'unused-webhook-secret',
    wake: () => {},
    extraRoutes: (app) => mountHelpdesk(app, { sharedSecret: SHARED_SECRET, tickets: createMemoryTicketStore() }),
  });
}

/** Sends only a request's head and reads the answer: a 413 here was decided without reading one body byte. */
function headOnly(port: number, head: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('error', reject);
    socket.on('data', (d: string) => {
      text += d;
      const end = text.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(text);
      if (end >= 0 && length && text.length >= end + 4 + Number(length[1])) {
        socket.destroy();
        resolve({ status: Number(text.slice(9, 12)), body: text.slice(end + 4) });
      }
    });
    socket.write(head);
  });
}

describe('request bodies on /api/* and /helpdesk/api/*', () => {
  const h = createHarness();
  const app = appWithHelpdesk(h);
  let server: ServerType;
  let port: number;

  beforeAll(async () => {
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    h.handle.close();
  });

  for (const path of ['/api/validate', '/helpdesk/api/tickets']) {
    it(`${path}: a declared 700 MB body is refused with 413 from its headers, before any of it is sent`, async () => {
      const token = await agentToken();
      const answer = await headOnly(
        port,
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer ${token}\r\nContent-Length: ${700 * 1024 * 1024}\r\n\r\n`,
      );
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'payload_too_large', message: 'Request bodies are at most 64 KiB' } });
    });

    it(`${path}: a chunked body is read only up to the limit, then refused with 413`, async () => {
      const chunk = new Uint8Array(16 * 1024).fill(0x20);
      let pulled = 0;
      // An endless body that counts what the server took from it: memory cannot grow past what was pulled.
      const body = new ReadableStream<Uint8Array>(
        {
          pull(controller) {
            pulled += chunk.length;
            controller.enqueue(chunk);
          },
        },
        { highWaterMark: 0 },
      );
      const res = await app.request(path, {
        method: 'POST',
        body,
        duplex: 'half',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await agentToken()}` },
      } as RequestInit);
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ error: { code: 'payload_too_large' } });
      expect(pulled).toBeGreaterThan(64 * 1024);
      expect(pulled).toBeLessThanOrEqual(64 * 1024 + 2 * chunk.length);
    });
  }

  it("a GET's body is never looked at (a GET has none): the sidebar's polls build no stream", async () => {
    let bodyReads = 0;
    class CountingRequest extends Request {
      override get body() {
        bodyReads++;
        return super.body;
      }
    }
    const res = await app.fetch(new CountingRequest('http://127.0.0.1/api/dashboard', { headers: { authorization: `Bearer ${await agentToken()}` } }));
    expect(res.status).toBe(200);
    expect(bodyReads).toBe(0);
    // The same check counts a POST's body read (bodyLimit reads it as a stream).
    const posted = await app.fetch(
      new CountingRequest('http://127.0.0.1/api/validate', {
        method: 'POST',
        body: new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode('{}')), c.close()) }),
        duplex: 'half',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await agentToken()}` },
      } as RequestInit),
    );
    expect(posted.status).toBe(200);
    expect(bodyReads).toBeGreaterThan(0);
  });

  it('a small body still gets through', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/validate`, {
      method: 'POST',
      body: JSON.stringify({ course_number: '8.01' }),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await agentToken()}` },
    });
    expect(res.status).toBe(200);
  });
});

describe('sidebar token times', () => {
  const h = createHarness();
  afterAll(() => h.handle.close());
  const nowS = () => Math.floor(Date.now() / 1000);
  const call = async (token: string) => h.app.request('/api/requests', { headers: { authorization: `Bearer ${token}` } });

  it.each([
    ['exp in year 9999', () => ({ exp: 253402300799 })],
    ['exp 25 hours ahead', () => ({ exp: nowS() + 25 * 3600 })],
    ['a lifetime over 24 hours (iat an hour ago, exp 23.5 hours ahead)', () => ({ iat: nowS() - 3600, exp: nowS() + 23.5 * 3600 })],
    ['iat in the future', () => ({ iat: nowS() + 600, exp: nowS() + 3600 })],
    ['exp 25 hours ahead without iat', () => ({ iat: undefined, exp: nowS() + 25 * 3600 })],
  ])('refuses %s with 401', async (_name, claims) => {
    const res = await call(await agentToken(claims()));
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'unauthorized', message: 'A valid Bearer token signed with the shared secret is required' } });
  });

  it('accepts a token as the sidebar gets it (an hour) and one at the 24-hour cap', async () => {
    expect((await call(await agentToken())).status).toBe(200);
    expect((await call(await agentToken({ exp: nowS() + 24 * 3600 - 5 }))).status).toBe(200);
    expect((await call(await sign({ sub: '1001', exp: nowS() + 3600 }, SHARED_SECRET, 'HS256'))).status).toBe(200);
  });
});

describe('webhook timestamps and ticket ids', () => {
  const SECRET = 'timestamp-test-secret';
  const body = new TextEncoder().encode('{"ticket_id":"42"}');
  const now = Date.parse('2026-11-25T12:00:00Z');
  const check = async (timestamp: string) =>
    verifyZendeskSignature({ secrets: [SECRET], timestamp, signature: await signZendeskPayload(SECRET, timestamp, body), body, now });

  it('accepts the form Zendesk sends (UTC to the second with Z), and fractional seconds', async () => {
    expect(await check('2026-11-25T12:00:00Z')).toEqual({ ok: true });
    expect(await check('2026-11-25T11:58:30Z')).toEqual({ ok: true });
    expect(await check('2026-11-25T12:00:00.250Z')).toEqual({ ok: true });
  });

  it.each(['2026-11-25T12:00:00+00:00', '2026-11-25T07:00:00-05:00', 'Wed, 25 Nov 2026 12:00:00 GMT', '1795608000', '2026-11-25', '2026-11-25 12:00:00Z', '2026-02-30T12:00:00Z', 'November 25, 2026 12:00'])(
    'refuses %s, saying exactly which form it takes',
    async (timestamp) => {
      expect(await check(timestamp)).toEqual({ ok: false, reason: `${TIMESTAMP_HEADER} must be a UTC time as Zendesk sends it, YYYY-MM-DDTHH:MM:SSZ (e.g. 2021-03-25T05:09:27Z)` });
    },
  );

  it('tells a non-numeric ticket_id it is malformed, and a missing one that it is required', async () => {
    const h = createHarness();
    const post = async (text: string) => {
      const res = await h.app.request('/webhooks/zendesk', await signedDelivery(text, { now: h.clock.now }));
      return { status: res.status, message: ((await res.json()) as { error: { message: string } }).error.message };
    };
    for (const text of ['{"ticket_id":"abc"}', '{"ticket_id":"0"}', '{"ticket_id":-3}', '{"ticket_id":"12 OR 1=1"}', '{"ticket_id":{"id":1}}']) {
      const answer = await post(text);
      expect(answer.status, text).toBe(400);
      expect(answer.message, text).toMatch(/^ticket_id: is malformed: it must be the ticket number/);
    }
    expect(await post('{"event":"created"}')).toEqual({ status: 400, message: expect.stringMatching(/^ticket_id: is required/) });
    h.handle.close();
  });
});

describe("the help-desk page's request proxy", () => {
  const secret = 'proxy-secret-0123456789abcdef0123456789';
  const settings = { service_url: { value: 'http://svc.test', secure: false }, shared_secret: { value: secret, secure: true } };
  const echo: typeof fetch = async (input) => new Response(JSON.stringify({ error: { message: `No route for GET ${new URL(String(input)).pathname}` } }), { status: 404, headers: { 'content-type': 'application/json' } });

  it.each(['{{setting.shared_secret}}', 'https://evil.test/?s={{setting.shared_secret}}', '{{setting.shared_secret}}.evil.test'])('refuses %s without echoing the substituted secret', async (url) => {
    const answer = await proxyZafRequest({ url, secure: true }, { settings, allowedOrigins: ['http://svc.test'], now: Date.now, fetch: echo });
    expect(answer.status).toBe(403);
    expect(answer.body).not.toContain(secret);
    expect(JSON.parse(answer.body).error.message).toBe(`${url} is not in the app's domainWhitelist`);
  });

  it("redacts a secure setting from the service's answer (a 404 naming the substituted path)", async () => {
    const answer = await proxyZafRequest({ url: '{{setting.service_url}}/{{setting.shared_secret}}', secure: true }, { settings, allowedOrigins: ['http://svc.test'], now: Date.now, fetch: echo });
    expect(answer.status).toBe(404);
    expect(answer.body).not.toContain(secret);
    expect(answer.body).toContain('[setting.shared_secret]');
  });
});

const BIN = fileURLToPath(new URL('../../bin/orcoursetrion.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `orcoursetrion serve` in sandbox mode as a process: its exit (not a timer) ends the wait. */
function serveOnce(env: Record<string, string>, as?: { uid: number; gid: number }): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'serve'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: as ? tmpdir() : (process.env.HOME ?? ''), NODE_ENV: 'test', ORC_SANDBOX: '1', ORC_LOG_LEVEL: 'error', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...as,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('start-up failures: one line naming the setting, exit 1, nothing left running', () => {
  const dir = mkdtempSync(join(tmpdir(), 'orc-hostile-'));
  chmodSync(dir, 0o755);
  let holder: Server;
  let busyPort: number;
  beforeAll(async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', () => resolve()));
    busyPort = (holder.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => holder.close(() => resolve())));

  it('PORT already in use', async () => {
    const run = await serveOnce({ PORT: String(busyPort), ORC_DATABASE: join(dir, 'port.db') });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`orcoursetrion: PORT: ${busyPort} is already in use on 127.0.0.1; stop the other process or set PORT to a free port\n`);
  }, 60_000);

  it('ORC_DATABASE is a folder', async () => {
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    const run = await serveOnce({ PORT: '0', ORC_DATABASE: folder });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`orcoursetrion: ORC_DATABASE: cannot open "${folder}" (it is a folder); set it to a file path in a folder this process can write\n`);
  }, 60_000);

  it('ORC_DATABASE is under a file', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a folder');
    const run = await serveOnce({ PORT: '0', ORC_DATABASE: join(file, 'orc.db') });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`orcoursetrion: ORC_DATABASE: cannot open "${join(file, 'orc.db')}" (${file} is a file, not a folder); set it to a file path in a folder this process can write\n`);
  }, 60_000);

  it('ORC_DATABASE is in a folder the process may not write (run as an unprivileged user when the tests run as root)', async () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    // Root writes anywhere: the service then runs as nobody, as an operator's account would.
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
    const run = await serveOnce({ PORT: '0', ORC_DATABASE: join(locked, 'orc.db') }, asNobody);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`orcoursetrion: ORC_DATABASE: cannot open "${join(locked, 'orc.db')}" (this process may not write in ${locked}); set it to a file path in a folder this process can write\n`);
  }, 60_000);
});
