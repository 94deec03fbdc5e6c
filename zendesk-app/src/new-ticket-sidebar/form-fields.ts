import * as z from 'zod/mini';
import { draftFrom, FIELDS, type FieldSpec, fieldTitle } from '../../../src/courses/request-fields';
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
}

const DRAFT_FIELDS = FIELDS.filter((f) => f.requesterFacing);

export async function courseFormFields(client: ZafClient): Promise<FormField[]> {
  const result = await client.get('ticketFields');
  const parsed = ticketFieldsSchema.safeParse(result['ticketFields']);
  if (!parsed.success) return [];
  return DRAFT_FIELDS.flatMap((spec) => {
    const found = parsed.data.find((f) => f.label === fieldTitle(spec) || f.label === spec.name);
    if (!found) return [];
    return [{ name: found.name, spec, property: spec.property, label: spec.name }];
  });
}

const path = (field: FormField) => `ticket.customField:${field.name}`;

/** The form's current values as a draft (`draftFrom`). */
export async function readDraft(client: ZafClient, fields: FormField[]): Promise<Record<string, string>> {
  if (fields.length === 0) return {};
  const result = await client.get(fields.map(path));
  return draftFrom(fields.map((field) => [field.spec, result[path(field)]] as const));
}

/** ZAF's change event for a custom field. */
export const changeEvent = (field: FormField) => `ticket.${field.name}.changed`;
