import { and, desc, eq, inArray, lt, notExists, notInArray, sql } from 'drizzle-orm';
import { FINISHED_STATUSES, isFinished, requests, steps, ticketNotes, type RequestRow, type RequestStatus, type StepRow } from '../db/schema';
import type { Db } from '../db/types';
import type { Engine } from '../engine/engine';
import type { Clock, WorkflowResolver } from '../engine/types';
import { AppError, conflict, notFound } from '../errors';
import { commentMarker } from '../integrations/zendesk/marker';
import { scheduledNote } from '../story/messages';
import { formatInZone } from './dates';
import { failedNotesOfTicket } from '../story/failed-notes';
import { oweComment } from '../story/outbox';
import { tellAction } from './action-notes';
import { recordEvent, recordEventOnce, type Actor, type EventEntry } from './events';
import { cancelOpenSteps } from '../workflows/cancellation';
import { dropUnstartedSteps, materialiseAhead, materialisePlan } from './plan';

/**
 * What agents (sidebar, macros), the CLI and automatic mode do to a request. Every transition
 * is a conditional UPDATE on the state it starts from, so two agents clicking at once get one
 * success and one 409, and every action lands in the audit log.
 */
export interface RequestDeps {
  db: Db;
  clock: Clock;
  workflows: WorkflowResolver;
  engine: Pick<Engine, 'refreshRequestStatus'>;
  /** Tells the engine driver that work may be due now. */
  wake(): void;
  /** ORC_TIMEZONE: the course teams' zone, in which the ticket is told when work starts. */
  timeZone: string;
}

/**
 * Records an action in the audit log and owes its ticket the note telling it (see action-notes.ts).
 * A decision's or finished step's event a recovery rebuilt first (action-recovery.ts) is not
 * written again: that recovery owes its note.
 */
async function recordAction(deps: Pick<RequestDeps, 'db' | 'timeZone'>, at: number, entry: EventEntry): Promise<void> {
  const event = await recordEventOnce(deps.db, at, entry);
  if (event) await tellAction(deps.db, deps.timeZone, event);
}

export async function getRequest(db: Db, id: number): Promise<RequestRow> {
  const [row] = await db.select().from(requests).where(eq(requests.id, id));
  if (!row) throw notFound(`Request ${id}`);
  return row;
}

async function getStep(db: Db, requestId: number, key: string): Promise<StepRow> {
  const [row] = await db.select().from(steps).where(and(eq(steps.requestId, requestId), eq(steps.key, key)));
  if (!row) throw notFound(`Step "${key}" of request ${requestId}`);
  return row;
}

const noteRequired = (what: string) => new AppError(400, 'note_required', `A note is required to ${what}: say what was done and why`, { field: 'note' });

export async function approveRequest(deps: RequestDeps, id: number, actor: Actor, via: string): Promise<RequestRow> {
  const { db, clock } = deps;
  const request = await getRequest(db, id);
  if (request.status !== 'pending_approval') {
    throw conflict(`Request ${id} is ${request.status.replace(/_/g, ' ')}; only a request pending approval can be approved`);
  }
  const now = clock();
  // Rows first, status second: a crash in between leaves rows that are not runnable yet, and
  // the next approval reuses them.
  await materialisePlan(db, deps.workflows, request, now);
  const status: RequestStatus = request.startAt !== null && request.startAt > now ? 'scheduled' : 'in_progress';
  const [updated] = await db
    .update(requests)
    .set({ status, decision: 'approved', decidedBy: actor.name ?? actor.id, decidedAt: now, updatedAt: now })
    .where(and(eq(requests.id, id), eq(requests.status, 'pending_approval')))
    .returning();
  if (!updated) throw conflict(`Request ${id} was decided by someone else at the same time`);
  // Before the event: a recovery that rebuilds a lost event owes this note again (its marker dedupes), so a crash loses neither.
  await oweScheduledNote(db, deps.timeZone, now, updated);
  await recordAction(deps, now, { requestId: id, ticketId: request.ticketId, actor, action: 'approved', detail: { via, startAt: request.startAt } });
  deps.wake();
  return updated;
}

/** Tells the requester when a scheduled request's work starts (once per start time: the marker). */
export async function oweScheduledNote(db: Db, timeZone: string, now: number, request: RequestRow): Promise<void> {
  if (request.status !== 'scheduled' || request.ticketId === null || request.startAt === null) return;
  await oweComment(db, now, { ticketId: request.ticketId, requestId: request.id, html: scheduledNote(request.startAt, timeZone), public: true, marker: commentMarker(request.id, `scheduled.${request.startAt}`) });
}

