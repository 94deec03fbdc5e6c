import { and, eq, inArray, sql } from 'drizzle-orm';
import { requests, type RequestRow, type RequestType } from '../db/schema';
import type { Db } from '../db/types';
import { decidePlan, type Plan, type PlanConfig } from '../workflows/plan';
import { REQUEST_TYPES } from '../db/schema';
import { validateDraft, type CourseRequestFields, type Problem } from './draft';
import type { CheckOptions } from './checks';
import { escapeHtml } from '../story/html';
import type { TicketDesk } from '../story/desk';
import type { Config } from '../config';
import { startOfDay } from './dates';
import { emptyTeamProblem, type CarriedTeam } from './course-team';
import { recordEvent, type Actor } from './events';

/**
 * What every entry point (ticket intake, `orcoursetrion request`, rollover) does with a draft
 * before it becomes a request row: the draft's own rules, the branch decisions, and the checks
 * against the database, GitHub and edX. One path, so the CLI validates exactly as intake does.
 */

export interface AssessDeps {
  config: PlanConfig & Pick<Config, 'ORC_TIMEZONE'>;
  /** Checks against the database, GitHub and edX (see checks.ts); `warning` ones never block. */
  externalProblems(fields: CourseRequestFields, plan: Plan, requestId: number | undefined, options?: CheckOptions): Promise<Problem[]>;
  /**
   * The course team when the form lists nobody (see course-team.ts). Absent only in a plan
   * preview, which reads no records: there an empty team is left for intake to settle.
   */
  courseTeam?(fields: CourseRequestFields, plan: Plan, requestId: number | undefined): Promise<CarriedTeam | undefined>;
}

export interface Assessment {
  draft: Record<string, unknown>;
  fields?: CourseRequestFields;
  plan?: Plan;
  problems: Problem[];
  /** What the agents should know but that does not block (the course check's warnings). */
  warnings: Problem[];
  /** When the work may start: the start date's midnight in ORC_TIMEZONE, or null. */
  startAt: number | null;
}

/** Validates a draft; `requestId` is the request being revalidated (it is not its own duplicate). */
export async function assessDraft(deps: AssessDeps, draft: Record<string, unknown>, requestId?: number, options?: CheckOptions): Promise<Assessment> {
  const shape = validateDraft(draft);
  const decided = shape.fields ? decidePlan(shape.fields, deps.config) : undefined;
  const team = shape.fields && decided && deps.courseTeam ? await deps.courseTeam(shape.fields, decided, requestId) : undefined;
  // The resolved team is part of the recorded plan: steps, the sidebar and a restart all see it.
  const plan = decided && team ? { ...decided, members: team.members, teamSource: team.source } : decided;
  // A team change names whom it adds and removes; it carries no team.
  const teamless = shape.fields && plan && deps.courseTeam && shape.fields.type !== 'team' && plan.members.length === 0 ? [emptyTeamProblem(shape.fields, plan)] : [];
  const found = shape.fields && plan ? [...shape.problems, ...teamless, ...(await deps.externalProblems(shape.fields, plan, requestId, options))] : shape.problems;
  const startAt = shape.fields?.startDate ? startOfDay(shape.fields.startDate, deps.config.ORC_TIMEZONE) : null;
  return { draft, fields: shape.fields, plan, problems: found.filter((p) => !p.warning), warnings: found.filter((p) => p.warning), startAt };
}

const typeOf = (a: Assessment): RequestType => {
  if (a.fields) return a.fields.type;
  const raw = String(a.draft.type);
  return (REQUEST_TYPES as readonly string[]).includes(raw) ? (raw as RequestType) : 'new';
};

/** The request row's values for an assessment: invalid drafts wait on the requester, valid ones on approval. */
export function requestValues(a: Assessment, requester: string | undefined, now: number) {
  const { fields, plan, problems } = a;
  return {
    type: typeOf(a),
    kind: fields?.kind ?? null,
    status: problems.length > 0 ? ('waiting_on_requester' as const) : ('pending_approval' as const),
    courseNumber: fields?.courseNumber ?? (typeof a.draft.courseNumber === 'string' ? a.draft.courseNumber : null),
    term: fields?.term ?? null,
    newTerm: fields?.newTerm ?? null,
    courseKey: plan?.courseKey ?? null,
    repo: plan ? `${plan.org}/${plan.repo}` : null,
    params: a.draft,
    problems,
    plan: plan ?? null,
    requester: requester ?? fields?.requester ?? null,
    desiredCompletion: fields?.desiredCompletion ?? null,
    startAt: a.startAt,
    updatedAt: now,
  };
}
export type RequestValues = ReturnType<typeof requestValues>;

