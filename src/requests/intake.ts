import { and, eq, gt, inArray } from 'drizzle-orm';
import type { Config } from '../config';
import { isFinished, requests, steps, type DeliveryRow, type RequestRow } from '../db/schema';
import { commentMarker } from '../integrations/zendesk/marker';
import type { TicketStatus } from '../integrations/zendesk/schemas';
import { isTransient, messageOf } from '../errors';
import type { Logger } from '../log';
import type { StoryComment, TicketDesk, TicketSnapshot } from '../story/desk';
import { oweComment } from '../story/outbox';
import { planOf } from '../workflows/plan';
import { FINISH_STEP } from '../workflows/ticket-steps';
import { cannotApproveNote, planNote, problemsReply, rejectionNeedsReasonNote, warningsNote, type PlanApproval } from '../story/messages';
import { approveRequest, cancelRequest, rejectRequest, type RequestDeps } from './actions';
import type { ApprovalRule } from './approval-rules';
import { approvalRulesOf, approvingRule, ruleActor } from './approval';
import { requesterOnCourseTeam, type CourseTeamDeps } from './course-team-requester';
import { assessDraft, insertRequest, requestValues, type AssessDeps, type Assessment } from './create';
import type { Problem } from './draft';
import { recordEvent, type Actor } from './events';

export interface IntakeDeps extends RequestDeps, AssessDeps {
  config: Pick<Config, 'ORC_AUTO_APPROVE' | 'ORC_RERUN_APPROVAL' | 'approvalRules' | 'ORC_STEP_MAX_ATTEMPTS'> & AssessDeps['config'];
  desk: TicketDesk;
  /** For the requesterOnCourseTeam rule condition; absent, it never holds. */
  teamReader?: CourseTeamDeps;
}

/** An agent acting through a Zendesk macro: the trigger body carries ids only. */
const MACRO: Actor = { id: 'zendesk', name: 'Zendesk macro' };

/** A short stable digest, so a marker changes exactly when the content it guards changes. */
async function digest(value: unknown): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify(value))));
  return [...bytes.slice(0, 6)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

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
  if (existing && (ticket.status === 'solved' || ticket.status === 'closed') && !isFinished(existing.status) && !(await finishStarted(deps, existing.id))) {
    await cancelRequest(deps, existing.id, `The ticket was ${ticket.status} in Zendesk before the request finished`, ZENDESK, 'zendesk ticket status');
    log.info('ticket solved or closed: request cancelled', { requestId: existing.id, status: ticket.status });
    return;
  }
  if (existing && !['waiting_on_requester', 'pending_approval'].includes(existing.status)) {
    log.info('request already decided; ticket change ignored', { status: existing.status });
    await oweLatePlanNote(deps, delivery, existing);
    return;
  }

  const { draft } = ticket.request;
  // An agent's decision on a valid request whose fields did not change since it was checked
  // (the approve macro, most often) goes straight to the decision: the checks and the plan
  // note are already on the ticket, and the approved work starts sooner.
  if (existing?.status === 'pending_approval' && JSON.stringify(existing.params) === JSON.stringify(draft)) {
    // Unless the attempt that recorded the request died before owing the note (a retry of it
    // reads the agent's decision too): the marker makes this a no-op when the note is owed.
    const rule = await ruleFor(deps, ticket, existing, log);
    await owePlanNote(deps, existing, approvalBy(rule));
    await applyDecision(deps, ticket, existing, existing.problems, rule);
    return;
  }

  // The engine retries a delivery up to ORC_STEP_MAX_ATTEMPTS times; the last one must answer.
  const assessment = await assessDraft(deps, draft, existing?.id, { lastAttempt: delivery.attempts >= deps.config.ORC_STEP_MAX_ATTEMPTS });
  const { plan, problems, warnings } = assessment;

  const request = await upsertRequest(deps, existing, ticketId, assessment, ticket.requester);
  if (!['waiting_on_requester', 'pending_approval'].includes(request.status)) {
    await oweLatePlanNote(deps, delivery, request);
    return;
  }

  const rule = await ruleFor(deps, ticket, request, log);
  if (problems.length > 0) {
    await owe(deps, request, { html: problemsReply(problems), public: true, marker: commentMarker(request.id, `intake.${await digest(problems)}`), status: 'pending' });
    if (warnings.length > 0) await owe(deps, request, { html: warningsNote(warnings), public: false, marker: commentMarker(request.id, `warnings.${await digest(warnings)}`) });
  } else if (plan) {
    await owePlanNote(deps, request, approvalBy(rule), warnings, 'open');
  }
  await applyDecision(deps, ticket, request, problems, rule);
}

const approvalBy = (rule: ApprovalRule | undefined): PlanApproval => (rule ? { by: 'rule', rule: rule.name } : { by: 'agent' });

/** The approval rule that approves a valid request pending approval, if one does. */
async function ruleFor(deps: IntakeDeps, ticket: TicketSnapshot, request: RequestRow, log: Logger): Promise<ApprovalRule | undefined> {
  if (request.status !== 'pending_approval') return undefined;
  const { requesterId } = ticket;
  // A refusal (say, a token without access to users) must not stop intake: membership unknown
  // means no rule that asks for it approves, and the agent decides. Outages are retried.
  const memberships = (userId: number) =>
    deps.desk.memberships(userId).catch((err: unknown) => {
      if (isTransient(err)) throw err;
      log.warn('zendesk memberships unreadable; rules on organisations and groups do not apply', { error: messageOf(err) });
      return { organizations: [], groups: [] };
    });
  const requesterEmail = ticket.requester ?? request.requester ?? undefined;
  const { teamReader } = deps;
  // As with memberships: a refusal (a service user that is not LMS staff) only keeps the rule from applying.
  const onCourseTeam = (team: CourseTeamDeps) =>
    requesterOnCourseTeam(team, request, requesterEmail).catch((err: unknown) => {
      if (isTransient(err)) throw err;
      log.warn('course team unreadable; the requesterOnCourseTeam condition does not hold', { error: messageOf(err) });
      return false;
    });
  return approvingRule(approvalRulesOf(deps.config), {
    db: deps.db,
    request,
    requesterEmail,
    memberships: requesterId === undefined ? undefined : () => memberships(requesterId),
    requesterOnCourseTeam: teamReader && (() => onCourseTeam(teamReader)),
  });
}

