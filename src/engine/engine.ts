import { and, asc, eq, gt, inArray, lte, max, notExists, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { deliveryLive, requests, steps, ticketNotes, webhookDeliveries, type DeliveryRow, type NoteRow, type RequestRow, type RequestStatus, type StepRow } from '../db/schema';
import { byRequest } from '../db/by-request';
import { perDb } from '../db/per-db';
import type { Db } from '../db/types';
import type { WriteTurn } from '../db/write-lock';
import { isTransient, messageOf, PermanentError, retryAfterOf } from '../errors';
import type { Logger } from '../log';
import { backoffDelay } from './backoff';
import { claimDelivery, claimNote, claimStep, nextDueAt } from './claim';
import { instructionsOf } from './instructions-of';
import type { Clock, EngineHooks, EngineObserver, EngineOptions, RecoverOptions, StepContext, StepDefinition, StepOutcome, WorkflowResolver } from './types';

export interface EngineDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  workflows: WorkflowResolver;
  hooks: EngineHooks;
  options: EngineOptions;
  /** Scrubs secrets from error text before it is stored or shown. */
  scrub?: (text: string) => string;
  /** Told how each step and delivery run ended (metrics). */
  observer?: EngineObserver;
  /**
   * Runs a write when it is this engine's turn to write the database file. On Node the engine's
   * thread takes turns with the webhook recorder through a shared lock (db/write-lock.ts)
   * instead of SQLite's sleeping busy handler; elsewhere a write runs at once.
   */
  writeTurn?: WriteTurn;
}

/** A claimed item: this worker holds its lease until `run` settles it. */
export type ClaimedWork = { kind: 'delivery'; row: DeliveryRow } | { kind: 'note'; row: NoteRow } | { kind: 'step'; row: StepRow };

export interface Engine {
  /** Claims and runs due work until none is left or `limit` items ran. Returns how many ran. */
  runDue(limit?: number): Promise<number>;
  /** Runs at most one due item (a delivery first, then a ticket note, then a step). False when nothing was due. */
  runOne(): Promise<boolean>;
  /** Claims the next due item (a delivery first, then a ticket note, then a step), without running it. */
  claim(): Promise<ClaimedWork | undefined>;
  /** Runs a claimed item to its next state. */
  run(work: ClaimedWork): Promise<void>;
  /** When the next item becomes due, for drivers that sleep until then. */
  nextDueAt(): Promise<number | undefined>;
  /** Re-derives a request's status from its steps (after agents act on steps). */
  refreshRequestStatus(requestId: number): Promise<RequestStatus | undefined>;
  /**
   * Re-derives the status of every request under way whose steps disagree with it, and returns
   * how many were fixed. A step is settled and its request's status derived in two writes (no
   * transactions on D1), so a crash between them leaves, say, a waiting step under an
   * "in progress" request; drivers call this when they start (and the Worker's cron each tick).
   * It also runs the hooks' own recovery (a cancellation a crash left half written, a note a
   * crash kept from being owed), bounded by `options.since` when given (the Worker's cron).
   */
  recoverStatuses(options?: RecoverOptions): Promise<number>;
}

const FINISHED = new Set(['done', 'skipped']);
/** The statuses a request's steps decide (see deriveStatus). */
const DERIVED_STATUSES: RequestStatus[] = ['scheduled', 'in_progress', 'waiting_on_agent', 'failed'];
/** Tries at telling the ticket about a failed step before giving up (see reportFailure). */
const REPORT_ATTEMPTS = 5;

/** A request's status as its steps say; untouched outside the running states. */
export function deriveStatus(request: RequestRow, rows: Pick<StepRow, 'status'>[], now: number): RequestStatus {
  if (rows.some((s) => s.status === 'failed')) return 'failed';
  if (rows.some((s) => s.status === 'waiting')) return 'waiting_on_agent';
  if (rows.length > 0 && rows.every((s) => FINISHED.has(s.status))) return 'completed';
  if (request.startAt !== null && request.startAt > now && rows.every((s) => s.status === 'pending')) return 'scheduled';
  return 'in_progress';
}