export async function rejectRequest(deps: RequestDeps, id: number, reason: string | undefined, actor: Actor, via: string): Promise<RequestRow> {
  const { db, clock } = deps;
  const trimmed = reason?.trim();
  if (!trimmed) throw new AppError(400, 'reason_required', 'A reason is required to reject a request: the requester will read it', { field: 'reason' });
  const request = await getRequest(db, id);
  if (!['pending_approval', 'waiting_on_requester'].includes(request.status)) {
    throw conflict(`Request ${id} is ${request.status.replace(/_/g, ' ')}; only a request that has not started can be rejected`);
  }
  const now = clock();
  const rejected: RequestRow = { ...request, status: 'rejected', decision: 'rejected', reason: trimmed, decidedBy: actor.name ?? actor.id, decidedAt: now };
  const plan = deps.workflows(rejected);
  await dropUnstartedSteps(db, id, plan.map((d) => d.key));
  await materialisePlan(db, deps.workflows, rejected, now);
  const [updated] = await db
    .update(requests)
    .set({ status: 'rejected', decision: 'rejected', reason: trimmed, decidedBy: rejected.decidedBy, decidedAt: now, updatedAt: now })
    .where(and(eq(requests.id, id), inArray(requests.status, ['pending_approval', 'waiting_on_requester'])))
    .returning();
  if (!updated) throw conflict(`Request ${id} was decided by someone else at the same time`);
  await recordAction(deps, now, { requestId: id, ticketId: request.ticketId, actor, action: 'rejected', detail: { via, reason: trimmed } });
  deps.wake();
  return updated;
}

/**
 * Marks a step done: a manual step that waits (or is pending), or a failed automatic step the
 * agent finished by hand (the note, saying what was done, is then required). The engine goes on.
 */
export async function completeStep(deps: RequestDeps, id: number, key: string, note: string | undefined, actor: Actor): Promise<StepRow> {
  const { db, clock } = deps;
  const request = await getRequest(db, id);
  const step = await getStep(db, id, key);
  const byHand = step.kind === 'auto';
  if (byHand && step.status !== 'failed') throw conflict(`Step "${key}" is automatic and ${step.status}; only a failed automatic step can be finished by hand (or retried)`);
  if (!byHand && !['waiting', 'pending'].includes(step.status)) throw conflict(`Step "${key}" is ${step.status}; only a waiting or pending manual step can be marked done`);
  if (byHand && !note?.trim()) throw noteRequired('mark a failed automatic step done by hand');
  const def = deps.workflows(request).find((d) => d.key === key);
  if (def?.instructions?.(request).destructive && !note?.trim()) throw noteRequired('confirm this destructive step');
  const now = clock();
  const [updated] = await db
    .update(steps)
    .set({ status: 'done', completedBy: actor.name ?? actor.id, note: note?.trim() || null, finishedAt: now, updatedAt: now, reported: true, leaseOwner: null, leaseExpiresAt: null })
    .where(and(eq(steps.id, step.id), eq(steps.status, step.status)))
    .returning();
  if (!updated) throw conflict(`Step "${key}" changed while you acted; reload and try again`);
  await recordAction(deps, now, { requestId: id, ticketId: request.ticketId, actor, action: byHand ? 'step_finished_by_hand' : 'step_completed', detail: { step: key, note: note?.trim() || undefined, previousError: byHand ? step.error : undefined } });
  await deps.engine.refreshRequestStatus(id);
  deps.wake();
  return updated;
}

export async function skipStep(deps: RequestDeps, id: number, key: string, note: string | undefined, actor: Actor): Promise<StepRow> {
  const { db, clock } = deps;
  if (!note?.trim()) throw noteRequired('skip a step');
  const request = await getRequest(db, id);
  const step = await getStep(db, id, key);
  const skippable = step.status === 'failed' || (step.kind === 'manual' && ['waiting', 'pending'].includes(step.status));
  if (!skippable) throw conflict(`Step "${key}" is ${step.status}; only a manual step that is not done, or a failed step, can be skipped`);
  const now = clock();
  const [updated] = await db
    .update(steps)
    .set({ status: 'skipped', completedBy: actor.name ?? actor.id, note: note.trim(), finishedAt: now, updatedAt: now, leaseOwner: null, leaseExpiresAt: null })
    .where(and(eq(steps.id, step.id), eq(steps.status, step.status)))
    .returning();
  if (!updated) throw conflict(`Step "${key}" changed while you acted; reload and try again`);
  await recordAction(deps, now, { requestId: id, ticketId: request.ticketId, actor, action: 'step_skipped', detail: { step: key, note: note.trim() } });
  await deps.engine.refreshRequestStatus(id);
  deps.wake();
  return updated;
}

