import type { TicketStatus } from '../integrations/zendesk/schemas';
import type { TicketRequest } from '../integrations/zendesk/ticket-to-draft';
import type { Draft } from '../requests/draft';

/** A comment the service writes; the marker makes a retried or resumed write post it once. */
export interface StoryComment {
  html: string;
  public: boolean;
  marker: string;
  /** Ticket status to set in the same update. */
  status?: TicketStatus;
  /** A solved ticket keeps its status (the comment is still posted): see the outbox's notePoster. */
  keepSolved?: boolean;
}

export interface TicketSnapshot {
  ticketId: number;
  /** Zendesk's updated_at: a new version of the ticket re-runs validation. */
  version: string;
  status: TicketStatus;
  /** The ticket uses the "Course request" form. */
  isCourseRequest: boolean;
  request: TicketRequest;
  requester?: string;
  /** The requester's Zendesk user id, for their organisations and groups. */
  requesterId?: number;
}

/**
 * The help desk as the ticket story needs it. Backed by Zendesk; a deployment without Zendesk
 * (CLI requests only) has none, and requests without a ticket tell no story.
 */
export interface TicketDesk {
  readTicket(ticketId: number): Promise<TicketSnapshot>;
  /** A Zendesk user's organisation and group ids (the approval rules' conditions). */
  memberships(userId: number): Promise<{ organizations: number[]; groups: number[] }>;
  post(ticketId: number, comment: StoryComment): Promise<void>;
  /**
   * Opens a course-request ticket for a request made without one (CLI, rollover) and returns its
   * id. `key` names the request: a ticket an earlier attempt opened under it (one that crashed
   * before recording the request) is taken up again, unless `taken` says a request has it.
   */
  openTicket(draft: Draft, note: { subject: string; html: string }, key: string, taken: (ticketId: number) => Promise<boolean>): Promise<number>;
}
