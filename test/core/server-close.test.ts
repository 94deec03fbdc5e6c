import http from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { closerFor } from '../../src/node-server-close';

/** One GET over the agent's kept-alive connection; the answer's Connection header and body. */
function get(port: number, agent: http.Agent): Promise<{ connection: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ connection: res.headers.connection, body }));
      })
      .on('error', reject);
  });
}

describe('closing the HTTP server while a client keeps its connection busy', () => {
  it('answers a request that comes after the close began with Connection: close, then ends', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    const arrived = new Map<string, () => void>();
    const arrival = (url: string) => new Promise<void>((r) => arrived.set(url, r));
    const first = arrival('/first');
    const second = arrival('/second');
    const server = http.createServer(async (req, res) => {
      arrived.get(req.url!)?.();
      if (req.url === '/first') await held;
      res.end(req.url);
    });
    server.keepAliveTimeout = 0;
    const close = closerFor(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    // A client that sends its next request on the same connection while the first is being answered.
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    const ended = new Promise<void>((r) => socket.once('close', () => r()));
    socket.write('GET /first HTTP/1.1\r\nHost: x\r\n\r\n');
    await first;
    const closed = close();
    socket.write('GET /second HTTP/1.1\r\nHost: x\r\n\r\n');
    await second;
    release();
    await closed;
    await ended;
    const answers = received.split(/(?=HTTP\/1\.1 )/);
    expect(answers).toHaveLength(2);
    expect(answers[0]).toMatch(/\/first$/);
    expect(answers[1]).toMatch(/^Connection: close\r$/im);
    expect(answers[1]).toMatch(/\/second$/);
  });

  it('drops a connection that was answering when the close began, without waiting for the client', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    let arrived: () => void = () => {};
    const arrival = new Promise<void>((r) => (arrived = r));
    const server = http.createServer(async (_req, res) => {
      arrived();
      await held;
      res.end('late');
    });
    server.keepAliveTimeout = 0;
    const close = closerFor(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const agent = new http.Agent({ keepAlive: true });
    const answer = get(port, agent);
    await arrival;
    // The answer started before the close: its header cannot change, so the connection is dropped after it is sent.
    const closed = close();
    release();
    expect(await answer).toEqual({ connection: 'keep-alive', body: 'late' });
    await closed;
    agent.destroy();
  });
});