export async function retryStep(deps: RequestDeps, id: number, key: string, actor: Actor): Promise<StepRow> {
  const { db, clock } = deps;
  const request = await getRequest(db, id);
  const step = await getStep(db, id, key);
  if (step.status !== 'failed') throw conflict(`Step "${key}" is ${step.status}; only a failed step can be retried`);
  const now = clock();
  const [updated] = await db
    .update(steps)
    .set({ status: 'pending', attempts: 0, nextRunAt: now, error: null, finishedAt: null, updatedAt: now })
    .where(and(eq(steps.id, step.id), eq(steps.status, 'failed')))
    .returning();
  if (!updated) throw conflict(`Step "${key}" changed while you acted; reload and try again`);
  await recordAction(deps, now, { requestId: id, ticketId: request.ticketId, actor, action: 'step_retried', detail: { step: key, previousError: step.error } });
  await deps.engine.refreshRequestStatus(id);
  deps.wake();
  return updated;
}

/** Retries every failed step of a request (the sidebar retries one step; bulk and the CLI a whole request). */
export async function retryRequest(deps: RequestDeps, id: number, actor: Actor): Promise<StepRow[]> {
  const request = await getRequest(deps.db, id);
  const failed = await deps.db.select({ key: steps.key }).from(steps).where(and(eq(steps.requestId, id), eq(steps.status, 'failed'))).orderBy(steps.position);
  if (failed.length === 0) throw conflict(`Request ${id} is ${request.status.replace(/_/g, ' ')} and has no failed step; only a failed step can be retried`);
  const retried: StepRow[] = [];
  for (const { key } of failed) retried.push(await retryStep(deps, id, key, actor));
  return retried;
}

/**
 * Owes the ticket again every note of it the outbox gave up on: they are posted in their first
 * order, before anything owed since (the claim keeps a ticket's notes in id order), then the
 * action's own note. Markers keep a note that did reach the ticket from being posted twice. A
 * note refused because the ticket is closed fails again the same way (it says what to do instead).
 */
export async function retryNotes(deps: RequestDeps, id: number, actor: Actor): Promise<number> {
  const { db, clock } = deps;
  const request = await getRequest(db, id);
  const nothing = () => nothingFailed(id, 'retry');
  if (request.ticketId === null) throw nothing();
  const failed = failedNotesOfTicket(request.ticketId);
  const [last] = await db.select({ error: ticketNotes.error }).from(ticketNotes).where(failed).orderBy(desc(ticketNotes.id)).limit(1);
  if (!last) throw nothing();
  const now = clock();
  const retried = await db
    .update(ticketNotes)
    .set({ status: 'pending', attempts: 0, nextRunAt: now, error: null, leaseOwner: null, leaseExpiresAt: null })
    .where(failed)
    .returning({ id: ticketNotes.id });
  if (retried.length === 0) throw conflict(`The failed notes of request ${id} were retried by someone else at the same time`);
  await recordAction(deps, now, { requestId: id, ticketId: request.ticketId, actor, action: 'notes_retried', detail: { notes: retried.length, previousError: last.error } });
  deps.wake();
  return retried.length;
}

const nothingFailed = (id: number, verb: string) => conflict(`Request ${id} has no ticket note that failed to post; there is nothing to ${verb}`);

/**
 * Stops showing the notes of a ticket the outbox gave up on, when posting them is no longer
 * wanted or possible (a closed ticket refuses every retry): the way out of the failed-notes
 * banner. They stay in the outbox as `dismissed`, and the agent's reason is in the request's
 * history. The action is not told on the ticket: that note would fail the same way.
 */
export async function dismissNotes(deps: RequestDeps, id: number, note: string | undefined, actor: Actor): Promise<number> {
  const { db, clock } = deps;
  const reason = note?.trim();
  if (!reason) throw noteRequired('dismiss the notes that could not be posted');
  const request = await getRequest(db, id);
  if (request.ticketId === null) throw nothingFailed(id, 'dismiss');
  const now = clock();
  const dismissed = await db
    .update(ticketNotes)
    .set({ status: 'dismissed', leaseOwner: null, leaseExpiresAt: null })
    .where(failedNotesOfTicket(request.ticketId))
    .returning({ id: ticketNotes.id });
  if (dismissed.length === 0) throw nothingFailed(id, 'dismiss');
  await recordEvent(db, now, { requestId: id, ticketId: request.ticketId, actor, action: 'notes_dismissed', detail: { notes: dismissed.length, note: reason } });
  return dismissed.length;
}

