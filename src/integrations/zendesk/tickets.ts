import { isMarker, carriesMarker, withMarker } from './marker';
import { many, one, type ZendeskHttp } from './client';
import { isNotFound, TicketClosed, TicketNotFound, ZendeskConflict, ZendeskRequestFailed } from './errors';
import {
  commentSchema,
  type FieldValue,
  sideloadedTicketSchema,
  sideloadedUserSchema,
  ticketSchema,
  type TicketStatus,
  type ZendeskTicketBody,
  userSchema,
  wrapped,
} from './schemas';

/** A ticket as the service sees it: what intake and the ticket story need, nothing more. */
export interface Ticket {
  id: number;
  status: TicketStatus;
  subject?: string;
  formId?: number;
  requester: { id: number; email?: string; name?: string };
  /** Zendesk's `updated_at`: with the invocation id, a cheap key for "have I seen this version". */
  updatedAt: string;
  tags: string[];
  /** Custom field values by Zendesk field id (see `ticketToDraft` for the mapping to a draft). */
  customFields: ReadonlyMap<number, FieldValue>;
}

export interface Comment {
  id: number;
  authorId: number;
  public: boolean;
  body: string;
  htmlBody: string;
  plainBody?: string;
  createdAt: string;
}

export interface NewComment {
  html: string;
  /** false: internal note (agents only); true: public reply, emailed to the requester. */
  public: boolean;
  /** From `commentMarker(requestId, stepKey)`: the comment is posted once per marker. */
  marker: string;
}

export interface TicketChange {
  status?: TicketStatus;
  /** Leave `status` unapplied when the ticket is solved at the moment of the write. */
  keepSolved?: boolean;
  customFields?: Array<{ id: number; value: FieldValue }>;
  comment?: NewComment;
}

export interface TicketUpdate {
  ticket: Ticket;
  /** false when the marker was already on the ticket (or there was no comment). */
  commentPosted: boolean;
  /** false when the ticket already had every value and the comment: nothing was sent. */
  changed: boolean;
}

const MAX_CONFLICT_RETRIES = 3;

const sameValue = (a: FieldValue | undefined, b: FieldValue) => JSON.stringify(a ?? null) === JSON.stringify(b);

