import { createAdminOperations, type AdminOperations } from './admin';
import { createZendeskHttp, type ZendeskDeps } from './client';
import { createTicketOperations, type TicketOperations } from './tickets';
import { createUserOperations, type UserOperations } from './users';

/**
 * The Zendesk adapter: node-zendesk behind typed operations and typed errors. One per
 * process (or per test); nothing is created at import time.
 *
 *   const zendesk = createZendeskAdapter({ config, logger });
 *   const ticket = await zendesk.getTicket(42);                       // TicketNotFound on 404
 *   await zendesk.addComment({ ticketId: 42, html, public: false,
 *     marker: commentMarker(request.id, step.key) });                 // posts once per marker
 *   await zendesk.updateTicket(42, { status: 'open' });               // 409 re-read and retried
 *
 * Errors: ZendeskRequestFailed / TicketNotFound / ZendeskUnexpectedResponse are permanent;
 * ZendeskUnavailable / ZendeskConflict / ZendeskRateLimited (with retryAfterMs) are transient.
 */
export interface ZendeskAdapter extends TicketOperations, UserOperations {
  admin: AdminOperations;
}

export function createZendeskAdapter(deps: ZendeskDeps): ZendeskAdapter {
  const http = createZendeskHttp(deps);
  return { ...createTicketOperations(http), ...createUserOperations(http), admin: createAdminOperations(http) };
}
