import type { Logger } from '../log';
import type { DeliveryRow, NoteRow, RequestRow, StepKind, StepRow } from '../db/schema';

export type Clock = () => number;

/** Text for a manual step: plain for the sidebar, HTML (every value escaped) for Zendesk. */
export interface Instructions {
  text: string;
  html: string;
  /** Destructive steps (e.g. delete a course) need an explicit confirmation note to complete. */
  destructive?: boolean;
}

export interface StepContext {
  request: RequestRow;
  step: StepRow;
  log: Logger;
  /** Extends this worker's lease; call it from long waits (e.g. polling an import). */
  heartbeat(): Promise<void>;
}

/**
 * One named step of a workflow, in the style of Inngest's `step.run(id, fn)`: the key is
 * stable, the result is memoised in the step row, and `run` must be idempotent because a
 * crash after its side effect but before the row is written makes it run again.
 */
export interface StepDefinition {
  key: string;
  title: string;
  kind: StepKind;
  /** Auto steps: do the work and return what to remember (JSON). */
  run?(ctx: StepContext): Promise<Record<string, unknown> | void>;
  /**
   * Manual steps: what the agent must do; `prepared` is what `prepare` found when the step
   * started (undefined before, as in a plan's preview).
   */
  instructions?(request: RequestRow, prepared?: Record<string, unknown>): Instructions;
  /**
   * Manual steps: facts the instructions need from outside (emails on the LMS), fetched once when
   * the step starts and memoised in the step row, so the instructions replay the same text.
   */
  prepare?(ctx: StepContext): Promise<Record<string, unknown>>;
  /** Recorded as skipped when the plan is made (e.g. a gitreload hook whose URL is not set), with this reason. */
  skipReason?: string;
}

/** Builds a request's step list. Must be a pure function of the request row (plan included). */
export type WorkflowResolver = (request: RequestRow) => StepDefinition[];

/**
 * What happens around steps that the engine itself does not know about (the ticket story).
 * Every hook must be idempotent: a crash between the hook and the row update repeats it.
 */
export interface EngineHooks {
  /** An auto step finished; its result is memoised before this is called. */
  stepDone?(ctx: StepContext, result: Record<string, unknown>): Promise<void>;
  /** A manual step is about to wait for an agent (post the instructions). */
  stepWaiting?(ctx: StepContext, instructions: Instructions | undefined): Promise<void>;
  /** A step failed for good (after retries, or a permanent error). Best effort. */
  stepFailed?(ctx: StepContext, error: string): Promise<void>;
  /**
   * Finishes what a crash left half written outside the step rows (a cancelled request whose
   * notification step was not recorded yet); returns how many requests it fixed. Run with
   * the engine's status recovery, when a driver starts and on the Worker's cron. `since`: look
   * only at what was recorded from then on (the cron's bounded window; a driver start looks at all).
   */
  recover?(options?: RecoverOptions): Promise<number>;
  /**
   * Posts a comment the ticket is owed (the outbox, `src/story/outbox.ts`); marker-guarded, so a
   * repeat after a lost answer posts nothing. Without it (no help desk) notes are not claimed.
   */
  postNote?(note: NoteRow): Promise<void>;
  /** A webhook delivery to process (ticket intake). */
  processDelivery?(delivery: DeliveryRow, log: Logger): Promise<void>;
}

export interface RecoverOptions {
  /** Epoch ms: only audit events recorded from then on are looked at (absent: all). */
  since?: number;
}

/** How a step or delivery run ended, for an observer. */
export type StepOutcome = 'done' | 'waiting' | 'retry' | 'failed';
/** coalesced: answered by the read of an earlier delivery for the same ticket. */
export type DeliveryOutcome = 'done' | 'retry' | 'failed' | 'coalesced';
export type NoteOutcome = 'posted' | 'retry' | 'failed';

/**
 * What operators count (metrics): told after each run settles. Synchronous and cheap; the
 * engine knows nothing of how it is recorded (prom-client on Node, nothing on Workers).
 */
export interface EngineObserver {
  stepSettled(step: { kind: StepKind; outcome: StepOutcome; ms: number }): void;
  deliveryProcessed(outcome: DeliveryOutcome): void;
  /** A ticket note's post ended: posted, to retry after a backoff, or given up (failed). */
  noteSettled(outcome: NoteOutcome): void;
}

export interface EngineOptions {
  /** Identifies this worker in leases. */
  workerId: string;
  leaseMs: number;
  maxAttempts: number;
  /** Backoff base and cap for transient failures. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Random source for jitter (tests pin it). */
  random?: () => number;
  /**
   * At most this many coalesced deliveries marked done in one write (default: all in one). The
   * Node engine thread sets it: each write is a turn of the lock webhook commits wait on.
   */
  settleChunkRows?: number;
}

/** The engine's options from the settings, the same for every runtime (Node, Workers, the CLI's batches). */
export function engineOptionsFrom(
  config: { ORC_LEASE_SECONDS: number; ORC_STEP_MAX_ATTEMPTS: number; ORC_RETRY_BASE_MS: number; ORC_RETRY_MAX_MS: number },
  workerId: string,
): EngineOptions {
  return {
    workerId,
    leaseMs: config.ORC_LEASE_SECONDS * 1000,
    maxAttempts: config.ORC_STEP_MAX_ATTEMPTS,
    backoffBaseMs: config.ORC_RETRY_BASE_MS,
    backoffMaxMs: config.ORC_RETRY_MAX_MS,
  };
}
