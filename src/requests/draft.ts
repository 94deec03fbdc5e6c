import { z } from 'zod';
import { COURSE_NUMBER_PATTERN, TERM_PATTERN } from '../courses/naming';
import { COURSE_KINDS, REQUEST_TYPES } from '../db/schema';
import { splitMembers } from './members';

/**
 * A course request as a requester fills it in (ticket form, sidebar, CLI): the one shape every
 * entry point maps its input to before validation. Field names are the API's (camelCase).
 */

export { COURSE_NUMBER_PATTERN, TERM_PATTERN };
/** GitHub's username rule: alphanumerics and single hyphens, not at the ends, at most 39. */
export const GITHUB_USERNAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const optionalString = (max: number) => z.string().trim().max(max, { message: `must be at most ${max} characters` }).optional();

/** Loose on purpose: every value arrives as the requester typed it; `validateDraft` explains what is wrong. */
export const draftSchema = z.object({
  type: z.string().optional(),
  courseNumber: optionalString(100),
  courseTitle: optionalString(300),
  kind: z.string().optional(),
  term: optionalString(50),
  newTerm: optionalString(50),
  teamMembers: z.union([z.array(z.string()), z.string()]).optional(),
  /** A team change: usernames to add to, and to remove from, the course team. */
  teamAdd: z.union([z.array(z.string()), z.string()]).optional(),
  teamRemove: z.union([z.array(z.string()), z.string()]).optional(),
  team: optionalString(100),
  instructor: optionalString(100),
  weeks: z.union([z.number(), z.string()]).optional(),
  evaluationCriteria: optionalString(5000),
  preexistingResources: optionalString(5000),
  initialRepo: optionalString(300),
  description: optionalString(20000),
  startDate: optionalString(30),
  desiredCompletion: optionalString(30),
  requester: optionalString(300),
});
export type Draft = z.infer<typeof draftSchema>;

export interface Problem {
  field: string;
  message: string;
  /** The course repository's file the problem is in (the publish quality check), and its line. */
  file?: string;
  line?: number;
  /** Told to the agents, never blocks the request (quality-check warnings). */
  warning?: boolean;
}

/** A draft that passed validation, normalised. */
export interface CourseRequestFields {
  type: (typeof REQUEST_TYPES)[number];
  courseNumber: string;
  courseTitle?: string;
  kind: (typeof COURSE_KINDS)[number];
  term: string;
  newTerm?: string;
  teamMembers: string[];
  /** A team change: who joins and who leaves the course team (empty for the other types). */
  teamAdd: string[];
  teamRemove: string[];
  team?: string;
  instructor?: string;
  weeks?: number;
  evaluationCriteria?: string;
  preexistingResources?: string;
  initialRepo?: string;
  description?: string;
  startDate?: string;
  desiredCompletion?: string;
  requester?: string;
}

function termProblem(field: string, value: string | undefined, required: boolean): Problem | undefined {
  if (!value) return required ? { field, message: 'is required: give the term as YEAR_SEASON, e.g. 2027_Spring' } : undefined;
  if (TERM_PATTERN.test(value)) return undefined;
  const swapped = /^(Spring|Summer|Fall|IAP|Winter)_(\d{4})$/i.exec(value);
  if (swapped) return { field, message: `"${value}" is in the old order: write ${swapped[2]}_${swapped[1]![0]!.toUpperCase()}${swapped[1]!.slice(1).toLowerCase()}` };
  return { field, message: `"${value}" is not a term: use YEAR_SEASON with a season of Spring, Summer, Fall, IAP or Winter, e.g. 2027_Spring` };
}

function dateProblem(field: string, value: string | undefined): Problem | undefined {
  if (!value) return undefined;
  if (!ISO_DATE.test(value) || Number.isNaN(Date.parse(value))) return { field, message: `"${value}" is not a date: use YYYY-MM-DD, e.g. 2027-02-01` };
  return undefined;
}

/** A team change changes someone, and no one both ways (GitHub logins compare ignoring case). */
function teamChangeProblem(adds: string[], removes: string[]): Problem | undefined {
  if (adds.length === 0 && removes.length === 0) return { field: 'teamAdd', message: 'is required for a team change: list the GitHub usernames to add, or those to remove, separated by commas' };
  const both = adds.filter((a) => removes.some((r) => r.toLowerCase() === a.toLowerCase()));
  if (both.length > 0) return { field: 'teamRemove', message: `${both.join(', ')} ${both.length === 1 ? 'is' : 'are'} both added and removed: list each person once` };
  return undefined;
}

