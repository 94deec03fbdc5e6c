import { and, eq, inArray } from 'drizzle-orm';
import type { Config } from '../config';
import { requests, type DeliveryRow, type RequestRow } from '../db/schema';
import type { Db } from '../db/types';
import { commentMarker } from '../integrations/zendesk/marker';
import type { Logger } from '../log';
import type { TicketDesk } from '../story/desk';
import { cannotApproveNote, planNote, problemsReply, rejectionNeedsReasonNote } from '../story/messages';
import { decidePlan, type Plan } from '../workflows/plan';
import { approveRequest, rejectRequest, type RequestDeps } from './actions';
import { validateDraft, type CourseRequestFields, type Problem } from './draft';
import { recordEvent, SYSTEM, type Actor } from './events';

export interface IntakeDeps extends RequestDeps {
  config: Pick<Config, 'ORC_AUTO_APPROVE' | 'ORC_RERUN_APPROVAL'> & Parameters<typeof decidePlan>[1];
  desk: TicketDesk;
  /** Checks against the database, GitHub and edX (see checks.ts). */
  externalProblems(fields: CourseRequestFields, plan: Plan, requestId: number | undefined): Promise<Problem[]>;
}

/** An agent acting through a Zendesk macro: the trigger body carries ids only. */
const MACRO: Actor = { id: 'zendesk', name: 'Zendesk macro' };

/** A short stable digest, so a marker changes exactly when the content it guards changes. */
async function digest(value: unknown): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify(value))));
  return [...bytes.slice(0, 6)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Midnight UTC of a YYYY-MM-DD start date, or null. */
const startAtOf = (date: string | undefined) => (date ? Date.parse(`${date}T00:00:00Z`) : null);

/**
 * Ticket intake, run by the engine for each webhook delivery: re-read the ticket through the
 * API (never trust the webhook body), validate it, record the request, tell the requester
 * what to fix or the agents what will run, and apply an agent's decision from the ticket.
 * Idempotent: the upsert is keyed by ticket, every comment by a marker.
 */
export async function processDelivery(deps: IntakeDeps, delivery: DeliveryRow, log: Logger): Promise<void> {
  const ticketId = delivery.ticketId;
  if (ticketId === null) return;
  const ticket = await deps.desk.readTicket(ticketId);
  if (!ticket.isCourseRequest) {
    log.info('ticket is not a course request; ignored');
    return;
  }
  const [existing] = await deps.db.select().from(requests).where(eq(requests.ticketId, ticketId));
  if (existing && !['waiting_on_requester', 'pending_approval'].includes(existing.status)) {
    log.info('request already decided; ticket change ignored', { status: existing.status });
    return;
  }

  const { draft, decision, rejectionReason } = ticket.request;
  const shape = validateDraft(draft);
  const plan = shape.fields ? decidePlan(shape.fields, deps.config) : undefined;
  const problems = shape.fields && plan ? [...shape.problems, ...(await deps.externalProblems(shape.fields, plan, existing?.id))] : shape.problems;

  const request = await upsertRequest(deps, existing, ticketId, { draft, fields: shape.fields, plan, problems, requester: ticket.requester });
  if (!['waiting_on_requester', 'pending_approval'].includes(request.status)) return;
  const steps = deps.workflows(request);

  if (problems.length > 0) {
    await deps.desk.post(ticketId, { html: problemsReply(problems), public: true, marker: commentMarker(request.id, `intake.${await digest(problems)}`), status: 'pending' });
  } else if (plan) {
    const automatic = deps.config.ORC_AUTO_APPROVE || (request.type === 'rerun' && !deps.config.ORC_RERUN_APPROVAL);
    await deps.desk.post(ticketId, { html: planNote(plan, steps, !automatic), public: false, marker: commentMarker(request.id, `plan.${await digest(plan)}`), status: 'open' });
  }

  if (request.status === 'pending_approval' && (deps.config.ORC_AUTO_APPROVE || (request.type === 'rerun' && !deps.config.ORC_RERUN_APPROVAL))) {
    await approveRequest(deps, request.id, SYSTEM, 'automatic mode');
    return;
  }
  if (decision === 'approve') {
    if (request.status === 'pending_approval') await approveRequest(deps, request.id, MACRO, 'zendesk macro');
    else await deps.desk.post(ticketId, { html: cannotApproveNote(problems), public: false, marker: commentMarker(request.id, `cannot-approve.${ticket.version.replace(/[^0-9A-Za-z]/g, '')}`) });
  } else if (decision === 'reject') {
    if (rejectionReason?.trim()) await rejectRequest(deps, request.id, rejectionReason, MACRO, 'zendesk macro');
    else await deps.desk.post(ticketId, { html: rejectionNeedsReasonNote, public: false, marker: commentMarker(request.id, `reject-reason.${ticket.version.replace(/[^0-9A-Za-z]/g, '')}`) });
  }
}

async function upsertRequest(
  deps: IntakeDeps,
  existing: RequestRow | undefined,
  ticketId: number,
  input: { draft: Record<string, unknown>; fields?: CourseRequestFields; plan?: Plan; problems: Problem[]; requester?: string },
): Promise<RequestRow> {
  const now = deps.clock();
  const { fields, plan, problems } = input;
  const type = fields?.type ?? (['new', 'publish', 'rerun'].includes(String(input.draft.type)) ? (input.draft.type as RequestRow['type']) : 'new');
  const values = {
    type,
    kind: fields?.kind ?? null,
    status: problems.length > 0 ? ('waiting_on_requester' as const) : ('pending_approval' as const),
    courseNumber: fields?.courseNumber ?? (typeof input.draft.courseNumber === 'string' ? input.draft.courseNumber : null),
    term: fields?.term ?? null,
    newTerm: fields?.newTerm ?? null,
    courseKey: plan?.courseKey ?? null,
    repo: plan ? `${plan.org}/${plan.repo}` : null,
    params: input.draft,
    problems,
    plan: plan ?? null,
    requester: input.requester ?? fields?.requester ?? null,
    desiredCompletion: fields?.desiredCompletion ?? null,
    startAt: startAtOf(fields?.startDate),
    updatedAt: now,
  };
  if (existing) {
    // Conditional: an agent may have approved in the sidebar since we read the row.
    const [updated] = await deps.db
      .update(requests)
      .set(values)
      .where(and(eq(requests.id, existing.id), inArray(requests.status, ['waiting_on_requester', 'pending_approval'])))
      .returning();
    if (!updated) return (await deps.db.select().from(requests).where(eq(requests.id, existing.id)))[0] ?? existing;
    if (JSON.stringify(existing.problems) !== JSON.stringify(problems) || JSON.stringify(existing.params) !== JSON.stringify(input.draft)) {
      await recordEvent(deps.db, now, { requestId: existing.id, ticketId, actor: { id: 'requester', name: values.requester ?? undefined }, action: 'revalidated', detail: { problems: problems.length } });
    }
    return updated;
  }
  const [created] = await deps.db.insert(requests).values({ ...values, ticketId, requestedAt: now }).onConflictDoNothing({ target: requests.ticketId }).returning();
  const [row] = created ? [created] : await deps.db.select().from(requests).where(eq(requests.ticketId, ticketId));
  if (created) await recordEvent(deps.db, now, { requestId: created.id, ticketId, actor: { id: 'requester', name: values.requester ?? undefined }, action: 'requested', detail: { type, problems: problems.length } });
  return row!;
}
