import type { Draft } from '../requests/draft';

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

export type FieldType = 'text' | 'textarea' | 'tagger' | 'date' | 'integer';

export interface FieldOption {
  /** What the requester sees. */
  name: string;
  /** The Zendesk tag; tags are account-wide, hence the `orc_` prefix. */
  tag: string;
  /** The value in the draft (or the decision). */
  value: string;
}

export type FieldProperty = Exclude<keyof Draft, 'requester'> | 'decision' | 'rejectionReason';

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
}

const option = (group: string, value: string, name: string): FieldOption => ({ name, value, tag: `orc_${group}_${value}` });

export const FIELDS = [
  {
    key: 'request_type',
    name: 'Request type',
    description: 'new course, publish (move staging to production), rerun for a new term, or change the course team',
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
  { key: 'course_number', name: 'Course number', description: 'e.g. 8.01r or 6.0001', type: 'text', property: 'courseNumber', requesterFacing: true },
  { key: 'course_title', name: 'Course title', description: 'the title students will see', type: 'text', property: 'courseTitle', requesterFacing: true },
  {
    key: 'course_kind',
    name: 'Course kind',
    description: 'XML (latex2edx, kept in git) or Studio (authored in Studio)',
    type: 'tagger',
    options: [option('kind', 'xml', 'XML'), option('kind', 'studio', 'Studio')],
    property: 'kind',
    requesterFacing: true,
  },
  { key: 'term', name: 'Term', description: 'YEAR_SEASON, e.g. 2027_Spring', type: 'text', property: 'term', requesterFacing: true },
  { key: 'new_term', name: 'New term', description: 'reruns only: the term of the new run, e.g. 2027_Fall', type: 'text', property: 'newTerm', requesterFacing: true },
  {
    key: 'team_members',
    name: 'Team members',
    description: 'GitHub usernames of the course team, separated by commas',
    type: 'textarea',
    property: 'teamMembers',
    requesterFacing: true,
  },
  {
    key: 'team_add',
    name: 'Members to add',
    description: 'team changes only: GitHub usernames to add to the course team, separated by commas',
    type: 'textarea',
    property: 'teamAdd',
    requesterFacing: true,
  },
  {
    key: 'team_remove',
    name: 'Members to remove',
    description: 'team changes only: GitHub usernames to remove from the course team, separated by commas',
    type: 'textarea',
    property: 'teamRemove',
    requesterFacing: true,
  },
  { key: 'team', name: 'Course team name', description: 'optional: the GitHub team name (default: named after the repo)', type: 'text', property: 'team', requesterFacing: true },
  { key: 'instructor', name: 'Instructor', description: 'the instructor of record', type: 'text', property: 'instructor', requesterFacing: true },
  { key: 'weeks', name: 'Weeks', description: 'length of the course in weeks', type: 'integer', property: 'weeks', requesterFacing: true },
  { key: 'evaluation_criteria', name: 'Evaluation criteria', description: 'how students are graded', type: 'textarea', property: 'evaluationCriteria', requesterFacing: true },
  {
    key: 'preexisting_resources',
    name: 'Pre-existing resources',
    description: 'material the course starts from',
    type: 'textarea',
    property: 'preexistingResources',
    requesterFacing: true,
  },
  { key: 'initial_repo', name: 'Initial repo', description: 'optional: a repo to start the course from', type: 'text', property: 'initialRepo', requesterFacing: true },
  { key: 'description', name: 'Course description', description: 'the about-page description', type: 'textarea', property: 'description', requesterFacing: true },
  { key: 'start_date', name: 'Start date', description: 'optional: when the work should run', type: 'date', property: 'startDate', requesterFacing: true },
  { key: 'desired_completion', name: 'Desired completion date', description: 'when the course should be ready', type: 'date', property: 'desiredCompletion', requesterFacing: true },
  {
    key: 'decision',
    name: 'Decision',
    description: 'set by the agent (or the Approve/Reject macros)',
    type: 'tagger',
    options: [option('decision', 'approve', 'Approve'), option('decision', 'reject', 'Reject')],
    property: 'decision',
    requesterFacing: false,
  },
  { key: 'rejection_reason', name: 'Rejection reason', description: 'required to reject: sent to the requester', type: 'textarea', property: 'rejectionReason', requesterFacing: false },
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
