import type { RequestRow } from '../db/schema';
import type { StepDefinition } from '../engine/types';
import { commentMarker } from '../integrations/zendesk/marker';
import { rejectionReply } from '../story/messages';
import type { TicketDesk } from '../story/desk';

/** A rejected request's only step: tell the requester why, and solve the ticket. */
export function rejectionFlow(desk: TicketDesk | undefined, request: RequestRow): StepDefinition[] {
  return [
    {
      key: 'notify-rejection',
      title: 'Tell the requester why the request was rejected',
      kind: 'auto',
      async run() {
        if (request.ticketId !== null && desk) {
          await desk.post(request.ticketId, { html: rejectionReply(request.reason ?? ''), public: true, marker: commentMarker(request.id, 'rejected'), status: 'solved' });
        }
        return { silent: true, summary: `Rejected: ${request.reason ?? ''}` };
      },
    },
  ];
}