/**
 * Names the plan note by the plan as stored, so a late note of the same plan finds the first. The
 * course check's warnings ride in the note but not in its name: a late note does not know them.
 */
const planMarker = async (request: RequestRow) => commentMarker(request.id, `plan.${await digest(request.plan)}`);

/**
 * The plan note of a request that was decided before this delivery could owe it: an earlier
 * attempt of this very delivery recorded the request, then died (a crash) before writing the
 * note, while an agent approved. Only a retried delivery can owe it, so a first attempt costs
 * nothing; the marker makes a note already owed a no-op. It leaves the ticket's status alone:
 * the flow may have solved the ticket since.
 */
async function oweLatePlanNote(deps: IntakeDeps, delivery: DeliveryRow, request: RequestRow): Promise<void> {
  if (delivery.attempts > 1 && !['rejected', 'cancelled'].includes(request.status)) await owePlanNote(deps, request, { by: 'decided' });
}

/** Owes the plan note of a valid request (marker-guarded); `status` sets the ticket's status with it. */
async function owePlanNote(deps: IntakeDeps, request: RequestRow, approval: PlanApproval, warnings: Problem[] = [], status?: TicketStatus): Promise<void> {
  const plan = planOf(request);
  if (!plan || request.problems.length > 0) return;
  await owe(deps, request, { html: planNote(plan, deps.workflows(request), approval, warnings), public: false, marker: await planMarker(request), status });
}

/**
 * Every comment intake decides is owed through the outbox (`src/story/outbox.ts`): written
 * with the request, posted by the engine with backoff, so no retry budget of this delivery,
 * no Zendesk outage and no crash after this write can lose it.
 */
async function owe(deps: IntakeDeps, request: RequestRow, comment: StoryComment): Promise<void> {
  if (request.ticketId !== null) await oweComment(deps.db, deps.clock(), { ticketId: request.ticketId, requestId: request.id, ...comment });
}

/** An agent solving or closing the ticket in Zendesk itself. */
const ZENDESK: Actor = { id: 'zendesk', name: 'Zendesk (ticket status)' };

/** The request's last step has started: it solves the ticket itself, so a solved ticket is ours. */
async function finishStarted(deps: IntakeDeps, requestId: number): Promise<boolean> {
  const [row] = await deps.db
    .select({ id: steps.id })
    .from(steps)
    .where(and(eq(steps.requestId, requestId), eq(steps.key, FINISH_STEP), gt(steps.attempts, 0)));
  return row !== undefined;
}

/** Approval by a rule, or the decision an agent set on the ticket (the Approve/Reject macros). */
async function applyDecision(deps: IntakeDeps, ticket: TicketSnapshot, request: RequestRow, problems: Problem[], rule: ApprovalRule | undefined): Promise<void> {
  const { decision, rejectionReason } = ticket.request;
  const version = ticket.version.replace(/[^0-9A-Za-z]/g, '');
  if (request.status === 'pending_approval' && rule) {
    // The approval's note (owed with it) names the rule.
    await approveRequest(deps, request.id, ruleActor(rule), 'approval rule');
  } else if (decision === 'approve') {
    if (request.status === 'pending_approval') await approveRequest(deps, request.id, MACRO, 'zendesk macro');
    else await owe(deps, request, { html: cannotApproveNote(problems), public: false, marker: commentMarker(request.id, `cannot-approve.${version}`) });
  } else if (decision === 'reject') {
    if (rejectionReason?.trim()) await rejectRequest(deps, request.id, rejectionReason, MACRO, 'zendesk macro');
    else await owe(deps, request, { html: rejectionNeedsReasonNote, public: false, marker: commentMarker(request.id, `reject-reason.${version}`) });
  }
}

async function upsertRequest(deps: IntakeDeps, existing: RequestRow | undefined, ticketId: number, assessment: Assessment, requester: string | undefined): Promise<RequestRow> {
  const now = deps.clock();
  const values = requestValues(assessment, requester, now);
  const actor: Actor = { id: 'requester', name: values.requester ?? undefined };
  if (existing) {
    // Conditional: an agent may have approved in the sidebar since we read the row.
    const [updated] = await deps.db
      .update(requests)
      .set(values)
      .where(and(eq(requests.id, existing.id), inArray(requests.status, ['waiting_on_requester', 'pending_approval'])))
      .returning();
    if (!updated) return (await deps.db.select().from(requests).where(eq(requests.id, existing.id)))[0] ?? existing;
    if (JSON.stringify(existing.problems) !== JSON.stringify(values.problems) || JSON.stringify(existing.params) !== JSON.stringify(assessment.draft)) {
      await recordEvent(deps.db, now, { requestId: existing.id, ticketId, actor, action: 'revalidated', detail: { problems: values.problems.length } });
    }
    return updated;
  }
  const created = await insertRequest(deps.db, values, ticketId, actor);
  return created ?? (await deps.db.select().from(requests).where(eq(requests.ticketId, ticketId)))[0]!;
}
