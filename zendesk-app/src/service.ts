import * as z from 'zod/mini';
import type { ZafClient } from './zaf';
import { serviceRequest } from './service-request';
import {
  type BulkAction,
  bulkResultsSchema,
  courseCheckSchema,
  dashboardSchema,
  detailSchema,
  errorBodySchema,
  requestFailureSchema,
  validationSchema,
  type ZendeskUser,
} from './schemas';

/** A failed call to the service, with the message to show the agent. */
export class ServiceError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

function failureOf(failure: unknown): ServiceError {
  const parsed = requestFailureSchema.safeParse(failure);
  if (!parsed.success) return new ServiceError(0, 'The service could not be reached. Check the app\'s Service URL setting.');
  const { status, responseText } = parsed.data;
  let message: string | undefined;
  try {
    const body = errorBodySchema.safeParse(JSON.parse(responseText ?? ''));
    if (body.success) message = body.data.error.message;
  } catch {
    // Not JSON (a proxy error page): fall through to the generic messages below.
  }
  if (status === 401) return new ServiceError(401, 'The service refused this app\'s token. The app\'s shared secret must equal ORC_APP_SHARED_SECRET.');
  if (status === 0) return new ServiceError(0, 'The service could not be reached. Check the app\'s Service URL setting.');
  return new ServiceError(status, message ?? `The service answered ${status}.`);
}

/** The sidebar API as the app calls it. */
export function createService(client: ZafClient, serviceUrl: string, user: ZendeskUser) {
  async function call<T>(method: 'GET' | 'POST', path: string, schema: z.ZodMiniType<T>, body?: unknown): Promise<T> {
    let data: unknown;
    try {
      data = await client.request(serviceRequest(serviceUrl, user, method, path, body));
    } catch (failure) {
      throw failureOf(failure);
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) throw new ServiceError(502, `The service's answer to ${method} ${path} was not understood; is the app older than the service?`);
    return parsed.data;
  }

  const requestPath = (id: number) => `/api/requests/${id}`;
  const stepPath = (id: number, key: string) => `${requestPath(id)}/steps/${encodeURIComponent(key)}`;
  return {
    /** The request on a ticket; undefined when the ticket is not a course request (404). */
    async ticket(ticketId: number) {
      try {
        return await call('GET', `/api/tickets/${ticketId}`, detailSchema);
      } catch (err) {
        if (err instanceof ServiceError && err.status === 404) return undefined;
        throw err;
      }
    },
    approve: (id: number) => call('POST', `${requestPath(id)}/approve`, detailSchema, {}),
    reject: (id: number, reason: string) => call('POST', `${requestPath(id)}/reject`, detailSchema, { reason }),
    cancel: (id: number, reason: string) => call('POST', `${requestPath(id)}/cancel`, detailSchema, { reason }),
    runNow: (id: number) => call('POST', `${requestPath(id)}/run-now`, detailSchema, {}),
    /** `confirm`: the agent agreed that a start in the past starts the work now. */
    reschedule: (id: number, startAt: string, confirm = false) => call('POST', `${requestPath(id)}/reschedule`, detailSchema, confirm ? { startAt, confirm } : { startAt }),
    complete: (id: number, key: string, note: string) => call('POST', `${stepPath(id, key)}/complete`, detailSchema, note ? { note } : {}),
    skip: (id: number, key: string, note: string) => call('POST', `${stepPath(id, key)}/skip`, detailSchema, { note }),
    retry: (id: number, key: string) => call('POST', `${stepPath(id, key)}/retry`, detailSchema, {}),
    retryNotes: (id: number) => call('POST', `${requestPath(id)}/notes/retry`, detailSchema, {}),
    dismissNotes: (id: number, note: string) => call('POST', `${requestPath(id)}/notes/dismiss`, detailSchema, { note }),
    validate: (draft: Record<string, string>) => call('POST', '/api/validate', validationSchema, draft),
    check: (id: number) => call('POST', `${requestPath(id)}/check`, courseCheckSchema, {}),
    dashboard: () => call('GET', '/api/dashboard', dashboardSchema),
    bulk: (action: BulkAction, ids: number[], reason?: string) => call('POST', '/api/requests/bulk', bulkResultsSchema, { action, ids, ...(reason && { reason }) }),
  };
}
export type Service = ReturnType<typeof createService>;
