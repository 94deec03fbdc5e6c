import { z } from 'zod';

/**
 * The parts of Zendesk's responses this service relies on, checked at the boundary. Only
 * fields we read are listed; anything else Zendesk sends is ignored.
 */

export const TICKET_STATUSES = ['new', 'open', 'pending', 'hold', 'solved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** A custom field value: text, number, tag, or tags (multiselect); null when empty. */
export const fieldValueSchema = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()]);
export type FieldValue = z.infer<typeof fieldValueSchema>;

export const ticketSchema = z.object({
  id: z.number(),
  status: z.enum(TICKET_STATUSES),
  subject: z.string().nullish(),
  ticket_form_id: z.number().nullish(),
  external_id: z.string().nullish(),
  requester_id: z.number(),
  updated_at: z.string(),
  tags: z.array(z.string()).default([]),
  custom_fields: z.array(z.object({ id: z.number(), value: fieldValueSchema.optional() })).default([]),
});
export type ZendeskTicketBody = z.infer<typeof ticketSchema>;

export const commentSchema = z.object({
  id: z.number(),
  author_id: z.number(),
  public: z.boolean(),
  body: z.string().default(''),
  html_body: z.string().default(''),
  plain_body: z.string().optional(),
  created_at: z.string(),
});
export type ZendeskComment = z.infer<typeof commentSchema>;

export const userSchema = z.object({ id: z.number(), name: z.string().nullish(), email: z.string().nullish() });
/** A side-loaded user the adapter trusts: its `email` key is there (null for a user without one). */
export const sideloadedUserSchema = userSchema.extend({ email: z.string().nullable() });

/**
 * `GET /tickets/{id}.json?include=users` (developer.zendesk.com/documentation/ticketing/using-the-zendesk-api/side_loading/):
 * the ticket and, beside it, the users it names. node-zendesk unwraps the ticket and attaches
 * the requester's side-loaded record as `requester` (null when the list lacks it); the raw
 * body is accepted too.
 */
export const sideloadedTicketSchema = z.union([
  z.object({ ticket: ticketSchema, users: z.array(z.unknown()).optional() }).transform(({ ticket, users }) => ({
    ticket,
    requester: users?.find((u) => typeof u === 'object' && u !== null && 'id' in u && u.id === ticket.requester_id),
  })),
  ticketSchema.extend({ requester: z.unknown().optional() }).transform(({ requester, ...ticket }) => ({ ticket, requester })),
]);

const optionSchema = z.object({ id: z.number().optional(), name: z.string(), value: z.string() });

export const ticketFieldSchema = z.object({
  id: z.number(),
  type: z.string(),
  title: z.string(),
  title_in_portal: z.string().nullish(),
  description: z.string().nullish(),
  active: z.boolean().default(true),
  visible_in_portal: z.boolean().default(false),
  editable_in_portal: z.boolean().default(false),
  custom_field_options: z.array(optionSchema).nullish(),
  regexp_for_validation: z.string().nullish(),
});
export type ZendeskTicketField = z.infer<typeof ticketFieldSchema>;

export const ticketFormSchema = z.object({
  id: z.number(),
  name: z.string(),
  display_name: z.string().nullish(),
  active: z.boolean().default(true),
  end_user_visible: z.boolean().default(false),
  ticket_field_ids: z.array(z.number()).default([]),
  // Read loosely: setup compares them with what it wants and rewrites them whole when they differ.
  agent_conditions: z.array(z.unknown()).nullish(),
  end_user_conditions: z.array(z.unknown()).nullish(),
});
export type ZendeskTicketForm = z.infer<typeof ticketFormSchema>;

const ruleActionSchema = z.object({ field: z.string(), value: z.unknown() });
const conditionSchema = z.object({ field: z.string(), operator: z.string(), value: z.unknown().optional() });

export const macroSchema = z.object({
  id: z.number(),
  title: z.string(),
  active: z.boolean().default(true),
  actions: z.array(ruleActionSchema),
});
export type ZendeskMacro = z.infer<typeof macroSchema>;

export const triggerSchema = z.object({
  id: z.number(),
  title: z.string(),
  active: z.boolean().default(true),
  conditions: z.object({ all: z.array(conditionSchema).default([]), any: z.array(conditionSchema).default([]) }),
  actions: z.array(ruleActionSchema),
});
export type ZendeskTrigger = z.infer<typeof triggerSchema>;
export type TriggerCondition = z.infer<typeof conditionSchema>;

export const webhookSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  endpoint: z.string(),
  http_method: z.string(),
  request_format: z.string(),
  subscriptions: z.array(z.string()).default([]),
});
export type ZendeskWebhook = z.infer<typeof webhookSchema>;

export const signingSecretSchema = z.object({ signing_secret: z.object({ secret: z.string().min(1), algorithm: z.string().optional() }) });

/** node-zendesk unwraps `{ticket: {...}}` for some resources but not others; accept both. */
export const wrapped = <T extends z.ZodType>(key: string, schema: T) =>
  z.union([z.object({ [key]: schema }).transform((o) => o[key] as z.infer<T>), schema]);

/** `POST /webhooks/test`: the endpoint's answer as Zendesk relays it (shape per /work/shared/reference/zendesk.md, unconfirmed). */
export const webhookTestSchema = z.object({ response: z.object({ status: z.number(), body: z.string().nullish() }) });