/**
 * Sets when an approved request starts (scheduled or not yet started): `startAt` null means
 * now. A past `startAt` also means now, so it needs `confirmed`: an agent who picked last week
 * by mistake is asked (409 confirm_required) rather than starting the work at once. Only steps
 * that have not run are affected: a request under way keeps going.
 */
export async function rescheduleRequest(deps: RequestDeps, id: number, startAt: number | null, actor: Actor, options: { confirmed?: boolean } = {}): Promise<RequestRow> {
  const { db, clock } = deps;
  const request = await getRequest(db, id);
  const allowed: RequestStatus[] = ['pending_approval', 'waiting_on_requester', 'scheduled'];
  if (!allowed.includes(request.status)) {
    throw conflict(`Request ${id} is ${request.status.replace(/_/g, ' ')}; only a request that has not started can be rescheduled`);
  }
  const now = clock();
  if (startAt !== null && startAt <= now && !options.confirmed) {
    throw new AppError(409, 'confirm_required', `${formatInZone(startAt, deps.timeZone)} is in the past: rescheduling to it starts the work now. Confirm to start now, or pick a later date`, { field: 'startAt' });
  }
  const future = startAt !== null && startAt > now;
  const status: RequestStatus = request.status === 'scheduled' ? (future ? 'scheduled' : 'in_progress') : request.status;
  const [updated] = await db
    .update(requests)
    .set({ startAt: future ? startAt : null, status, updatedAt: now })
    .where(and(eq(requests.id, id), inArray(requests.status, allowed)))
    .returning();
  if (!updated) throw conflict(`Request ${id} changed while you acted; reload and try again`);
  await recordAction(deps, now, { requestId: id, ticketId: request.ticketId, actor, action: future ? 'rescheduled' : 'started_now', detail: { startAt: future ? new Date(startAt).toISOString() : null } });
  deps.wake();
  return updated;
}

/**
 * Cancels a request that has not finished, at any stage. The request's status is written first
 * (one conditional UPDATE decides a race with an approval or the last step), so the engine
 * stops deriving it and no step of it is claimed to run; then its open steps are cancelled and
 * the notice is written ahead of them (the ticket is told, with what to undo; nothing is undone
 * automatically). A crash in between is finished by `resumeCancellations`.
 */
export async function cancelRequest(deps: RequestDeps, id: number, reason: string | undefined, actor: Actor, via: string): Promise<RequestRow> {
  const { db, clock } = deps;
  const trimmed = reason?.trim();
  if (!trimmed) throw new AppError(400, 'reason_required', 'A reason is required to cancel a request: the requester will read it', { field: 'reason' });
  const request = await getRequest(db, id);
  if (isFinished(request.status)) {
    throw conflict(`Request ${id} is ${request.status.replace(/_/g, ' ')}; only a request that has not finished can be cancelled`);
  }
  const now = clock();
  const [updated] = await db
    .update(requests)
    // No start time: the notice runs now, whenever the work was to start.
    .set({ status: 'cancelled', reason: trimmed, startAt: null, updatedAt: now, completedAt: null })
    .where(and(eq(requests.id, id), notInArray(requests.status, FINISHED_STATUSES)))
    .returning();
  if (!updated) throw conflict(`Request ${id} finished while you acted; reload to see how`);
  await recordEvent(db, now, { requestId: id, ticketId: request.ticketId, actor, action: 'cancelled', detail: { via, reason: trimmed, was: request.status, startAt: request.startAt } });
  await cancelOpenSteps(db, id, actor.name ?? actor.id, now);
  await materialiseAhead(db, deps.workflows, updated, now);
  deps.wake();
  return updated;
}

/**
 * Writes the notice of every cancelled request that has none (a crash after its status was
 * written); the notice cancels what is still open. Returns how many it resumed.
 */
export async function resumeCancellations(deps: Pick<RequestDeps, 'db' | 'clock' | 'workflows'>): Promise<number> {
  const { db } = deps;
  const halfDone = await db
    .select()
    .from(requests)
    .where(
      and(
        eq(requests.status, 'cancelled'),
        notExists(db.select({ one: sql`1` }).from(steps).where(and(eq(steps.requestId, requests.id), lt(steps.position, 0)))),
      ),
    );
  for (const request of halfDone) await materialiseAhead(db, deps.workflows, request, deps.clock());
  return halfDone.length;
}
