import { randomBytes } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { type FieldKey, FIELDS, fieldSpec, fieldTitle } from '../../courses/request-fields';
import { type FieldValue, fieldValueSchema, TICKET_STATUSES, type TicketStatus } from '../../integrations/zendesk/schemas';
import { FORM_TITLE } from '../../integrations/zendesk/setup/desired';
import { zendeskSignature, zendeskTimestamp } from '../../integrations/zendesk/signature';
import { escapeHtml } from '../../story/html';
import { agentConditionSchema, conditionProblems, endUserConditionSchema } from './form-conditions';
import {
  type MacroInput,
  macroEffect,
  macroInputSchema,
  renderPlaceholders,
  type RuleContext,
  type TicketState,
  triggerFires,
  type TriggerInput,
  triggerInputSchema,
} from './simulator-rules';

/**
 * A stateful Zendesk account for tests and the sandbox: the endpoints node-zendesk calls
 * (tickets, comments, users, ticket fields, forms, macros, triggers, webhooks with signing
 * secrets), Basic auth `email/token:TOKEN`, triggers evaluated on every ticket create and
 * update, and signed webhook deliveries (with duplicates and retries on demand). Tests mount
 * `fetch` through msw (test/support/msw.ts); the sandbox serves it with @hono/node-server.
 */

export interface ZendeskSimulatorOptions {
  /** The API user's credentials (ORC_ZENDESK_EMAIL / ORC_ZENDESK_TOKEN). */
  email: string;
  token: string;
  accountId?: number;
  /** Sends a webhook delivery; default global fetch. */
  deliver?: (url: string, init: RequestInit) => Promise<Response>;
  clock?: () => number;
  /** `auto` (default): deliveries go out as triggers fire; `manual`: queued until `deliverPending()`. */
  deliveries?: 'auto' | 'manual';
}

type Role = 'end-user' | 'agent' | 'admin';
interface User {
  id: number;
  name: string;
  email: string;
  role: Role;
  // https://developer.zendesk.com/api-reference/ticketing/users/users/ : active false once deleted, suspended set by an admin
  active: boolean;
  suspended: boolean;
}

interface Comment {
  id: number;
  author_id: number;
  body: string;
  html_body: string;
  plain_body: string;
  public: boolean;
  created_at: string;
}

interface Ticket extends TicketState {
  subject: string;
  external_id: string | null;
  requester_id: number;
  submitter_id: number;
  created_at: string;
  updated_at: string;
  comments: Comment[];
}

interface Webhook {
  id: string;
  name: string;
  status: string;
  endpoint: string;
  http_method: string;
  request_format: string;
  subscriptions: string[];
  secret: string;
}

export interface DeliveryAttempt {
  timestamp: string;
  signature: string;
  status?: number;
  error?: string;
}

export interface Invocation {
  id: string;
  webhookId: string;
  endpoint: string;
  ticketId: number;
  body: string;
  attempts: DeliveryAttempt[];
}

/** A change as a person makes it in the UI: fields by catalogue key, tagger values as draft values. */
export interface PersonChange {
  fields?: Partial<Record<FieldKey, string | number | null>>;
  comment?: string;
  status?: TicketStatus;
}

interface TicketChange {
  status?: TicketStatus;
  customFields?: Array<{ id: number; value: FieldValue }>;
  comment?: { html: string; public: boolean };
}

/** https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_fields/ : the custom field types (the ticket events reference lists the same families). */
const CUSTOM_FIELD_TYPES = ['text', 'textarea', 'checkbox', 'date', 'integer', 'decimal', 'regexp', 'partialcreditcard', 'multiselect', 'tagger', 'lookup'] as const;

const ticketFieldShape = z.object({
  type: z.enum(CUSTOM_FIELD_TYPES, { message: `is not a ticket field type (${CUSTOM_FIELD_TYPES.join(', ')})` }),
  title: z.string().min(1),
  title_in_portal: z.string().optional(),
  description: z.string().optional(),
  active: z.boolean().default(true),
  visible_in_portal: z.boolean().default(false),
  editable_in_portal: z.boolean().default(false),
  custom_field_options: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
  regexp_for_validation: z.string().nullish(),
});
const compiles = (pattern: string) => {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
};
const ticketFieldInput = ticketFieldShape
  // https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_fields/ : drop-down (tagger) and multiselect fields need their options
  .refine((f) => !['tagger', 'multiselect'].includes(f.type) || (f.custom_field_options?.length ?? 0) > 0, { message: 'needs custom_field_options', path: ['custom_field_options'] })
  // ticket_fields: regexp_for_validation is for "regexp" fields only, the pattern a value must match (JavaScript's reading stands in for Zendesk's)
  .refine((f) => (f.type === 'regexp') === Boolean(f.regexp_for_validation), { message: 'is required for regexp fields and only for them', path: ['regexp_for_validation'] })
  .refine((f) => !f.regexp_for_validation || compiles(f.regexp_for_validation), { message: 'is not a regular expression', path: ['regexp_for_validation'] });
/** System fields (subject, description, status) are listed with their own types; custom ones are created through the API. */
type TicketField = Omit<z.infer<typeof ticketFieldShape>, 'type'> & { type: string; id: number; custom_field_options?: Array<{ id: number; name: string; value: string }> };

