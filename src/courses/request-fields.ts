import type { Draft } from '../requests/draft';
import { COURSE_NUMBER_PATTERN, TERM_PATTERN } from './naming';

/**
 * The custom ticket fields of a course request: the one list that setup creates, that
 * `ticketToDraft` reads, that the sidebar app's new-ticket check finds on the form, and that
 * the simulator's helpers fill in. It lives outside the Zendesk adapter so that the app (a
 * separate project) and the service share it without the app depending on the adapter. Each field maps onto one
 * draft property, except `decision` and `rejectionReason`, which belong to the agent.
 */

/** Every object setup manages carries this title prefix, so a later run finds it again. */
export const TITLE_PREFIX = '[Orcoursetrion] ';
export const managedTitle = (name: string): string => `${TITLE_PREFIX}${name}`;

export type FieldType = 'text' | 'textarea' | 'tagger' | 'date' | 'integer' | 'regexp';

export interface FieldOption {
  /** What the requester sees. */
  name: string;
  /** The Zendesk tag; tags are account-wide, hence the `orc_` prefix. */
  tag: string;
  /** The value in the draft (or the decision). */
  value: string;
}

export type FieldProperty = Exclude<keyof Draft, 'requester'> | 'decision' | 'rejectionReason';

/** How a field shows for one request type: it must be filled in, or it may be left empty. */
export type Need = 'required' | 'optional';

export interface FieldSpec {
  /** Stable key: the zendesk_objects row is `field:${key}`. */
  key: string;
  /** Shown to requesters in the help center (agents see the prefixed title). */
  name: string;
  description: string;
  type: FieldType;
  options?: readonly FieldOption[];
  property: FieldProperty;
  /** Requesters see and fill it in; agent-only fields stay off the help-center form. */
  requesterFacing: boolean;
  /**
   * The request types (the `request_type` option values) the field shows for, and whether it
   * is required there: the form's conditions. Absent: shown always (the request type itself,
   * the agent's fields). A new request type is one more key on the fields it uses.
   */
  shownFor?: Readonly<Record<string, Need>>;
  /** For `regexp` fields: the pattern Zendesk checks a value against before the ticket is saved. */
  pattern?: string;
}

/** Zendesk's regexp fields take a pattern string; anchored, and read the same by Ruby and JavaScript. */
const patternOf = (re: RegExp) => re.source;

const option = (group: string, value: string, name: string): FieldOption => ({ name, value, tag: `orc_${group}_${value}` });

