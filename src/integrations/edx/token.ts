import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import type { Logger } from '../../log';
import { toEdxError } from './errors';

const tokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive(),
});

export interface TokenSource {
  /** A JWT for `Authorization: JWT <token>`, fetched once and reused until shortly before expiry. */
  get(): Promise<string>;
  /** Forgets `token` after edX refused it (401), so the next get() fetches a fresh one. */
  invalidate(token: string): void;
}

export interface TokenSourceDeps {
  http: AxiosInstance;
  /** The LMS that runs the OAuth2 provider (the staging LMS, which shares its installation with Studio). */
  lmsUrl: string;
  clientId: string;
  clientSecret: string;
  clock: () => number;
  log: Logger;
}

/** Renew this long before expiry, so a token never expires mid-request or mid-poll. */
const MAX_MARGIN_MS = 60_000;

/** OAuth2 client-credentials grant with `token_type=jwt` against `{LMS}/oauth2/access_token`. */
export function createTokenSource(deps: TokenSourceDeps): TokenSource {
  let cached: { token: string; renewAt: number } | undefined;
  // Concurrent callers share one token request instead of each asking the LMS.
  let pending: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    const url = new URL('/oauth2/access_token', deps.lmsUrl).toString();
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: deps.clientId,
      client_secret: deps.clientSecret,
      token_type: 'jwt',
    });
    const requestedAt = deps.clock();
    let data: unknown;
    try {
      ({ data } = await deps.http.post(url, form, { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }));
    } catch (err) {
      throw toEdxError(err, 'get an edX access token', deps.clock());
    }
    const parsed = tokenResponse.safeParse(data);
    if (!parsed.success) {
      throw toEdxError(new Error('the LMS token endpoint answered without access_token/expires_in'), 'get an edX access token', deps.clock());
    }
    const ttlMs = parsed.data.expires_in * 1000;
    cached = { token: parsed.data.access_token, renewAt: requestedAt + ttlMs - Math.min(MAX_MARGIN_MS, ttlMs / 10) };
    deps.log.debug('edx token issued', { expiresInSeconds: parsed.data.expires_in });
    return cached.token;
  }

  return {
    get() {
      if (cached && deps.clock() < cached.renewAt) return Promise.resolve(cached.token);
      pending ??= fetchToken().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    invalidate(token) {
      if (cached?.token === token) cached = undefined;
    },
  };
}