const ticketFormInput = z.object({
  name: z.string().min(1),
  display_name: z.string().optional(),
  active: z.boolean().default(true),
  end_user_visible: z.boolean().default(false),
  ticket_field_ids: z.array(z.number()).default([]),
  agent_conditions: z.array(agentConditionSchema).default([]),
  end_user_conditions: z.array(endUserConditionSchema).default([]),
});
type TicketForm = z.infer<typeof ticketFormInput> & { id: number };

const TEST_SIGNING_SECRET = 'dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==';
const webhookTestInput = z.object({
  request: z.object({
    endpoint: z.string().url(),
    http_method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
    request_format: z.enum(['json', 'xml', 'form_encoded']),
    payload: z.string().optional(),
  }),
});
const webhookInput = z.object({
  name: z.string().min(1),
  status: z.enum(['active', 'inactive']),
  endpoint: z.string().url(),
  http_method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  request_format: z.enum(['json', 'xml', 'form_encoded']),
  subscriptions: z.array(z.string()).default([]),
});

const customFieldsInput = z.array(z.object({ id: z.number(), value: fieldValueSchema }));
const commentInput = z.object({ body: z.string().optional(), html_body: z.string().optional(), public: z.boolean().default(true) });
const ticketInput = z.object({
  subject: z.string().optional(),
  status: z.enum(TICKET_STATUSES).optional(),
  ticket_form_id: z.number().nullish(),
  external_id: z.string().nullish(),
  requester_id: z.number().optional(),
  requester: z.object({ email: z.string(), name: z.string().optional() }).optional(),
  custom_fields: customFieldsInput.optional(),
  comment: commentInput.optional(),
  safe_update: z.boolean().optional(),
  updated_stamp: z.string().optional(),
});

/** The account as stored between sandbox runs (see `persist` below); read back through these schemas. */
const userData = z.object({ id: z.number(), name: z.string(), email: z.string(), role: z.enum(['end-user', 'agent', 'admin']), active: z.boolean().default(true), suspended: z.boolean().default(false) });
const commentData = z.object({ id: z.number(), author_id: z.number(), body: z.string(), html_body: z.string(), plain_body: z.string(), public: z.boolean(), created_at: z.string() });
const ticketData = z.object({
  id: z.number(),
  subject: z.string(),
  external_id: z.string().nullable(),
  status: z.enum(TICKET_STATUSES),
  ticket_form_id: z.number().nullable(),
  requester_id: z.number(),
  submitter_id: z.number(),
  tags: z.array(z.string()),
  custom_fields: z.array(z.tuple([z.number(), fieldValueSchema])),
  created_at: z.string(),
  updated_at: z.string(),
  comments: z.array(commentData),
});
const accountData = z.object({
  nextId: z.number().int(),
  lastStamp: z.number(),
  users: z.array(userData),
  tickets: z.array(ticketData),
  // System fields have their own types (subject, description, status): kept as they were listed.
  fields: z.array(ticketFieldShape.extend({ type: z.string(), id: z.number(), custom_field_options: z.array(z.object({ id: z.number(), name: z.string(), value: z.string() })).optional() })),
  forms: z.array(ticketFormInput.extend({ id: z.number() })),
  macros: z.array(macroInputSchema.and(z.object({ id: z.number() }))),
  triggers: z.array(triggerInputSchema.and(z.object({ id: z.number() }))),
  webhooks: z.array(z.object({ id: z.string(), name: z.string(), status: z.string(), endpoint: z.string(), http_method: z.string(), request_format: z.string(), subscriptions: z.array(z.string()), secret: z.string() })),
});

const textOf = (html: string) => html.replace(/<[^>]*>/g, '').trim();

const ULID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ulid = () => Array.from(randomBytes(26), (b) => ULID_ALPHABET[b % 32]).join('');