export function createEngine(deps: EngineDeps): Engine {
  const { db, clock, options } = deps;
  const scrub = deps.scrub ?? ((t: string) => t);
  const random = options.random ?? Math.random;
  const baseMs = options.backoffBaseMs ?? 1_000;
  const maxMs = options.backoffMaxMs ?? 5 * 60_000;
  const writeTurn: WriteTurn = deps.writeTurn ?? ((write) => write());

  async function refreshRequestStatus(requestId: number): Promise<RequestStatus | undefined> {
    const [request] = await db.select().from(requests).where(eq(requests.id, requestId));
    if (!request) return undefined;
    if (!DERIVED_STATUSES.includes(request.status)) return request.status;
    const rows = await db.select({ status: steps.status }).from(steps).where(eq(steps.requestId, requestId));
    const now = clock();
    const status = deriveStatus(request, rows, now);
    if (status !== request.status) {
      await writeTurn(() =>
        db
          .update(requests)
          .set({ status, updatedAt: now, completedAt: status === 'completed' ? now : null })
          .where(and(eq(requests.id, requestId), inArray(requests.status, DERIVED_STATUSES))),
      );
    }
    return status;
  }

  async function recoverStatuses(options?: RecoverOptions): Promise<number> {
    const resumed = (await deps.hooks.recover?.(options)) ?? 0;
    return resumed + (await recoverDerivedStatuses());
  }

  async function recoverDerivedStatuses(): Promise<number> {
    // Two reads for all requests under way, then a refresh (which re-reads) only where they disagree.
    const active = await db.select().from(requests).where(inArray(requests.status, DERIVED_STATUSES));
    if (active.length === 0) return 0;
    const rows = await db
      .select({ requestId: steps.requestId, status: steps.status })
      .from(steps)
      .innerJoin(requests, eq(requests.id, steps.requestId))
      .where(inArray(requests.status, DERIVED_STATUSES));
    const stepsByRequest = byRequest(rows);
    const now = clock();
    let fixed = 0;
    for (const request of active) {
      if (deriveStatus(request, stepsByRequest.get(request.id) ?? [], now) === request.status) continue;
      const status = await refreshRequestStatus(request.id);
      deps.log.warn('request status recovered from its steps', { requestId: request.id, was: request.status, now: status });
      fixed++;
    }
    return fixed;
  }

  /** What a failed attempt leads to: another after a backoff (transient, attempts left), or giving up. */
  function afterFailure(err: unknown, attempts: number): { message: string; retryInMs?: number } {
    const message = scrub(messageOf(err));
    if (!isTransient(err) || attempts >= options.maxAttempts) return { message };
    return { message, retryInMs: backoffDelay(attempts, { baseMs, maxMs, retryAfterMs: retryAfterOf(err), random }) };
  }

  /** Writes a step's new state only while this worker still holds its lease (fencing). */
  async function settle(step: StepRow, values: Partial<typeof steps.$inferInsert>): Promise<boolean> {
    const rows = await writeTurn(() =>
      db
        .update(steps)
        .set({ ...values, updatedAt: clock() })
        .where(and(eq(steps.id, step.id), eq(steps.status, 'running'), eq(steps.leaseOwner, options.workerId)))
        .returning({ id: steps.id }),
    );
    return rows.length === 1;
  }

  function startHeartbeat(step: StepRow): { beat: () => Promise<void>; stop: () => void } {
    const beat = async () => {
      await writeTurn(() =>
        db
          .update(steps)
          .set({ leaseExpiresAt: clock() + options.leaseMs })
          .where(and(eq(steps.id, step.id), eq(steps.status, 'running'), eq(steps.leaseOwner, options.workerId))),
      );
    };
    const timer = setInterval(() => void beat().catch(() => {}), Math.max(50, Math.floor(options.leaseMs / 3)));
    (timer as { unref?: () => void }).unref?.();
    return { beat, stop: () => clearInterval(timer) };
  }

  /**
   * Tells the ticket a step failed. The step row is already failed, so nothing would retry a
   * lost note: a transient failure (Zendesk down for a moment) is retried here a few times with
   * the engine's backoff, else an agent could see a stuck request with no error on the ticket.
   */
  async function reportFailure(ctx: StepContext, error: string, log: Logger): Promise<void> {
    if (!deps.hooks.stepFailed) return;
    for (let attempt = 1; ; attempt++) {
      try {
        await deps.hooks.stepFailed(ctx, error);
        return;
      } catch (e) {
        if (!isTransient(e) || attempt >= REPORT_ATTEMPTS) {
          log.warn('could not report the failure', { error: scrub(messageOf(e)), attempts: attempt });
          return;
        }
        await new Promise((r) => setTimeout(r, backoffDelay(attempt, { baseMs, maxMs: Math.min(maxMs, 30_000), retryAfterMs: retryAfterOf(e), random })));
      }
    }
  }

  async function runStep(step: StepRow): Promise<void> {
    const [request] = await db.select().from(requests).where(eq(requests.id, step.requestId));
    const log = deps.log.child({ requestId: step.requestId, ticketId: request?.ticketId ?? undefined, step: step.key, attempt: step.attempts });
    if (!request) {
      await settle(step, { status: 'failed', error: 'The request of this step no longer exists', leaseOwner: null, leaseExpiresAt: null });
      return;
    }
    const def: StepDefinition | undefined = deps.workflows(request).find((d) => d.key === step.key);
    if (!def && request.status === 'cancelled') {
      // Claimed before the cancellation reached it (or a crash came between the two writes): it never runs.
      if (await settle(step, { status: 'cancelled', finishedAt: clock(), leaseOwner: null, leaseExpiresAt: null })) log.info('step cancelled with its request');
      return;
    }
    const heartbeat = startHeartbeat(step);
    const ctx: StepContext = { request, step, log, heartbeat: heartbeat.beat };
    const began = clock();
    const observe = (outcome: StepOutcome) => deps.observer?.stepSettled({ kind: step.kind, outcome, ms: clock() - began });
    try {
      if (!def) throw new PermanentError(`Step "${step.key}" is not part of the ${request.type} workflow any more`);
      if (def.kind === 'manual') {
        if (step.result === null && def.prepare) {
          const prepared = await def.prepare(ctx);
          // Memoised before the instructions go out: every later rendering reads the same facts.
          if (!(await settle(step, { result: prepared }))) return;
          step.result = prepared;
        }
        await deps.hooks.stepWaiting?.(ctx, instructionsOf(def, request, step));
        if (await settle(step, { status: 'waiting', error: null, leaseOwner: null, leaseExpiresAt: null })) {
          log.info('step waiting for an agent');
          observe('waiting');
        }
      } else {
        let result = step.result as Record<string, unknown> | null;
        if (result === null) {
          if (!def.run) throw new PermanentError(`Automatic step "${step.key}" has nothing to run`);
          const started = clock();
          result = (await def.run(ctx)) ?? {};
          // Memoise before reporting: a crash from here on never repeats the side effect.
          if (!(await settle(step, { result }))) return;
          log.info('step ran', { ms: clock() - started });
        }
        if (!step.reported) await deps.hooks.stepDone?.(ctx, result);
        if (await settle(step, { status: 'done', reported: true, error: null, finishedAt: clock(), leaseOwner: null, leaseExpiresAt: null })) {
          log.info('step done');
          observe('done');
        }
      }
    } catch (err) {
      const { message, retryInMs: delay } = afterFailure(err, step.attempts);
      if (delay !== undefined) {
        if (await settle(step, { status: 'pending', error: message, nextRunAt: clock() + delay, leaseOwner: null, leaseExpiresAt: null })) observe('retry');
        log.warn('step will retry', { error: message, inMs: delay });
      } else {
        const final = isTransient(err) ? `${message} (gave up after ${step.attempts} attempts)` : message;
        if (await settle(step, { status: 'failed', error: final, finishedAt: clock(), leaseOwner: null, leaseExpiresAt: null })) {
          log.error('step failed', { error: final });
          observe('failed');
          await reportFailure(ctx, final, log);
        }
      }
    } finally {
      heartbeat.stop();
    }
    await refreshRequestStatus(step.requestId);
  }

  /** Writes a delivery's or a note's new state only while this worker still holds its lease (fencing). */
  function fencedUpdate<T extends typeof webhookDeliveries | typeof ticketNotes>(table: T, id: number) {
    return async (values: Partial<T['$inferInsert']>): Promise<void> => {
      // Both tables have id, status and lease_owner; Drizzle builds the statement from the table given.
      const leased = table as typeof webhookDeliveries;
      await writeTurn(() =>
        db
          .update(leased)
          .set(values as Partial<typeof webhookDeliveries.$inferInsert>)
          .where(and(eq(leased.id, id), eq(leased.status, 'running'), eq(leased.leaseOwner, options.workerId))),
      );
    };
  }

  async function runDelivery(delivery: DeliveryRow): Promise<void> {
    const log = deps.log.child({ ticketId: delivery.ticketId ?? undefined, invocationId: delivery.invocationId });
    const fenced = fencedUpdate(webhookDeliveries, delivery.id);
    try {
      if (!deps.hooks.processDelivery) throw new PermanentError('No intake is configured');
      // Intake re-reads the ticket, so that read also answers every later delivery for the ticket
      // recorded before it began: a burst for one ticket is one read. Those recorded after it
      // stay pending and get a read of their own.
      const waitingUpTo = await lastWaitingFor(delivery);
      await deps.hooks.processDelivery(delivery, log);
      await settleDone(delivery, waitingUpTo);
    } catch (err) {
      const { message, retryInMs: delay } = afterFailure(err, delivery.attempts);
      if (delay !== undefined) {
        await fenced({ status: 'pending', error: message, nextRunAt: clock() + delay, leaseOwner: null, leaseExpiresAt: null });
        log.warn('delivery will retry', { error: message, inMs: delay });
        deps.observer?.deliveryProcessed('retry');
      } else {
        // Before it is marked failed: a crash in between leaves it running, retried, then here again.
        await reopenCoalesced(delivery);
        await fenced({ status: 'failed', error: message, processedAt: clock(), leaseOwner: null, leaseExpiresAt: null });
        log.error('delivery failed', { error: message });
        deps.observer?.deliveryProcessed('failed');
      }
    }
  }

  /**
   * Posts a note the ticket is owed. Transient failures back off and retry, like a delivery; a
   * note that gives up (permanent error, or ORC_STEP_MAX_ATTEMPTS spent) stays `failed` with
   * its error, logged, and holds the ticket's later notes back no more.
   */
  async function runNote(note: NoteRow): Promise<void> {
    const log = deps.log.child({ requestId: note.requestId ?? undefined, ticketId: note.ticketId, note: note.marker });
    const fenced = fencedUpdate(ticketNotes, note.id);
    try {
      if (!deps.hooks.postNote) throw new PermanentError('No help desk is configured to post ticket notes');
      await deps.hooks.postNote(note);
      await fenced({ status: 'done', error: null, postedAt: clock(), leaseOwner: null, leaseExpiresAt: null });
      deps.observer?.noteSettled('posted');
    } catch (err) {
      const { message, retryInMs: delay } = afterFailure(err, note.attempts);
      if (delay !== undefined) {
        await fenced({ status: 'pending', error: message, nextRunAt: clock() + delay, leaseOwner: null, leaseExpiresAt: null });
        log.warn('ticket note will retry', { error: message, inMs: delay });
        deps.observer?.noteSettled('retry');
      } else {
        await fenced({ status: 'failed', error: message, leaseOwner: null, leaseExpiresAt: null });
        log.error('ticket note not posted', { error: message, attempts: note.attempts });
        deps.observer?.noteSettled('failed');
      }
    }
  }

  /**
   * Intake records a delivery done when an earlier one of its ticket is pending, whose read will
   * answer it (webhooks/delivery-recorder.ts). When that one gives up, the newest of those goes
   * back to pending, so the ticket's last change still gets a read of its own; unless a later
   * delivery of the ticket is waiting anyway. Only done rows later than this one with no attempt
   * can be those: none of the ticket's later deliveries is claimed while this one is unsettled.
   * A rare path: it walks the rows recorded since this one by id (the partial indexes hold none
   * of the done ones).
   */
  async function reopenCoalesced(delivery: DeliveryRow): Promise<void> {
    const ticketId = delivery.ticketId;
    if (ticketId === null) return;
    const waiting = alias(webhookDeliveries, 'waiting');
    const newest = db
      .select({ id: max(webhookDeliveries.id) })
      .from(webhookDeliveries)
      .where(and(gt(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.ticketId, ticketId), eq(webhookDeliveries.status, 'done'), eq(webhookDeliveries.attempts, 0)));
    const rows = await writeTurn(() =>
      db
        .update(webhookDeliveries)
        .set({ status: 'pending', nextRunAt: clock(), processedAt: null })
        .where(
          and(
            eq(webhookDeliveries.id, sql`(${newest})`),
            notExists(db.select({ one: sql`1` }).from(waiting).where(and(eq(waiting.ticketId, ticketId), deliveryLive(waiting.status), gt(waiting.id, delivery.id)))),
          ),
        )
        .returning({ id: webhookDeliveries.id }),
    );
    if (rows.length > 0) deps.log.info('a delivery this one was to answer is pending again', { ticketId, deliveryId: rows[0]!.id });
  }

  /** The newest delivery for this delivery's ticket waiting behind it, if any. */
  async function lastWaitingFor(delivery: DeliveryRow): Promise<number | undefined> {
    if (delivery.ticketId === null) return undefined;
    const [row] = await deliveryQueries(db).lastWaiting.all({ ticketId: delivery.ticketId, id: delivery.id });
    return row?.last ?? undefined;
  }

  /**
   * Marks the delivery done (fenced by its lease) and, in the same statement, the later ones
   * of its ticket the finished read answered (up to `upTo`, still pending). One write: the
   * engine's commits wait on the webhook writer's lock. A crash before it leaves them all
   * pending: each is then processed with a read of its own (intake is idempotent).
   */
  async function settleDone(delivery: DeliveryRow, upTo: number | undefined): Promise<void> {
    const queries = deliveryQueries(db);
    const own = { id: delivery.id, workerId: options.workerId };
    const report = (rows: { id: number }[]) => rows.forEach(({ id }) => deps.observer?.deliveryProcessed(id === delivery.id ? 'done' : 'coalesced'));
    const markDone = (query: typeof queries.doneOwn, values: Record<string, unknown>) => writeTurn(async () => await query.all({ ...values, now: clock() }));
    if (delivery.ticketId === null || upTo === undefined) {
      report(await markDone(queries.doneOwn, own));
      return;
    }
    const covered = { ticketId: delivery.ticketId, upTo };
    const chunk = options.settleChunkRows;
    if (chunk === undefined) {
      report(await markDone(queries.doneOwnAndCovered, { ...own, ...covered, after: delivery.id }));
      return;
    }
    // The covered ones a chunk at a time, its own row last: until then its ticket's later deliveries stay unclaimable.
    for (let after = delivery.id; ; ) {
      const rows = await markDone(queries.doneCoveredChunk, { ...covered, after, chunk });
      report(rows);
      if (rows.length < chunk) break;
      after = Math.max(...rows.map((r) => r.id));
    }
    report(await markDone(queries.doneOwn, own));
  }

  /** One turn for the three claims: an idle engine's look costs the writer one gap, not three. */
  function claim(): Promise<ClaimedWork | undefined> {
    return writeTurn(async () => {
      const now = clock();
      const delivery = await claimDelivery(db, now, options.workerId, options.leaseMs);
      if (delivery) return { kind: 'delivery', row: delivery } as const;
      // Notes before steps: an agent's action is on the ticket before the work it started reports.
      const note = deps.hooks.postNote ? await claimNote(db, now, options.workerId, options.leaseMs) : undefined;
      if (note) return { kind: 'note', row: note } as const;
      const step = await claimStep(db, now, options.workerId, options.leaseMs);
      return step ? ({ kind: 'step', row: step } as const) : undefined;
    });
  }

  const run = (work: ClaimedWork) => (work.kind === 'delivery' ? runDelivery(work.row) : work.kind === 'note' ? runNote(work.row) : runStep(work.row));

  async function runOne(): Promise<boolean> {
    const work = await claim();
    if (work) await run(work);
    return work !== undefined;
  }

  return {
    claim,
    run,
    runOne,
    async runDue(limit = Number.POSITIVE_INFINITY) {
      let ran = 0;
      while (ran < limit && (await runOne())) ran++;
      return ran;
    },
    nextDueAt: () => nextDueAt(db, { notes: deps.hooks.postNote !== undefined }),
    refreshRequestStatus,
    recoverStatuses,
  };
}

