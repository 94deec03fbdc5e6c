import * as z from 'zod/mini';
import { FIELDS, fieldNeed, type FieldSpec, fieldTitle } from '../../../src/courses/request-fields';
import type { ZafClient } from '../zaf';

/**
 * Reads the course-request fields off the ticket form being filled in. Field ids differ per
 * account (setup creates them), so fields are found by the titles setup gives them, the same
 * catalogue the service reads tickets with.
 */

const ticketFieldsSchema = z.array(z.object({ name: z.string(), label: z.string() }));

export interface FormField {
  /** ZAF's name for it, e.g. "custom_field_360012345". */
  name: string;
  /** The catalogue entry: its conditions say for which request types it counts. */
  spec: FieldSpec;
  /** The draft property it fills (e.g. "courseNumber"). */
  property: string;
  /** What the requester sees on the form. */
  label: string;
  /** Tag -> draft value, for dropdowns. */
  options: ReadonlyMap<string, string>;
}

const DRAFT_FIELDS = FIELDS.filter((f) => f.requesterFacing);

export async function courseFormFields(client: ZafClient): Promise<FormField[]> {
  const result = await client.get('ticketFields');
  const parsed = ticketFieldsSchema.safeParse(result['ticketFields']);
  if (!parsed.success) return [];
  return DRAFT_FIELDS.flatMap((spec) => {
    const found = parsed.data.find((f) => f.label === fieldTitle(spec) || f.label === spec.name);
    if (!found) return [];
    const options = new Map<string, string>('options' in spec ? spec.options.map((o) => [o.tag, o.value]) : []);
    return [{ name: found.name, spec, property: spec.property, label: spec.name, options }];
  });
}

const path = (field: FormField) => `ticket.customField:${field.name}`;

/**
 * The form's current values as a draft (blank fields left out, tags turned into values). A
 * field the form's conditions hide for the chosen request type is left out too: Zendesk does
 * not show it, so what it holds is not part of the request.
 */
export async function readDraft(client: ZafClient, fields: FormField[]): Promise<Record<string, string>> {
  if (fields.length === 0) return {};
  const result = await client.get(fields.map(path));
  const values = new Map<FormField, string>();
  for (const field of fields) {
    const raw = result[path(field)];
    const text = raw === null || raw === undefined ? '' : String(raw).trim();
    if (text) values.set(field, field.options.get(text) ?? text);
  }
  const type = [...values].find(([f]) => f.spec.key === 'request_type')?.[1];
  return Object.fromEntries([...values].filter(([f]) => fieldNeed(f.spec, type) !== undefined).map(([f, v]) => [f.property, v]));
}

/** ZAF's change event for a custom field. */
export const changeEvent = (field: FormField) => `ticket.${field.name}.changed`;