export function createTicketOperations(http: ZendeskHttp) {
  const { client, logger, scrub, sleep } = http;

  /**
   * The ticket with its requester side-loaded: one request where two were. The requester is
   * undefined when the side-load did not carry a usable record of them (a deleted user, or a
   * partial record without the email key): `requesterOf` then reads the user.
   */
  async function readBody(ticketId: number): Promise<{ body: ZendeskTicketBody; requester: Ticket['requester'] | undefined }> {
    let read;
    try {
      read = await one(`GET ticket ${ticketId}`, sideloadedTicketSchema, client.tickets.get(['tickets', ticketId, { include: 'users' }]));
    } catch (err) {
      if (isNotFound(err)) throw new TicketNotFound(ticketId);
      throw err;
    }
    const user = sideloadedUserSchema.safeParse(read.requester);
    return { body: read.ticket, requester: user.success ? requesterRecord(user.data) : undefined };
  }

  const requesterRecord = (user: { id: number; email?: string | null; name?: string | null }): Ticket['requester'] => ({
    id: user.id,
    email: user.email ?? undefined,
    name: user.name ?? undefined,
  });

  async function requesterOf(body: ZendeskTicketBody, known?: Ticket['requester']): Promise<Ticket['requester']> {
    if (known && known.id === body.requester_id) return known;
    try {
      return requesterRecord(await one(`GET user ${body.requester_id}`, wrapped('user', userSchema), client.users.show(body.requester_id)));
    } catch (err) {
      // A deleted requester leaves the ticket readable; intake reports the missing address.
      if (isNotFound(err)) return { id: body.requester_id };
      throw err;
    }
  }

  const toTicket = (body: ZendeskTicketBody, requester: Ticket['requester']): Ticket => ({
    id: body.id,
    status: body.status,
    subject: body.subject ?? undefined,
    formId: body.ticket_form_id ?? undefined,
    requester,
    updatedAt: body.updated_at,
    tags: body.tags,
    customFields: new Map(body.custom_fields.map((f) => [f.id, f.value ?? null])),
  });

  /** The ticket with its custom field values and its requester's address. 404: TicketNotFound. */
  async function getTicket(ticketId: number): Promise<Ticket> {
    const { body, requester } = await readBody(ticketId);
    return toTicket(body, await requesterOf(body, requester));
  }

  async function listComments(ticketId: number): Promise<Comment[]> {
    let comments;
    try {
      comments = await many(`GET ticket ${ticketId} comments`, commentSchema, client.tickets.getComments(ticketId));
    } catch (err) {
      if (isNotFound(err)) throw new TicketNotFound(ticketId);
      throw err;
    }
    return comments.map((c) => ({
      id: c.id,
      authorId: c.author_id,
      public: c.public,
      body: c.body,
      htmlBody: c.html_body,
      plainBody: c.plain_body,
      createdAt: c.created_at,
    }));
  }

  const markerPresent = async (ticketId: number, marker: string) => (await listComments(ticketId)).some((c) => carriesMarker(c, marker));

  /**
   * Applies a change against a fresh read, with `safe_update` so Zendesk refuses it (409) if
   * the ticket moved in between; a 409 (that, or Zendesk's own DatabaseConflict on concurrent
   * writes) re-reads and re-applies, up to 3 times, then throws ZendeskConflict (transient).
   * Values the ticket already has are not sent, so a replayed step fires no trigger; a
   * comment whose marker is on the ticket is not posted again.
   */
  async function updateTicket(ticketId: number, change: TicketChange): Promise<TicketUpdate> {
    if (change.comment && !isMarker(change.comment.marker)) {
      throw new Error(`comment marker ${JSON.stringify(change.comment.marker)} was not made by commentMarker()`);
    }
    for (let attempt = 0; ; attempt++) {
      const { body: current, requester } = await readBody(ticketId);
      const values = new Map(current.custom_fields.map((f) => [f.id, f.value ?? null]));
      const fields = (change.customFields ?? []).filter((f) => !sameValue(values.get(f.id), f.value));
      // Decided on this read, which safe_update makes the one written over: a 409 re-decides.
      const keep = change.keepSolved === true && current.status === 'solved';
      const status = change.status !== undefined && change.status !== current.status && !keep ? change.status : undefined;
      const comment = change.comment && !(await markerPresent(ticketId, change.comment.marker)) ? change.comment : undefined;
      if (!comment && fields.length === 0 && status === undefined) {
        return { ticket: toTicket(current, await requesterOf(current, requester)), commentPosted: false, changed: false };
      }
      const payload = {
        ticket: {
          ...(status && { status }),
          ...(fields.length > 0 && { custom_fields: fields }),
          ...(comment && { comment: { html_body: scrub(withMarker(comment.html, comment.marker)), public: comment.public } }),
          safe_update: true,
          updated_stamp: current.updated_at,
        },
      };
      try {
        // `put`, not `tickets.update`: node-zendesk's CustomField type forbids null, which clears a field.
        const updated = await one(`PUT ticket ${ticketId}`, wrapped('ticket', ticketSchema), client.tickets.put(['tickets', ticketId], payload));
        // The update sets no requester: the one side-loaded a moment ago is still theirs unless the id moved.
        return { ticket: toTicket(updated, await requesterOf(updated, requester)), commentPosted: Boolean(comment), changed: true };
      } catch (err) {
        if (isNotFound(err)) throw new TicketNotFound(ticketId);
        // The read just before says why: Zendesk's 422 text for it is not a documented contract.
        if (err instanceof ZendeskRequestFailed && err.failure.status === 422 && current.status === 'closed') throw new TicketClosed(ticketId);
        if (!(err instanceof ZendeskConflict) || attempt >= MAX_CONFLICT_RETRIES) throw err;
        logger.info('zendesk ticket update conflicted; re-reading', { ticketId, attempt });
        await sleep(100 * 2 ** attempt);
      }
    }
  }

  /** Posts the comment unless its marker is already on the ticket; may set the status with it. */
  async function addComment(input: { ticketId: number; status?: TicketStatus; keepSolved?: boolean } & NewComment): Promise<{ posted: boolean }> {
    const { ticketId, status, keepSolved, ...comment } = input;
    const { commentPosted } = await updateTicket(ticketId, { status, keepSolved, comment });
    return { posted: commentPosted };
  }

  /**
   * Opens a ticket on the API user's behalf (a request made from the CLI or a rollover), its
   * first comment an internal note, tagged with `externalId` so a retry can find it again.
   * Returns the new ticket's id.
   */
  async function createTicket(input: { subject: string; html: string; formId: number; customFields: Array<{ id: number; value: FieldValue }>; externalId: string }): Promise<number> {
    const payload = {
      ticket: { subject: input.subject, comment: { html_body: scrub(input.html), public: false }, ticket_form_id: input.formId, custom_fields: input.customFields, external_id: input.externalId },
    };
    const created = await one('POST ticket', wrapped('ticket', ticketSchema), client.tickets.post(['tickets'], payload));
    return created.id;
  }

  /** Tickets carrying this external id (Zendesk does not keep them unique), oldest first. */
  async function findTicketsByExternalId(externalId: string): Promise<Array<{ id: number; status: TicketStatus }>> {
    const found = await many(`GET tickets by external id`, ticketSchema, client.tickets.listWithFilter('external_id', externalId));
    // Checked here too: were Zendesk to ignore the filter (docs/real-systems.md), other tickets must not count as ours.
    return found.filter((t) => t.external_id === externalId).map((t) => ({ id: t.id, status: t.status })).sort((a, b) => a.id - b.id);
  }

  return { getTicket, listComments, updateTicket, addComment, createTicket, findTicketsByExternalId };
}

export type TicketOperations = ReturnType<typeof createTicketOperations>;
