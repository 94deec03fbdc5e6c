import type { Db } from '../db/types';
import type { ZendeskAdapter } from '../integrations/zendesk/adapter';
import { loadZendeskIds } from '../db/zendesk-objects';
import { draftToFields, ticketToDraft } from '../integrations/zendesk/ticket-to-draft';
import type { TicketDesk } from './desk';

/**
 * The desk on Zendesk. Field and form ids come from what `orcoursetrion zendesk setup` stored
 * (a ticket cannot be read as a request before setup ran: that fails with ZendeskNotSetUp).
 */
export function zendeskDesk(zendesk: ZendeskAdapter, db: Db): TicketDesk {
  return {
    async readTicket(ticketId) {
      const ids = await loadZendeskIds(db);
      const ticket = await zendesk.getTicket(ticketId);
      const request = ticketToDraft(ticket, ids.fields);
      return {
        ticketId,
        version: ticket.updatedAt,
        status: ticket.status,
        isCourseRequest: ticket.formId === ids.formId || request.draft.type !== undefined,
        request,
        requester: ticket.requester.email,
        requesterId: ticket.requester.id,
      };
    },
    memberships: (userId) => zendesk.memberships(userId),
    async post(ticketId, comment) {
      await zendesk.addComment({ ticketId, ...comment });
    },
    async openTicket(draft, note, key, taken) {
      const ids = await loadZendeskIds(db);
      for (const earlier of await zendesk.findTicketsByExternalId(key)) {
        // A closed ticket takes no more comments; one a request has is that request's.
        if (earlier.status !== 'closed' && !(await taken(earlier.id))) return earlier.id;
      }
      return zendesk.createTicket({ subject: note.subject, html: note.html, formId: ids.formId, customFields: draftToFields(draft, ids.fields), externalId: key });
    },
  };
}
