import { FIELDS, fieldNeed, type FieldSpec } from '../../../courses/request-fields';
import type { TicketField } from './page-api';

/**
 * What Zendesk's own form does with the course-request form as setup configures it: shows each
 * field only for the request types it applies to, requires what the type needs, and checks a
 * `regexp` field's format on submit. The rules come from the same catalogue setup writes the
 * form conditions from (request-fields.ts), so the page and the real form agree.
 */

/** The catalogue entry a ticket field was made from (setup's fields carry its key). */
export const specOf = (field: TicketField): FieldSpec | undefined => FIELDS.find((f) => f.key === field.key);

/** The request type a dropdown tag stands for ("orc_type_new" -> "new"). */
export function requestTypeOf(tag: string | null): string | undefined {
  return FIELDS.find((f) => f.key === 'request_type')?.options?.find((o) => o.tag === tag)?.value;
}

/** How a field shows for the chosen request type: hidden, optional, required, or always there. */
export function fieldState(field: TicketField, type: string | undefined): 'hidden' | 'optional' | 'required' | 'always' {
  const spec = specOf(field);
  if (!spec) return 'always';
  return fieldNeed(spec, type) ?? 'hidden';
}

/** Zendesk's refusals on submit for one field (empty: fine): a required field left empty, a format not met. */
export function fieldRefusal(field: TicketField, state: ReturnType<typeof fieldState>, value: string | null): string | undefined {
  if (state === 'hidden') return undefined;
  if (value === null || value.trim() === '') return state === 'required' ? 'is required' : undefined;
  if (field.type === 'regexp' && field.pattern && !new RegExp(field.pattern).test(value)) return `"${value}" is not in the expected form: ${field.description}`;
  return undefined;
}