/**
 * Inserts a request and its `requested` audit event. Undefined when the ticket already has a
 * request (two deliveries of one new ticket racing each other).
 */
export async function insertRequest(db: Db, values: RequestValues, ticketId: number | null, actor: Actor): Promise<RequestRow | undefined> {
  const [created] = await db
    .insert(requests)
    .values({ ...values, ticketId, requestedAt: values.updatedAt })
    .onConflictDoNothing({ target: requests.ticketId })
    .returning();
  if (created) await recordEvent(db, values.updatedAt, { requestId: created.id, ticketId, actor, action: 'requested', detail: { type: created.type, problems: values.problems.length } });
  return created;
}

/** The row a draft would become, never stored: the workflows preview its plan from it. */
export function unsavedRequest(a: Assessment, requester: string | undefined, now: number): RequestRow {
  return { ...requestValues(a, requester, now), id: 0, ticketId: null, courseId: null, decision: null, decidedBy: null, decidedAt: null, reason: null, requestedAt: now, completedAt: null };
}

export interface CreateDeps extends AssessDeps {
  db: Db;
  clock: () => number;
  /** When Zendesk is configured, each request gets a ticket, so it tells its story there too. */
  desk?: Pick<TicketDesk, 'openTicket'>;
}

export type CreateOutcome = { created: true; request: RequestRow; assessment: Assessment } | { created: false; assessment: Assessment };

/**
 * A request without a ticket (CLI, rollover): a draft with problems is not stored, since there
 * is no ticket on which the requester could fix it; the caller shows the problems instead.
 */
export async function createRequest(deps: CreateDeps, draft: Record<string, unknown>, actor: Actor): Promise<CreateOutcome> {
  const assessment = await assessDraft(deps, draft);
  if (assessment.problems.length > 0) return { created: false, assessment };
  const values = requestValues(assessment, actor.name ?? actor.id, deps.clock());
  const ticketId = deps.desk ? await deps.desk.openTicket(assessment.draft, ticketNote(values, actor), ticketKey(values), async (id) => (await requestOfTicket(deps.db, id)) !== undefined) : null;
  // The ticket's own webhook may reach a running service first: then its intake made the request.
  const request = (await insertRequest(deps.db, values, ticketId, actor)) ?? (ticketId === null ? undefined : await requestOfTicket(deps.db, ticketId));
  if (!request) throw new Error('the request was neither inserted nor found by its ticket');
  return { created: true, request, assessment };
}

const requestOfTicket = async (db: Db, ticketId: number) => (await db.select().from(requests).where(eq(requests.ticketId, ticketId)))[0];

/**
 * The external id of the ticket a command-line request opens: the same request asked again finds
 * it. A course has many team changes, so theirs name the change too.
 */
function ticketKey(values: RequestValues): string {
  const key = `orcoursetrion:${values.type}:${String(values.courseKey ?? values.courseNumber).toLowerCase()}`;
  if (values.type !== 'team' || !values.plan) return key;
  const names = (list: string[]) => list.map((m) => m.toLowerCase()).sort().join(',');
  return `${key}:+${names(values.plan.members)}-${names(values.plan.remove ?? [])}`;
}

function ticketNote(values: RequestValues, actor: Actor): { subject: string; html: string } {
  const what = values.type === 'rerun' ? `rerun ${values.courseNumber} ${values.term} -> ${values.newTerm}` : `${values.type} ${values.courseNumber} ${values.term}`;
  return { subject: `Course request: ${what}`, html: `<p>Course request (${escapeHtml(what)}) made by ${escapeHtml(actor.name ?? actor.id)} from the orcoursetrion command line.</p>` };
}

/** The request that already provisions this course key (not rejected), for batches that are run again. */
export async function findActiveRequest(db: Db, type: RequestType, courseKey: string): Promise<RequestRow | undefined> {
  const [row] = await db
    .select()
    .from(requests)
    .where(and(eq(requests.type, type), sql`lower(${requests.courseKey}) = ${courseKey.toLowerCase()}`, inArray(requests.status, ['pending_approval', 'scheduled', 'in_progress', 'waiting_on_agent', 'failed', 'completed'])));
  return row;
}
