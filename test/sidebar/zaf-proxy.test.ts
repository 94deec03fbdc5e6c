import { decode } from 'hono/jwt';
import { describe, expect, it } from 'vitest';
import { type ProxyContext, proxyZafRequest } from '../../src/sandbox/helpdesk/zaf-proxy';

/** The page's stand-in for Zendesk's request proxy: a secure setting goes only where its scopes allow. */
describe('help-desk page request proxy', () => {
  const seen: Request[] = [];
  const ctx: ProxyContext = {
    settings: { shared_secret: { value: 's3cret-s3cret-s3cret-s3cret-s3cret', secure: true, scopes: ['jwt_secret_key'] } },
    allowedOrigins: ['https://orc.mit.edu'],
    now: () => Date.parse('2026-12-01T10:00:00Z'),
    fetch: async (input, init) => {
      seen.push(new Request(input, init));
      return new Response('{}', { headers: { 'content-type': 'application/json' } });
    },
  };

  it('signs the token with a secret scoped to jwt_secret_key, for the expiry asked', async () => {
    const answer = await proxyZafRequest(
      { url: 'https://orc.mit.edu/api/requests', secure: true, headers: { Authorization: 'Bearer {{jwt.token}}' }, jwt: { algorithm: 'HS256', secret_key: '{{setting.shared_secret}}', expiry: 600, claims: { sub: '1001' } } },
      ctx,
    );
    expect(answer.status).toBe(200);
    const { payload } = decode(seen.at(-1)!.headers.get('authorization')!.slice('Bearer '.length));
    expect(Number(payload.exp) - Number(payload.iat)).toBe(600);
  });

  it('leaves the placeholder where the scopes do not allow the secret (a header, the URL)', async () => {
    await proxyZafRequest({ url: 'https://orc.mit.edu/api/requests', secure: true, headers: { 'x-secret': '{{setting.shared_secret}}' } }, ctx);
    expect(seen.at(-1)!.headers.get('x-secret')).toBe('{{setting.shared_secret}}');
    const answer = await proxyZafRequest({ url: 'https://orc.mit.edu/api/{{setting.shared_secret}}', secure: true }, ctx);
    expect(answer.body).not.toContain('s3cret');
    expect(seen.map((r) => r.url).join(' ')).not.toContain('s3cret');
  });
});