export const FIELDS = [
  {
    key: 'request_type',
    name: 'Request type',
    description: 'What you need: New course; Publish to production (moves a course from staging to production); Rerun for a new term (copies a course to a new term); or Change course team (adds and removes people). The fields below change with it.',
    type: 'tagger',
    options: [
      option('type', 'new', 'New course'),
      option('type', 'publish', 'Publish to production'),
      option('type', 'rerun', 'Rerun for a new term'),
      option('type', 'team', 'Change course team'),
    ],
    property: 'type',
    requesterFacing: true,
  },
  {
    key: 'course_number',
    name: 'Course number',
    description: 'The course number as the catalogue writes it: letters and digits, parts separated by . _ or -, e.g. 8.01r or 6.0001',
    type: 'regexp',
    pattern: patternOf(COURSE_NUMBER_PATTERN),
    property: 'courseNumber',
    requesterFacing: true,
    shownFor: { new: 'required', publish: 'required', rerun: 'required', team: 'required' },
  },
  {
    key: 'course_title',
    name: 'Course title',
    description: 'The title students will see, e.g. Physics I: Classical Mechanics',
    type: 'text',
    property: 'courseTitle',
    requesterFacing: true,
    shownFor: { new: 'required', rerun: 'optional' },
  },
  {
    key: 'course_kind',
    name: 'Course kind',
    description: 'XML if the course is written in XML (latex2edx) and kept in git; Studio if it is authored in Studio',
    type: 'tagger',
    options: [option('kind', 'xml', 'XML'), option('kind', 'studio', 'Studio')],
    property: 'kind',
    requesterFacing: true,
    shownFor: { new: 'required', publish: 'required', rerun: 'required', team: 'required' },
  },
  {
    key: 'term',
    name: 'Term',
    description: 'The term the course runs in (for a rerun: the run to copy), as YEAR_SEASON with a season of Spring, Summer, Fall, IAP or Winter, e.g. 2027_Spring',
    type: 'regexp',
    pattern: patternOf(TERM_PATTERN),
    property: 'term',
    requesterFacing: true,
    shownFor: { new: 'required', publish: 'required', rerun: 'required', team: 'required' },
  },
  {
    key: 'new_term',
    name: 'New term',
    description: 'The term of the new run, as YEAR_SEASON, e.g. 2027_Fall',
    type: 'regexp',
    pattern: patternOf(TERM_PATTERN),
    property: 'newTerm',
    requesterFacing: true,
    shownFor: { rerun: 'required' },
  },
  {
    key: 'team_members',
    name: 'Team members',
    description: 'GitHub usernames of the course team, separated by spaces, e.g. alice-smith bob42 carol',
    type: 'textarea',
    property: 'teamMembers',
    requesterFacing: true,
    shownFor: { new: 'required', publish: 'optional', rerun: 'optional' },
  },
  {
    key: 'team_add',
    name: 'Members to add',
    description: 'GitHub usernames to add to the course team (they need edX accounts under the same usernames), separated by spaces, e.g. alice-smith bob42',
    type: 'textarea',
    property: 'teamAdd',
    requesterFacing: true,
    shownFor: { team: 'optional' },
  },
  {
    key: 'team_remove',
    name: 'Members to remove',
    description: 'GitHub usernames to remove from the course team, separated by spaces, e.g. carol',
    type: 'textarea',
    property: 'teamRemove',
    requesterFacing: true,
    shownFor: { team: 'optional' },
  },
  {
    key: 'team',
    name: 'Course team name',
    description: 'Optional: the GitHub team of the course staff, e.g. 801r-staff (default: named after the repository)',
    type: 'text',
    property: 'team',
    requesterFacing: true,
    shownFor: { new: 'optional', publish: 'optional', rerun: 'optional', team: 'optional' },
  },
  { key: 'instructor', name: 'Instructor', description: 'The instructor of record, e.g. Prof. Ada Lovelace', type: 'text', property: 'instructor', requesterFacing: true, shownFor: { new: 'optional' } },
  { key: 'weeks', name: 'Weeks', description: 'The length of the course in whole weeks, from 1 to 52, e.g. 14', type: 'integer', property: 'weeks', requesterFacing: true, shownFor: { new: 'optional' } },
  {
    key: 'evaluation_criteria',
    name: 'Evaluation criteria',
    description: 'How students are graded, e.g. problem sets 40%, midterm 20%, final exam 40%',
    type: 'textarea',
    property: 'evaluationCriteria',
    requesterFacing: true,
    shownFor: { new: 'optional' },
  },
  {
    key: 'preexisting_resources',
    name: 'Pre-existing resources',
    description: 'Material the course starts from, e.g. the 2019 lecture notes and problem sets on OCW',
    type: 'textarea',
    property: 'preexistingResources',
    requesterFacing: true,
    shownFor: { new: 'optional' },
  },
  {
    key: 'initial_repo',
    name: 'Initial repo',
    description: 'Optional: a repository the course starts from, as owner/name, e.g. mitx/content-mit-801r-2026_Fall',
    type: 'text',
    property: 'initialRepo',
    requesterFacing: true,
    shownFor: { new: 'optional' },
  },
  {
    key: 'description',
    name: 'Course description',
    description: 'The about-page description students read before they enrol, e.g. An introduction to Newtonian mechanics through problems.',
    type: 'textarea',
    property: 'description',
    requesterFacing: true,
    shownFor: { new: 'optional' },
  },
  {
    key: 'start_date',
    name: 'Start date',
    description: 'Optional: the day the work should start, e.g. 2027-01-15 (empty: as soon as the request is approved)',
    type: 'date',
    property: 'startDate',
    requesterFacing: true,
    shownFor: { new: 'optional', publish: 'optional', rerun: 'optional' },
  },
  {
    key: 'desired_completion',
    name: 'Desired completion date',
    description: 'Optional: the day the course should be ready, on or after the start date, e.g. 2027-02-01',
    type: 'date',
    property: 'desiredCompletion',
    requesterFacing: true,
    shownFor: { new: 'optional', publish: 'optional', rerun: 'optional' },
  },
  {
    key: 'decision',
    name: 'Decision',
    description: 'Set by the agent (or the Approve and Reject macros): Approve starts the work; Reject needs a rejection reason',
    type: 'tagger',
    options: [option('decision', 'approve', 'Approve'), option('decision', 'reject', 'Reject')],
    property: 'decision',
    requesterFacing: false,
  },
  {
    key: 'rejection_reason',
    name: 'Rejection reason',
    description: 'Required to reject: sent to the requester, e.g. This course already runs in 2027_Spring; ask for a rerun instead',
    type: 'textarea',
    property: 'rejectionReason',
    requesterFacing: false,
  },
] as const satisfies readonly FieldSpec[];

