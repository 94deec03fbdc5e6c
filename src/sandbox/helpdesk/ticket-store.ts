import { z } from 'zod';
import { type FieldSpec, type FieldType, fieldTitle } from '../../courses/request-fields';

/**
 * What the help-desk page needs from a ticket system: the part of Zendesk an agent sees. The
 * sandbox backs it with the Zendesk simulator (tickets created here reach the service the way
 * real ones do); tests back it with `createMemoryTicketStore`.
 */

export const fieldValueSchema = z.union([z.string(), z.number(), z.null()]);
export type FieldValue = z.infer<typeof fieldValueSchema>;

export const fieldValuesSchema = z.array(z.object({ id: z.number().int(), value: fieldValueSchema })).max(200);
export type FieldValues = z.infer<typeof fieldValuesSchema>;

export interface HelpdeskTicketField {
  id: number;
  /** The catalogue key (request-fields.ts): the page finds the field's conditions by it. */
  key: string;
  /** As agents see it (setup's "[Orcoursetrion] Course number"). */
  title: string;
  type: FieldType;
  /** What the field asks for, with an example: shown under it as Zendesk does. */
  description: string;
  /** Dropdown options: `value` is the Zendesk tag. */
  options?: readonly { name: string; value: string }[];
  /** A `regexp` field's pattern. */
  pattern?: string;
}

/** A catalogue field as the page shows it, under the id Zendesk (or a test) gave it. */
export const helpdeskField = (spec: FieldSpec, id: number): HelpdeskTicketField => ({
  id,
  key: spec.key,
  title: fieldTitle(spec),
  type: spec.type,
  description: spec.description,
  options: spec.options?.map((o) => ({ name: o.name, value: o.tag })),
  ...(spec.pattern === undefined ? {} : { pattern: spec.pattern }),
});

export interface HelpdeskComment {
  author: string;
  public: boolean;
  html: string;
  createdAt: string;
}

export interface HelpdeskTicket {
  id: number;
  subject: string;
  description: string;
  status: string;
  requester: { name?: string; email: string };
  customFields: FieldValues;
  createdAt: string;
  /** The conversation, oldest first: where the ticket story shows (absent in stores without one). */
  comments?: HelpdeskComment[];
}

export const newTicketSchema = z.object({
  subject: z.string().trim().min(1, { message: 'is required' }).max(300),
  description: z.string().max(20_000).default(''),
  requester: z.object({ name: z.string().max(200).optional(), email: z.string().email({ message: 'must be an email address' }) }),
  customFields: fieldValuesSchema.default([]),
});
export type NewHelpdeskTicket = z.infer<typeof newTicketSchema>;

export interface HelpdeskTicketStore {
  /** The account's custom ticket fields (ids as setup created them). */
  ticketFields(): Promise<HelpdeskTicketField[]>;
  /** Newest first. */
  listTickets(): Promise<HelpdeskTicket[]>;
  getTicket(id: number): Promise<HelpdeskTicket | undefined>;
  /** Sets custom field values (others are kept); undefined when there is no such ticket. */
  setFields(id: number, values: FieldValues): Promise<HelpdeskTicket | undefined>;
  /** Creates a ticket as the course-request form submits it (the simulator then notifies the service). */
  createTicket(input: NewHelpdeskTicket): Promise<HelpdeskTicket>;
}