export function createZendeskSimulator(options: ZendeskSimulatorOptions) {
  const clock = options.clock ?? Date.now;
  const deliver = options.deliver ?? ((url: string, init: RequestInit) => globalThis.fetch(url, init));
  const accountId = options.accountId ?? 1;
  let nextId = 1000;
  const newId = () => nextId++;

  const users = new Map<number, User>();
  /** Organisation and group ids by user id (memberships are their own resources in Zendesk). */
  const organizationMemberships = new Map<number, number[]>();
  const groupMemberships = new Map<number, number[]>();
  const tickets = new Map<number, Ticket>();
  const fields = new Map<number, TicketField>();
  const forms = new Map<number, TicketForm>();
  const macros = new Map<number, MacroInput & { id: number }>();
  const triggers = new Map<number, TriggerInput & { id: number }>();
  const webhooks = new Map<string, Webhook>();
  const invocations = new Map<string, Invocation>();
  const inflight = new Set<Promise<unknown>>();
  const queued: Invocation[] = [];
  const requests: Array<{ method: string; path: string }> = [];
  const faults: Array<{ remaining: number; applies: (method: string, path: string) => boolean; respond: () => Response }> = [];

  function userByEmail(email: string, role: Role, name?: string): User {
    const found = [...users.values()].find((u) => u.email.toLowerCase() === email.toLowerCase());
    if (found) return found;
    const user: User = { id: newId(), email, role, name: name ?? email.split('@')[0] ?? email, active: true, suspended: false };
    users.set(user.id, user);
    return user;
  }
  const apiUser = userByEmail(options.email, 'admin', 'Orcoursetrion');

  for (const type of ['subject', 'description', 'status']) {
    const id = newId();
    fields.set(id, { id, type, title: type[0]!.toUpperCase() + type.slice(1), active: true, visible_in_portal: true, editable_in_portal: type !== 'status' });
  }

  // Stamps strictly increase, so a safe_update with an old stamp always conflicts.
  let lastStamp = 0;
  const stamp = () => {
    lastStamp = Math.max(clock(), lastStamp + 1000);
    return zendeskTimestamp(lastStamp);
  };

  const ticketJson = (t: Ticket) => ({
    id: t.id,
    subject: t.subject,
    external_id: t.external_id,
    description: t.comments[0]?.body ?? '',
    status: t.status,
    ticket_form_id: t.ticket_form_id,
    requester_id: t.requester_id,
    submitter_id: t.submitter_id,
    tags: t.tags,
    custom_fields: [...fields.values()]
      .filter((f) => !['subject', 'description', 'status'].includes(f.type))
      .map((f) => ({ id: f.id, value: t.custom_fields.get(f.id) ?? null })),
    created_at: t.created_at,
    updated_at: t.updated_at,
  });

  const state = (t: Ticket): TicketState => ({ id: t.id, status: t.status, ticket_form_id: t.ticket_form_id, tags: [...t.tags], custom_fields: new Map(t.custom_fields) });

  // ---- webhook deliveries ------------------------------------------------------------------

  /** developer.zendesk.com .../anatomy-of-a-webhook-request: what every webhook request carries. */
  const requestHeaders = (webhookId: string | undefined, invocationId: string, timestamp: string, signature: string): Record<string, string> => ({
    'content-type': 'application/json; charset=utf-8',
    'user-agent': 'Zendesk Webhook',
    'x-zendesk-account-id': String(accountId),
    ...(webhookId !== undefined && { 'x-zendesk-webhook-id': webhookId }),
    'x-zendesk-webhook-invocation-id': invocationId,
    'x-zendesk-webhook-signature-timestamp': timestamp,
    'x-zendesk-webhook-signature': signature,
  });

  async function attempt(invocation: Invocation, reuse?: DeliveryAttempt): Promise<DeliveryAttempt> {
    const webhook = webhooks.get(invocation.webhookId);
    const timestamp = reuse?.timestamp ?? zendeskTimestamp(clock());
    const signature = reuse?.signature ?? zendeskSignature(webhook?.secret ?? '', timestamp, invocation.body);
    const record: DeliveryAttempt = { timestamp, signature };
    invocation.attempts.push(record);
    try {
      const response = await deliver(invocation.endpoint, {
        method: webhook?.http_method ?? 'POST',
        headers: requestHeaders(invocation.webhookId, invocation.id, timestamp, signature),
        body: invocation.body,
      });
      record.status = response.status;
      await response.body?.cancel();
    } catch (err) {
      record.error = err instanceof Error ? err.message : String(err);
    }
    return record;
  }

  function track<T>(promise: Promise<T>): Promise<T> {
    inflight.add(promise);
    void promise.finally(() => inflight.delete(promise));
    return promise;
  }

  function invoke(webhookId: string, bodyTemplate: string, ctx: RuleContext) {
    const webhook = webhooks.get(webhookId);
    if (!webhook || webhook.status !== 'active') return;
    const invocation: Invocation = { id: ulid(), webhookId, endpoint: webhook.endpoint, ticketId: ctx.current.id, body: renderPlaceholders(bodyTemplate, ctx), attempts: [] };
    invocations.set(invocation.id, invocation);
    if (options.deliveries === 'manual') queued.push(invocation);
    // Zendesk sends after the update is committed, never inside the API call.
    else track(Promise.resolve().then(() => attempt(invocation)));
  }

  function runTriggers(ctx: RuleContext) {
    for (const trigger of triggers.values()) {
      if (!trigger.active || !triggerFires(trigger, ctx)) continue;
      for (const action of trigger.actions) {
        if (action.field === 'notification_webhook') invoke(action.value[0], action.value[1], ctx);
        else if (!ctx.current.tags.includes(action.value)) ctx.current.tags.push(action.value);
      }
    }
  }

  // ---- tickets --------------------------------------------------------------------------------

  function addComment(ticket: Ticket, author: User, comment: { html: string; public: boolean }) {
    const plain = textOf(comment.html);
    ticket.comments.push({ id: newId(), author_id: author.id, body: plain, html_body: comment.html, plain_body: plain, public: comment.public, created_at: ticket.updated_at });
  }

  function createTicket(input: { requester: User; submitter: User; subject: string; comment: { html: string; public: boolean }; formId: number | null; customFields: Array<{ id: number; value: FieldValue }>; status?: TicketStatus; externalId?: string | null }): Ticket {
    const now = stamp();
    const ticket: Ticket = {
      id: newId(),
      subject: input.subject,
      external_id: input.externalId ?? null,
      status: input.status ?? 'new',
      ticket_form_id: input.formId,
      requester_id: input.requester.id,
      submitter_id: input.submitter.id,
      tags: [],
      custom_fields: new Map(input.customFields.map((f) => [f.id, f.value])),
      created_at: now,
      updated_at: now,
      comments: [],
    };
    addComment(ticket, input.submitter, input.comment);
    tickets.set(ticket.id, ticket);
    const current = state(ticket);
    runTriggers({ type: 'Create', current, actor: input.submitter });
    ticket.tags = current.tags;
    return ticket;
  }

  function updateTicket(ticket: Ticket, actor: User, change: TicketChange): Ticket {
    const previous = state(ticket);
    for (const f of change.customFields ?? []) ticket.custom_fields.set(f.id, f.value);
    if (change.status) ticket.status = change.status;
    ticket.updated_at = stamp();
    if (change.comment) {
      addComment(ticket, actor, change.comment);
      // A requester's reply reopens a ticket that waits on them, as in Zendesk.
      if (actor.role === 'end-user' && ['pending', 'solved'].includes(ticket.status)) ticket.status = 'open';
    }
    if (ticket.status === 'new' && actor.role !== 'end-user' && change.comment) ticket.status = 'open';
    const current = state(ticket);
    runTriggers({ type: 'Change', previous, current, actor });
    ticket.tags = current.tags;
    return ticket;
  }

  // ---- helpers that act as people (no HTTP) -----------------------------------------------------

  function fieldIdByKey(key: FieldKey): number {
    const title = fieldTitle(fieldSpec(key));
    const field = [...fields.values()].find((f) => f.title === title);
    if (!field) throw new Error(`simulator: no ticket field "${title}" (run zendesk setup against the simulator first)`);
    return field.id;
  }

  function toCustomFields(values: PersonChange['fields'] = {}): Array<{ id: number; value: FieldValue }> {
    return FIELDS.filter((spec) => spec.key in values).map((spec) => {
      const value = values[spec.key] ?? null;
      const tag = 'options' in spec ? spec.options.find((o) => o.value === value)?.tag : undefined;
      return { id: fieldIdByKey(spec.key), value: tag ?? value };
    });
  }

  function ticketOrThrow(id: number): Ticket {
    const ticket = tickets.get(id);
    if (!ticket) throw new Error(`simulator: no ticket ${id}`);
    return ticket;
  }

  const personComment = (text: string | undefined, isPublic: boolean) => (text === undefined ? undefined : { html: `<p>${escapeHtml(text)}</p>`, public: isPublic });

  const helpers = {
    /** An account user made in Admin Center (an agent who uses the app, an admin); `id` pins it for a test's tokens. */
    seedUser(input: { id?: number; name: string; email: string; role: Role; suspended?: boolean; active?: boolean }) {
      const id = input.id ?? newId();
      if (users.has(id)) throw new Error(`user ${id} exists`);
      const user: User = { id, name: input.name, email: input.email, role: input.role, active: input.active ?? true, suspended: input.suspended ?? false };
      users.set(id, user);
      return user;
    },
    /** Files a ticket on the Course request form as an end user (created if new). Returns its id. */
    createTicketAsRequester(input: { email: string; name?: string; subject?: string; description?: string; fields: NonNullable<PersonChange['fields']>; onForm?: boolean }): number {
      const requester = userByEmail(input.email, 'end-user', input.name);
      const form = [...forms.values()].find((f) => f.name === FORM_TITLE);
      return createTicket({
        requester,
        submitter: requester,
        subject: input.subject ?? 'Course request',
        comment: { html: `<p>${escapeHtml(input.description ?? 'Please set up my course.')}</p>`, public: true },
        formId: input.onForm === false ? null : (form?.id ?? null),
        customFields: toCustomFields(input.fields),
      }).id;
    },
    /** The requester changes fields and/or replies (a reply reopens a pending ticket). */
    editAsRequester(ticketId: number, change: PersonChange): void {
      const ticket = ticketOrThrow(ticketId);
      const requester = users.get(ticket.requester_id) ?? apiUser;
      updateTicket(ticket, requester, { customFields: toCustomFields(change.fields), status: change.status, comment: personComment(change.comment, true) });
    },
    /** An agent edits the ticket in the agent UI and submits. */
    updateAsAgent(ticketId: number, change: PersonChange & { agentEmail?: string; publicComment?: boolean }): void {
      const agent = userByEmail(change.agentEmail ?? 'agent@acme.test', 'agent');
      updateTicket(ticketOrThrow(ticketId), agent, { customFields: toCustomFields(change.fields), status: change.status, comment: personComment(change.comment, change.publicComment ?? false) });
    },
    /** Zendesk's automation closes a solved ticket some days later (4 by default); the API can close it too. From then on it takes no update. */
    closeTicket(ticketId: number): void {
      const ticket = ticketOrThrow(ticketId);
      ticket.status = 'closed';
      ticket.updated_at = stamp();
    },
    /** An agent applies a macro (by title or id), optionally edits more, and submits: one update. */
    applyMacroAsAgent(ticketId: number, macro: string | number, extra: PersonChange & { agentEmail?: string } = {}): void {
      const found = [...macros.values()].find((m) => m.id === macro || m.title === macro);
      if (!found) throw new Error(`simulator: no macro ${macro}`);
      const effect = macroEffect(found);
      const agent = userByEmail(extra.agentEmail ?? 'agent@acme.test', 'agent');
      updateTicket(ticketOrThrow(ticketId), agent, {
        customFields: [...effect.customFields, ...toCustomFields(extra.fields)],
        status: extra.status ?? effect.status,
        comment: personComment(extra.comment, false) ?? effect.comment,
      });
    },
    /** An admin adds a user (created as an end user if new) to an organisation. */
    addToOrganization(email: string, organizationId: number): void {
      const user = userByEmail(email, 'end-user');
      organizationMemberships.set(user.id, [...new Set([...(organizationMemberships.get(user.id) ?? []), organizationId])]);
    },
    /** An admin adds an agent to a group. */
    addToGroup(email: string, groupId: number): void {
      const user = [...users.values()].find((u) => u.email.toLowerCase() === email.toLowerCase()) ?? userByEmail(email, 'agent');
      // https://developer.zendesk.com/api-reference/ticketing/groups/group_memberships/#create-membership: "Assigns an agent to a given group"; end users have no groups.
      if (user.role === 'end-user') throw new Error(`simulator: ${email} is an end user; Zendesk puts only agents and admins in groups`);
      groupMemberships.set(user.id, [...new Set([...(groupMemberships.get(user.id) ?? []), groupId])]);
    },
    /** Every ticket id, oldest first. */
    ticketIds: (): number[] => [...tickets.keys()],
    ticket(ticketId: number) {
      const t = ticketOrThrow(ticketId);
      return { ...ticketJson(t), requesterEmail: users.get(t.requester_id)?.email };
    },
    comments: (ticketId: number): Comment[] => ticketOrThrow(ticketId).comments.map((c) => ({ ...c })),
    /** A field's value by catalogue key, as stored (tagger fields hold the tag). */
    fieldValue: (ticketId: number, key: FieldKey): FieldValue => ticketOrThrow(ticketId).custom_fields.get(fieldIdByKey(key)) ?? null,
  };

  const admin = {
    ticketFields: () => [...fields.values()],
    ticketForms: () => [...forms.values()],
    macros: () => [...macros.values()],
    triggers: () => [...triggers.values()],
    webhooks: () => [...webhooks.values()].map(({ secret: _secret, ...w }) => w),
    signingSecret: (webhookId: string) => webhooks.get(webhookId)?.secret,
    /** Deletes an object as an admin would in Admin Center. */
    remove(kind: 'ticket_field' | 'ticket_form' | 'macro' | 'trigger' | 'webhook', id: number | string): boolean {
      const stores = { ticket_field: fields, ticket_form: forms, macro: macros, trigger: triggers };
      return kind === 'webhook' ? webhooks.delete(String(id)) : stores[kind].delete(Number(id));
    },
  };

  const deliveries = {
    invocations: (): Invocation[] => [...invocations.values()],
    /** Sends the queued deliveries (`deliveries: 'manual'`). */
    async deliverPending(): Promise<void> {
      await Promise.all(queued.splice(0).map((inv) => track(attempt(inv))));
    },
    /** The same request again, byte for byte (same invocation id, timestamp and signature). */
    redeliver(invocationId: string): Promise<DeliveryAttempt> {
      const inv = invocations.get(invocationId);
      const first = inv?.attempts[0];
      if (!inv || !first) throw new Error(`simulator: invocation ${invocationId} was never sent`);
      return track(attempt(inv, first));
    },
    /** A retry as Zendesk makes one: same invocation id, fresh timestamp and signature. */
    retry(invocationId: string): Promise<DeliveryAttempt> {
      const inv = invocations.get(invocationId);
      if (!inv) throw new Error(`simulator: no invocation ${invocationId}`);
      return track(attempt(inv));
    },
    /** Resolves when every delivery in flight (and any they caused) has been answered. */
    async idle(): Promise<void> {
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },
  };

  const faultSwitches = {
    /** The next `times` API requests answer 429 with Retry-After. */
    rateLimit(times = 1, retryAfterSeconds = 1) {
      faults.push({ remaining: times, applies: () => true, respond: () => Response.json({ error: 'APIRateLimitExceeded', description: 'Number of allowed API requests per minute exceeded' }, { status: 429, headers: { 'retry-after': String(retryAfterSeconds) } }) });
    },
    /** The next `times` ticket updates answer 409 DatabaseConflict. */
    conflictOnTicketUpdate(times = 1) {
      faults.push({ remaining: times, applies: (m, p) => m === 'PUT' && /^\/api\/v2\/tickets\/\d+$/.test(p), respond: () => Response.json({ error: 'DatabaseConflict', description: 'The ticket was updated by someone else' }, { status: 409 }) });
    },
    /** The next `times` API requests answer `status` (5xx). */
    serverError(times = 1, status = 503) {
      faults.push({ remaining: times, applies: () => true, respond: () => Response.json({ error: 'ServerError' }, { status }) });
    },
    clear() {
      faults.length = 0;
    },
  };

  // ---- HTTP API ---------------------------------------------------------------------------------

  const app = new Hono().basePath('/api/v2');
  const expectedAuth = `Basic ${Buffer.from(`${options.email}/token:${options.token}`).toString('base64')}`;

  app.use('*', async (c, next) => {
    requests.push({ method: c.req.method, path: c.req.path });
    if (c.req.header('authorization') !== expectedAuth) return c.json({ error: "Couldn't authenticate you" }, 401);
    const fault = faults.find((f) => f.remaining > 0 && f.applies(c.req.method, c.req.path));
    if (fault) {
      fault.remaining -= 1;
      return fault.respond();
    }
    await next();
  });

  const notFound = (c: Context) => c.json({ error: 'RecordNotFound', description: 'Not found' }, 404);
  const invalid = (c: Context, error: z.ZodError) =>
    c.json({ error: 'RecordInvalid', description: 'Record validation errors', details: z.flattenError(error).fieldErrors }, 422);
  const record = (value: unknown): Record<string, unknown> => z.record(z.string(), z.unknown()).safeParse(value).data ?? {};
  const body = async (c: Context, key: string): Promise<unknown> => record(await c.req.json().catch(() => undefined))[key];

  /** List/create/show/update/delete for one kind of admin object stored as validated input. */
  function crud<I extends z.ZodType, T extends { id: number | string }>(spec: {
    path: string;
    plural: string;
    singular: string;
    store: Map<T['id'], T>;
    input: I;
    make: (input: z.output<I>, id?: T['id']) => T;
    render?: (item: T) => unknown;
    parseId: (raw: string) => T['id'];
    updateAnswersNoContent?: boolean;
    /** Properties set when the object is made that an update may not change. */
    fixed?: readonly string[];
  }) {
    const render = spec.render ?? ((item: T) => item);
    app.get(spec.path, (c) => c.json({ [spec.plural]: [...spec.store.values()].map(render), next_page: null, count: spec.store.size }));
    app.post(spec.path, async (c) => {
      const parsed = spec.input.safeParse(await body(c, spec.singular));
      if (!parsed.success) return invalid(c, parsed.error);
      const item = spec.make(parsed.data);
      spec.store.set(item.id, item);
      return c.json({ [spec.singular]: render(item) }, 201);
    });
    app.get(`${spec.path}/:id`, (c) => {
      const item = spec.store.get(spec.parseId(c.req.param('id')));
      return item ? c.json({ [spec.singular]: render(item) }) : notFound(c);
    });
    app.on(['PUT', 'PATCH'], `${spec.path}/:id`, async (c) => {
      const id = spec.parseId(c.req.param('id'));
      const old = spec.store.get(id);
      if (!old) return notFound(c);
      const change = await body(c, spec.singular);
      const before = record(render(old));
      const moved = (spec.fixed ?? []).filter((k) => record(change)[k] !== undefined && record(change)[k] !== before[k]);
      if (moved.length > 0) return c.json({ error: 'RecordInvalid', description: 'Record validation errors', details: Object.fromEntries(moved.map((k) => [k, [{ description: `${k} cannot be changed after creation` }]])) }, 422);
      const parsed = spec.input.safeParse({ ...before, ...record(change) });
      if (!parsed.success) return invalid(c, parsed.error);
      const item = spec.make(parsed.data, id);
      spec.store.set(id, item);
      return spec.updateAnswersNoContent ? c.body(null, 204) : c.json({ [spec.singular]: render(item) });
    });
    app.delete(`${spec.path}/:id`, (c) => (spec.store.delete(spec.parseId(c.req.param('id'))) ? c.body(null, 204) : notFound(c)));
  }

  const numericId = (raw: string) => Number(raw);
  const withOptionIds = (input: z.output<typeof ticketFieldInput>, id?: number): TicketField => ({
    ...input,
    id: id ?? newId(),
    custom_field_options: input.custom_field_options?.map((o) => ({ ...o, id: newId() })),
  });
  // ticket_fields: a field's type is "editable for custom field types and only on creation" (refused here; Zendesk may ignore it instead)
  crud({ path: '/ticket_fields', plural: 'ticket_fields', singular: 'ticket_field', store: fields, input: ticketFieldInput, make: withOptionIds, parseId: numericId, fixed: ['type'] });
  const formInput = ticketFormInput.superRefine((form, ctx) => {
    for (const p of conditionProblems(form, (id) => fields.get(id))) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
  });
  crud({ path: '/ticket_forms', plural: 'ticket_forms', singular: 'ticket_form', store: forms, input: formInput, make: (i, id) => ({ ...i, id: id ?? newId() }), parseId: numericId });
  crud({ path: '/macros', plural: 'macros', singular: 'macro', store: macros, input: macroInputSchema, make: (i, id) => ({ ...i, id: id ?? newId() }), parseId: numericId });
  crud({ path: '/triggers', plural: 'triggers', singular: 'trigger', store: triggers, input: triggerInputSchema, make: (i, id) => ({ ...i, id: id ?? newId() }), parseId: numericId });
  crud({
    path: '/webhooks',
    plural: 'webhooks',
    singular: 'webhook',
    store: webhooks,
    input: webhookInput,
    make: (i, id) => ({ ...i, id: id ?? ulid(), secret: (id && webhooks.get(id)?.secret) || randomBytes(32).toString('base64url') }),
    render: ({ secret: _secret, ...w }) => w,
    parseId: String,
    updateAnswersNoContent: true,
  });
  app.get('/webhooks/:id/signing_secret', (c) => {
    const webhook = webhooks.get(c.req.param('id'));
    return webhook ? c.json({ signing_secret: { algorithm: 'SHA256', secret: webhook.secret } }) : notFound(c);
  });
  app.post('/webhooks/:id/signing_secret', (c) => {
    const webhook = webhooks.get(c.req.param('id'));
    if (!webhook) return notFound(c);
    webhook.secret = randomBytes(32).toString('base64url');
    return c.json({ signing_secret: { algorithm: 'SHA256', secret: webhook.secret } });
  });

  // Test webhook (POST /api/v2/webhooks/test?webhook_id=…, node-zendesk 6.0.1 `webhooks.test`; body and answer shape per
  // /work/shared/reference/zendesk.md, unconfirmed): one request, signed with the saved webhook's secret, not retried; the
  // endpoint's answer is reported back, never judged.
  app.post('/webhooks/test', async (c) => {
    const id = c.req.query('webhook_id');
    const webhook = id === undefined ? undefined : webhooks.get(id);
    if (id !== undefined && !webhook) return notFound(c);
    const parsed = webhookTestInput.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json({ errors: [{ code: 'InvalidValue', title: 'Invalid request', detail: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') }] }, 400);
    const request = parsed.data.request;
    const body = request.payload ?? '';
    const timestamp = zendeskTimestamp(clock());
    // Unsaved webhooks are signed with the documented test secret (developer.zendesk.com .../webhooks/verifying).
    const signature = zendeskSignature(webhook?.secret ?? TEST_SIGNING_SECRET, timestamp, body);
    try {
      const response = await deliver(request.endpoint, {
        method: request.http_method,
        headers: requestHeaders(id, ulid(), timestamp, signature),
        body: request.http_method === 'GET' || request.http_method === 'DELETE' ? undefined : body,
      });
      const headers = [...response.headers.entries()].map(([key, value]) => ({ key, value }));
      return c.json({ response: { status: response.status, headers, body: await response.text() } });
    } catch (err) {
      return c.json({ response: { status: 0, headers: [], body: err instanceof Error ? err.message : String(err) } });
    }
  });

  app.get('/users/me', (c) => c.json({ user: apiUser }));
  app.get('/users/:id', (c) => {
    const user = users.get(Number(c.req.param('id')));
    return user ? c.json({ user }) : notFound(c);
  });

  // https://developer.zendesk.com/api-reference/ticketing/organizations/organization_memberships/#list-memberships: GET /api/v2/users/{user_id}/organization_memberships, 404 for an unknown user.
  app.get('/users/:id/organization_memberships', (c) => {
    const user = users.get(Number(c.req.param('id')));
    if (!user) return notFound(c);
    const list = (organizationMemberships.get(user.id) ?? []).map((organization_id, i) => ({ id: user.id * 1000 + i, user_id: user.id, organization_id, default: i === 0 }));
    return c.json({ organization_memberships: list, next_page: null, previous_page: null, count: list.length });
  });
  // https://developer.zendesk.com/api-reference/ticketing/groups/group_memberships/#list-memberships: GET /api/v2/users/{user_id}/group_memberships (agents only hold any).
  app.get('/users/:id/group_memberships', (c) => {
    const user = users.get(Number(c.req.param('id')));
    if (!user) return notFound(c);
    const list = (groupMemberships.get(user.id) ?? []).map((group_id, i) => ({ id: user.id * 1000 + i, user_id: user.id, group_id, default: i === 0 }));
    return c.json({ group_memberships: list, next_page: null, previous_page: null, count: list.length });
  });

  // List Tickets, filtered by external id as Zendesk allows (other filters are not simulated).
  app.get('/tickets', (c) => {
    const externalId = c.req.query('external_id');
    if (externalId === undefined) return c.json({ error: 'InvalidEndpoint', description: 'the simulator lists tickets by external_id only' }, 400);
    const found = [...tickets.values()].filter((t) => t.external_id === externalId).map(ticketJson);
    return c.json({ tickets: found, meta: { has_more: false, after_cursor: null, before_cursor: null }, links: { next: null, prev: null } });
  });
  // Side-loading (developer.zendesk.com/documentation/ticketing/using-the-zendesk-api/side_loading/):
  // `include=users` adds a top-level `users` array of the users the ticket names. Other
  // side-loads are not simulated (nothing here asks for them), so they add nothing.
  app.get('/tickets/:id', (c) => {
    const ticket = tickets.get(Number(c.req.param('id')));
    if (!ticket) return notFound(c);
    const include = (c.req.query('include') ?? '').split(',').map((s) => s.trim());
    if (!include.includes('users')) return c.json({ ticket: ticketJson(ticket) });
    const named = [...new Set([ticket.requester_id, ticket.submitter_id])].flatMap((id) => users.get(id) ?? []);
    return c.json({ ticket: ticketJson(ticket), users: named });
  });
  app.get('/tickets/:id/comments', (c) => {
    const ticket = tickets.get(Number(c.req.param('id')));
    return ticket ? c.json({ comments: ticket.comments, next_page: null, count: ticket.comments.length }) : notFound(c);
  });
  const commentOf = (input: z.output<typeof commentInput> | undefined) =>
    input && (input.html_body ?? input.body) !== undefined ? { html: input.html_body ?? `<p>${escapeHtml(input.body ?? '')}</p>`, public: input.public } : undefined;

  app.post('/tickets', async (c) => {
    const parsed = ticketInput.safeParse(await body(c, 'ticket'));
    if (!parsed.success) return invalid(c, parsed.error);
    const input = parsed.data;
    const requester = input.requester ? userByEmail(input.requester.email, 'end-user', input.requester.name) : users.get(input.requester_id ?? apiUser.id);
    const comment = commentOf(input.comment);
    if (!requester || !comment) return c.json({ error: 'RecordInvalid', description: 'Record validation errors', details: { base: ['requester and comment are required'] } }, 422);
    const ticket = createTicket({ requester, submitter: apiUser, subject: input.subject ?? '', comment, formId: input.ticket_form_id ?? null, customFields: input.custom_fields ?? [], status: input.status, externalId: input.external_id });
    return c.json({ ticket: ticketJson(ticket), audit: { ticket_id: ticket.id } }, 201);
  });
  app.put('/tickets/:id', async (c) => {
    const ticket = tickets.get(Number(c.req.param('id')));
    if (!ticket) return notFound(c);
    const parsed = ticketInput.safeParse(await body(c, 'ticket'));
    if (!parsed.success) return invalid(c, parsed.error);
    const input = parsed.data;
    // https://developer.zendesk.com/documentation/ticketing/managing-tickets/creating-and-updating-tickets/ (safe updates): a stale updated_stamp is refused with 409 (shape of the body unconfirmed, docs/real-systems.md)
    if (input.safe_update && input.updated_stamp !== ticket.updated_at) {
      return c.json({ error: 'UpdateConflict', description: 'Safe Update prevented the update due to outdated ticket data. Please fetch the latest ticket data and try again.' }, 409);
    }
    // developer.zendesk.com/documentation/ticketing/managing-tickets/creating-and-updating-tickets ("once a ticket is closed, it can't be reopened"); body as Speedygeek/ZendeskApi_v2#59 quotes it
    if (ticket.status === 'closed') {
      return c.json({ error: 'RecordInvalid', description: 'Record validation errors', details: { status: [{ description: 'Status: closed prevents ticket update' }] } }, 422);
    }
    updateTicket(ticket, apiUser, { status: input.status, customFields: input.custom_fields, comment: commentOf(input.comment) });
    return c.json({ ticket: ticketJson(ticket), audit: { ticket_id: ticket.id } });
  });

  /** node-zendesk adds `.json` to every path but webhooks'; the routes above take both. */
  const fetch = (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    url.pathname = url.pathname.replace(/\.json$/, '');
    return Promise.resolve(app.fetch(new Request(url, request)));
  };

  /** The account as JSON data and back (the sandbox keeps it in its database across restarts); deliveries in flight are not kept. */
  const persist = {
    dump: (): z.input<typeof accountData> => ({
      nextId,
      lastStamp,
      users: [...users.values()],
      tickets: [...tickets.values()].map((t) => ({ ...t, custom_fields: [...t.custom_fields] })),
      fields: [...fields.values()],
      forms: [...forms.values()],
      macros: [...macros.values()],
      triggers: [...triggers.values()],
      webhooks: [...webhooks.values()],
    }),
    /** Replaces the account with `raw` (validated first: nothing changes when it is not an account). */
    load(raw: unknown): void {
      const data = accountData.parse(raw);
      nextId = data.nextId;
      lastStamp = data.lastStamp;
      const refill = <K, V>(map: Map<K, V>, entries: Array<[K, V]>) => {
        map.clear();
        for (const [k, v] of entries) map.set(k, v);
      };
      refill(users, data.users.map((u) => [u.id, u]));
      refill(tickets, data.tickets.map((t) => [t.id, { ...t, custom_fields: new Map(t.custom_fields) }]));
      refill(fields, data.fields.map((f) => [f.id, f]));
      refill(forms, data.forms.map((f) => [f.id, f]));
      refill(macros, data.macros.map((m) => [m.id, m]));
      refill(triggers, data.triggers.map((t) => [t.id, t]));
      refill(webhooks, data.webhooks.map((w) => [w.id, w]));
    },
    /** Ids (ticket numbers among them) continue above `id`: a new ticket never takes a number already recorded elsewhere. */
    reserveIdsThrough(id: number): void {
      nextId = Math.max(nextId, id + 1);
    },
  };

  return { app, fetch, requests, faults: faultSwitches, ...helpers, admin, ...deliveries, apiUserId: apiUser.id, persist };
}

export type ZendeskSimulator = ReturnType<typeof createZendeskSimulator>;