export type FieldKey = (typeof FIELDS)[number]['key'];
/** Zendesk field id of each catalogue field. */
export type FieldIds = Record<FieldKey, number>;

export const fieldTitle = (field: FieldSpec): string => managedTitle(field.name);

export function fieldSpec(key: FieldKey): FieldSpec {
  const spec: FieldSpec | undefined = FIELDS.find((f) => f.key === key);
  if (!spec) throw new Error(`unknown Zendesk field key ${key}`);
  return spec;
}

export const DECISIONS = ['approve', 'reject'] as const;
export type Decision = (typeof DECISIONS)[number];

/** The request type values the form offers (the `request_type` options). */
export const requestTypeValues = (): string[] => fieldSpec('request_type').options?.map((o) => o.value) ?? [];

/**
 * Whether a field shows for a request type and must be filled in there; `undefined` when the
 * field does not apply to it. With no type chosen yet, only always-shown fields show.
 */
export function fieldNeed(field: FieldSpec, type: string | undefined): Need | 'always' | undefined {
  if (!field.shownFor) return 'always';
  return type === undefined ? undefined : field.shownFor[type];
}

/** What problems name that is not a form field: the publish check's course repository. */
const OTHER_LABELS: Record<string, string> = { repo: 'Course repository' };

/** The form's own title of a draft property ("Initial repo" for initialRepo): what messages call a field. */
export function fieldLabel(property: string): string {
  return FIELDS.find((f) => f.property === property)?.name ?? OTHER_LABELS[property] ?? property;
}

/**
 * A course-request form's values as a draft (blank fields left out, dropdown tags turned into
 * values). A field the form's conditions hide for the chosen request type is left out too:
 * Zendesk does not show it, so what it holds is not part of the request. The new-ticket
 * sidebar and the help-desk page read their forms with it.
 */
export function draftFrom(values: ReadonlyArray<readonly [FieldSpec, unknown]>): Record<string, string> {
  const filled = values.flatMap(([spec, raw]) => {
    const text = raw === null || raw === undefined ? '' : String(raw).trim();
    if (!text) return [];
    const option = spec.options?.find((o) => o.tag === text);
    return [[spec, option?.value ?? text] as const];
  });
  const type = filled.find(([spec]) => spec.key === 'request_type')?.[1];
  return Object.fromEntries(filled.filter(([spec]) => fieldNeed(spec, type) !== undefined).map(([spec, value]) => [spec.property, value]));
}