/**
 * The rules that need nothing but the draft itself. Checks against GitHub, edX and the
 * database come after (see intake checks). Returns every problem, not just the first.
 */
export function validateDraft(input: unknown): { fields?: CourseRequestFields; problems: Problem[] } {
  const parsed = draftSchema.safeParse(input);
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'request', message: i.message })),
    };
  }
  const d = parsed.data;
  const problems: Problem[] = [];
  const add = (p: Problem | undefined) => p && problems.push(p);

  const type = (REQUEST_TYPES as readonly string[]).includes(d.type ?? '') ? (d.type as CourseRequestFields['type']) : undefined;
  if (!type) add({ field: 'type', message: `${d.type ? `"${d.type}" is not a request type` : 'is required'}: choose new, publish or rerun` });

  const kind = (COURSE_KINDS as readonly string[]).includes((d.kind ?? '').toLowerCase()) ? ((d.kind ?? '').toLowerCase() as CourseRequestFields['kind']) : undefined;
  if (!kind) add({ field: 'kind', message: `${d.kind ? `"${d.kind}" is not a course kind` : 'is required'}: choose xml (XML/latex2edx in git) or studio (authored in Studio)` });

  if (!d.courseNumber) add({ field: 'courseNumber', message: 'is required: give the course number, e.g. 8.01r or 6.0001' });
  else if (!COURSE_NUMBER_PATTERN.test(d.courseNumber)) {
    add({ field: 'courseNumber', message: `"${d.courseNumber}" is not a course number: use letters and digits separated by . _ or -, e.g. 8.01r` });
  }

  add(termProblem('term', d.term, true));
  if (type === 'rerun') {
    add(termProblem('newTerm', d.newTerm, true));
    if (d.newTerm && d.term && d.newTerm === d.term) add({ field: 'newTerm', message: 'must differ from term: a rerun goes to a new term' });
  }
  if (type === 'new' && !d.courseTitle) add({ field: 'courseTitle', message: 'is required for a new course: give the title students will see' });

  const usernames = (field: 'teamMembers' | 'teamAdd' | 'teamRemove') => {
    const list = splitMembers(d[field]);
    for (const m of list) if (!GITHUB_USERNAME_PATTERN.test(m)) add({ field, message: `"${m}" is not a GitHub username (letters, digits and single hyphens)` });
    return list;
  };
  const teamMembers = usernames('teamMembers');
  const teamAdd = type === 'team' ? usernames('teamAdd') : [];
  const teamRemove = type === 'team' ? usernames('teamRemove') : [];
  if (type === 'team') add(teamChangeProblem(teamAdd, teamRemove));
  if (type === 'new' && teamMembers.length === 0) add({ field: 'teamMembers', message: 'is required for a new course: list the course team\'s GitHub usernames, separated by spaces, e.g. alice-smith bob42' });

  let weeks: number | undefined;
  if (d.weeks !== undefined && d.weeks !== '') {
    weeks = typeof d.weeks === 'number' ? d.weeks : Number(d.weeks);
    if (!Number.isInteger(weeks) || weeks < 1 || weeks > 52) add({ field: 'weeks', message: `"${d.weeks}" is not a number of weeks: give a whole number from 1 to 52` });
  }
  const start = dateProblem('startDate', d.startDate);
  const completion = dateProblem('desiredCompletion', d.desiredCompletion);
  add(start);
  add(completion);
  // Days as YYYY-MM-DD compare as text. Both fields are named, by the form's titles.
  if (!start && !completion && d.startDate && d.desiredCompletion && d.desiredCompletion < d.startDate) {
    add({ field: 'desiredCompletion', message: `${d.desiredCompletion} is before the Start date ${d.startDate}: the course cannot be ready before the work starts; move the Desired completion date later or the Start date earlier` });
  }

  if (problems.length > 0 || !type || !kind || !d.courseNumber || !d.term) return { problems };
  return {
    problems,
    fields: {
      type,
      kind,
      courseNumber: d.courseNumber,
      courseTitle: d.courseTitle,
      term: d.term,
      newTerm: d.newTerm,
      teamMembers,
      teamAdd,
      teamRemove,
      team: d.team,
      instructor: d.instructor,
      weeks,
      evaluationCriteria: d.evaluationCriteria,
      preexistingResources: d.preexistingResources,
      initialRepo: d.initialRepo,
      description: d.description,
      startDate: d.startDate,
      desiredCompletion: d.desiredCompletion,
      requester: d.requester,
    },
  };
}
