import { isAxiosError, type AxiosInstance, type Method } from 'axios';
import type { z } from 'zod';
import type { TokenSource } from './token';
import { EdxPermanentError, toEdxError } from './errors';

export interface StudioRequest {
  method: Method;
  /** A path on Studio, or an absolute URL that Studio itself returned (pagination `next`). */
  path: string;
  data?: unknown;
  params?: Record<string, string>;
  headers?: Record<string, string>;
  /** What is being attempted, for error messages: "create course run course-v1:...". */
  what: string;
}

/** JWT-authenticated calls to Studio's REST APIs with the answer checked against a schema. */
export interface StudioApi {
  call<S extends z.ZodType>(schema: S, request: StudioRequest): Promise<z.infer<S>>;
}

export interface StudioApiDeps {
  http: AxiosInstance;
  studioUrl: string;
  tokens: TokenSource;
  clock: () => number;
  /** Who answers, for messages: the same JWT calls reach the LMS's own APIs (accounts). Default "Studio". */
  service?: 'Studio' | 'LMS';
}

export function createStudioApi(deps: StudioApiDeps): StudioApi {
  const studio = new URL(deps.studioUrl);
  const service = deps.service ?? 'Studio';

  function resolve(path: string, what: string): string {
    const url = new URL(path, studio);
    // The JWT goes only to Studio, whatever URL an answer points us at. Behind a TLS proxy
    // Django may build `http://` links to itself: same host means the configured origin.
    if (url.host !== studio.host) throw new EdxPermanentError(`${what}: ${service} pointed at ${url.origin}, which is not ${studio.origin}`);
    return new URL(`${url.pathname}${url.search}`, studio.origin).toString();
  }

  async function send(request: StudioRequest, token: string): Promise<unknown> {
    const { data } = await deps.http.request({
      method: request.method,
      url: resolve(request.path, request.what),
      data: request.data,
      params: request.params,
      headers: { Accept: 'application/json', ...request.headers, Authorization: `JWT ${token}` },
    });
    return data;
  }

  return {
    async call(schema, request) {
      let data: unknown;
      try {
        const token = await deps.tokens.get();
        try {
          data = await send(request, token);
        } catch (err) {
          // An expired or revoked token: fetch a new one and try exactly once more.
          if (!isUnauthorized(err)) throw err;
          deps.tokens.invalidate(token);
          data = await send(request, await deps.tokens.get());
        }
      } catch (err) {
        throw toEdxError(err, request.what, deps.clock());
      }
      const parsed = schema.safeParse(data);
      if (!parsed.success) {
        throw new EdxPermanentError(`${request.what}: ${service} answered in an unexpected shape (${parsed.error.issues[0]?.message ?? 'invalid'} at ${parsed.error.issues[0]?.path.join('.') || 'top level'})`);
      }
      return parsed.data;
    },
  };
}

function isUnauthorized(err: unknown): boolean {
  return isAxiosError(err) && err.response?.status === 401;
}