/**
 * The statements every delivery runs, prepared once per connection (db/per-db.ts): the newest
 * delivery waiting behind one, and settling it done with those its read answered.
 */
const deliveryQueries = perDb((db) => {
  const p = (name: string) => sql.placeholder(name);
  const d = webhookDeliveries;
  const own = and(eq(d.id, p('id')), eq(d.status, 'running'), eq(d.leaseOwner, p('workerId')));
  /** The ticket's pending deliveries after `after`, up to `upTo`. */
  const covered = and(eq(d.ticketId, p('ticketId')), deliveryLive(d.status), eq(d.status, 'pending'), gt(d.id, p('after')), lte(d.id, p('upTo')));
  const markDone = (where: SQL | undefined) =>
    db
      .update(d)
      .set({ status: 'done', error: null, processedAt: sql`${p('now')}`, leaseOwner: null, leaseExpiresAt: null })
      .where(where)
      .returning({ id: d.id })
      .prepare();
  return {
    lastWaiting: db
      .select({ last: max(d.id) })
      .from(d)
      .where(and(eq(d.ticketId, p('ticketId')), deliveryLive(d.status), eq(d.status, 'pending'), gt(d.id, p('id'))))
      .prepare(),
    doneOwn: markDone(own),
    doneOwnAndCovered: markDone(or(own, covered)),
    doneCoveredChunk: markDone(inArray(d.id, db.select({ id: d.id }).from(d).where(covered).orderBy(d.id).limit(p('chunk')))),
  };
});

/** Steps of a request in plan order. */
export function stepsOf(db: Db, requestId: number): Promise<StepRow[]> {
  return db.select().from(steps).where(eq(steps.requestId, requestId)).orderBy(asc(steps.position));
}
