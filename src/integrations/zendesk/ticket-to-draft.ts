import type { Draft } from '../../requests/draft';
import { DECISIONS, type Decision, type FieldIds, type FieldProperty, type FieldSpec, FIELDS } from '../../courses/request-fields';
import type { FieldValue } from './schemas';
import type { Ticket } from './tickets';

/** What a course-request ticket says: the requester's draft and the agent's decision. */
export interface TicketRequest {
  draft: Draft;
  decision?: Decision;
  rejectionReason?: string;
}

/**
 * Reads a field as the requester meant it. Tags become their draft value; a tag we do not
 * know is passed through unchanged so validation can name it; empty values are absent.
 */
function readValue(field: FieldSpec, raw: FieldValue | undefined): string | undefined {
  if (raw === null || raw === undefined || raw === false) return undefined;
  const text = (Array.isArray(raw) ? raw.join(', ') : String(raw)).trim();
  if (text === '') return undefined;
  return field.options?.find((o) => o.tag === text)?.value ?? text;
}

/** Maps a ticket's custom field values (by the ids setup stored) to a draft for validation. */
export function ticketToDraft(ticket: Pick<Ticket, 'customFields' | 'requester'>, fieldIds: FieldIds): TicketRequest {
  const values: Partial<Record<FieldProperty, string>> = {};
  for (const field of FIELDS) {
    const value = readValue(field, ticket.customFields.get(fieldIds[field.key]));
    if (value !== undefined) values[field.property] = value;
  }
  const { decision, rejectionReason, ...draft } = values;
  return {
    draft: { ...draft, requester: ticket.requester.email },
    decision: DECISIONS.find((d) => d === decision),
    rejectionReason,
  };
}

/**
 * The inverse: a draft as the course-request form's field values (dropdowns as their tags), for
 * a ticket opened by the service itself (a request from the CLI or a rollover).
 */
export function draftToFields(draft: Draft, fieldIds: FieldIds): Array<{ id: number; value: FieldValue }> {
  const values: Partial<Record<FieldProperty, unknown>> = draft;
  return FIELDS.flatMap((field) => {
    const raw = values[field.property];
    if (raw === undefined || raw === null || raw === '') return [];
    const text = Array.isArray(raw) ? raw.join(', ') : String(raw);
    const tag = 'options' in field ? field.options.find((o) => o.value === text)?.tag : undefined;
    return [{ id: fieldIds[field.key], value: field.type === 'integer' && /^\d+$/.test(text) ? Number(text) : (tag ?? text) }];
  });
}
