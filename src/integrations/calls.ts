/** Calls to GitHub, Zendesk and edX as operators count them (metrics); the integrations stay unaware of how. */

export type ExternalSystem = 'github' | 'zendesk' | 'edx';

/** How an answer told us to slow down. */
export type RateLimit = 'too_many_requests' | 'primary' | 'secondary';

export interface CallObserver {
  externalCall(call: { system: ExternalSystem; status: number | 'network_error'; rateLimit: RateLimit | undefined }): void;
}

/**
 * 429 is Zendesk's and edX's limit; GitHub answers 403 with x-ratelimit-remaining: 0 for its
 * primary limit and 403 with retry-after for a secondary one
 * (docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api).
 */
export function rateLimitOf(status: number, header: (name: string) => string | null | undefined): RateLimit | undefined {
  if (status === 429) return 'too_many_requests';
  if (status !== 403) return undefined;
  if (header('x-ratelimit-remaining') === '0') return 'primary';
  return header('retry-after') != null ? 'secondary' : undefined;
}

/** A fetch that tells `observer` how each call ended. */
export function observedFetch(system: ExternalSystem, base: typeof fetch, observer: CallObserver): typeof fetch {
  return async (input, init) => {
    let response: Response;
    try {
      response = await base(input, init);
    } catch (err) {
      observer.externalCall({ system, status: 'network_error', rateLimit: undefined });
      throw err;
    }
    observer.externalCall({ system, status: response.status, rateLimit: rateLimitOf(response.status, (name) => response.headers.get(name)) });
    return response;
  };
}
