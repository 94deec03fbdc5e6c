import { sql, type SQL } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { COURSE_KINDS, REQUEST_TYPES } from './request-types';

/**
 * One schema for Node (better-sqlite3) and Workers (D1). Times are epoch milliseconds
 * (integers), so claims and timers compare numbers in SQL on both runtimes.
 */

export { REQUEST_TYPES, type RequestType, COURSE_KINDS, type CourseKind } from './request-types';

export const REQUEST_STATUSES = [
  'waiting_on_requester',
  'pending_approval',
  'scheduled',
  'in_progress',
  'waiting_on_agent',
  'completed',
  'failed',
  'rejected',
  'cancelled',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
/** A request in one of these has ended: nothing of it runs or changes any more. */
export const FINISHED_STATUSES: RequestStatus[] = ['completed', 'rejected', 'cancelled'];
export const isFinished = (status: RequestStatus) => FINISHED_STATUSES.includes(status);

export const STEP_KINDS = ['auto', 'manual'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export const STEP_STATUSES = ['pending', 'running', 'waiting', 'done', 'skipped', 'failed', 'cancelled'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export const DELIVERY_STATUSES = ['pending', 'running', 'done', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

// ---- The original design's ERD --------------------------------------------------------------

export const courses = sqliteTable(
  'courses',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** e.g. "8.01r"; unique ignoring case. */
    courseNumber: text('course_number').notNull(),
    title: text('title').notNull(),
    kind: text('kind', { enum: COURSE_KINDS }).notNull(),
    description: text('description'),
    instructor: text('instructor'),
    weeks: integer('weeks'),
    evaluationCriteria: text('evaluation_criteria'),
    preexistingResources: text('preexisting_resources'),
    initialRepo: text('initial_repo'),
    firstTerm: text('first_term'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('courses_number_unique').on(sql`lower(${t.courseNumber})`)],
);

// The ERD's team_members table is gone (migration drop_team_members): it was written, never read.
// A course's team has one source, its requests (src/requests/course-team.ts).

export const terms = sqliteTable('terms', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** e.g. "2027_Spring": the form used in repo names and course keys. */
  name: text('name').notNull().unique(),
  year: integer('year').notNull(),
  season: text('season').notNull(),
});

export const runs = sqliteTable(
  'runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    courseId: integer('course_id')
      .notNull()
      .references(() => courses.id),
    termId: integer('term_id')
      .notNull()
      .references(() => terms.id),
    /** "org/name" of the course's git repository. */
    gitRepo: text('git_repo'),
    courseKey: text('course_key').notNull(),
    stagingHook: integer('staging_hook', { mode: 'boolean' }).notNull().default(false),
    productionHook: integer('production_hook', { mode: 'boolean' }).notNull().default(false),
    liveBranch: integer('live_branch', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('runs_course_key_unique').on(sql`lower(${t.courseKey})`)],
);

export const requests = sqliteTable(
  'requests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The Zendesk ticket this request lives on; null for CLI requests without Zendesk. */
    ticketId: integer('ticket_id').unique(),
    type: text('type', { enum: REQUEST_TYPES }).notNull(),
    kind: text('kind', { enum: COURSE_KINDS }),
    status: text('status', { enum: REQUEST_STATUSES }).notNull(),
    courseId: integer('course_id').references(() => courses.id),
    courseNumber: text('course_number'),
    term: text('term'),
    newTerm: text('new_term'),
    courseKey: text('course_key'),
    /** "org/name" of the repo the request works on (the new one for new/rerun). */
    repo: text('repo'),
    /** The request's fields as read from the ticket or CLI (JSON). */
    params: text('params', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    /** Validation problems from intake (JSON list), empty when valid. */
    problems: text('problems', { mode: 'json' }).$type<{ field: string; message: string }[]>().notNull().default([]),
    /** Branch decisions made once when the plan was materialised (JSON). */
    plan: text('plan', { mode: 'json' }).$type<Record<string, unknown>>(),
    requester: text('requester'),
    desiredCompletion: text('desired_completion'),
    /** When the work may start (epoch ms); null means as soon as approved. */
    startAt: integer('start_at'),
    decision: text('decision', { enum: ['approved', 'rejected'] }),
    decidedBy: text('decided_by'),
    decidedAt: integer('decided_at'),
    reason: text('reason'),
    requestedAt: integer('requested_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    completedAt: integer('completed_at'),
  },
  (t) => [
    index('requests_status').on(t.status, t.startAt),
    // Recovery finds the decisions of its window whose audit event a crash lost (action-recovery.ts).
    index('requests_decided').on(t.decidedAt),
  ],
);

// ---- Execution ------------------------------------------------------------------------------

export const steps = sqliteTable(
  'steps',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    requestId: integer('request_id')
      .notNull()
      .references(() => requests.id),
    /** Stable name within the workflow, e.g. "create-repo". */
    key: text('key').notNull(),
    position: integer('position').notNull(),
    title: text('title').notNull(),
    kind: text('kind', { enum: STEP_KINDS }).notNull(),
    status: text('status', { enum: STEP_STATUSES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextRunAt: integer('next_run_at').notNull().default(0),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: integer('lease_expires_at'),
    /** What the step produced (JSON), memoised so a resumed step does not redo its work. */
    result: text('result', { mode: 'json' }).$type<unknown>(),
    /** Set once the step's outcome has been reported (e.g. ticket note), so it is never reported twice. */
    reported: integer('reported', { mode: 'boolean' }).notNull().default(false),
    error: text('error'),
    completedBy: text('completed_by'),
    note: text('note'),
    startedAt: integer('started_at'),
    finishedAt: integer('finished_at'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('steps_request_key').on(t.requestId, t.key),
    index('steps_due').on(t.status, t.nextRunAt),
    index('steps_request_position').on(t.requestId, t.position),
    // Recovery finds the steps agents finished in its window whose audit event a crash lost (action-recovery.ts).
    index('steps_finished').on(t.finishedAt),
  ],
);

export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    invocationId: text('invocation_id').notNull().unique(),
    webhookId: text('webhook_id'),
    ticketId: integer('ticket_id'),
    event: text('event'),
    body: text('body').notNull(),
    receivedAt: integer('received_at').notNull(),
    status: text('status', { enum: DELIVERY_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextRunAt: integer('next_run_at').notNull().default(0),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: integer('lease_expires_at'),
    error: text('error'),
    processedAt: integer('processed_at'),
  },
  // Partial: they hold the backlog (pending and running rows), not the history. A delivery
  // settled leaves them instead of moving within them, and each stays as small as the backlog,
  // so intake's insert and the engine's settle touch fewer and hotter pages (30-35% less time
  // per row, measured with 200 tickets). A query uses them only if its WHERE has the same
  // literal term: deliveryLive().
  (t) => [
    index('webhook_deliveries_due').on(t.status, t.nextRunAt).where(deliveryLive(t.status)),
    // The claim's "no earlier unfinished delivery of this ticket" check, on a large backlog.
    index('webhook_deliveries_ticket').on(t.ticketId, t.status).where(deliveryLive(t.status)),
    // The claim walks pending deliveries oldest first and stops at the first claimable one.
    index('webhook_deliveries_queue').on(t.status, t.id).where(deliveryLive(t.status)),
  ],
);

/**
 * A delivery is pending or running: the webhook_deliveries indexes' condition, written as a
 * literal (a bound parameter would not let SQLite match the partial indexes).
 */
export function deliveryLive(status: AnySQLiteColumn): SQL {
  return sql`${status} in ('pending', 'running')`;
}

/** Append-only audit log: who did what, when. */
export const events = sqliteTable(
  'events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    requestId: integer('request_id').references(() => requests.id),
    ticketId: integer('ticket_id'),
    /** "agent:<zendesk user id>", "system", "cli", "requester". */
    actor: text('actor').notNull(),
    actorName: text('actor_name'),
    action: text('action').notNull(),
    detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>(),
    at: integer('at').notNull(),
  },
  (t) => [
    index('events_request').on(t.requestId, t.at),
    // The Worker's cron recovery finds the first event of its window by time (then walks ids from there).
    index('events_at').on(t.at),
    // One event per decision and per step an agent finished (the row's time is the event's), so
    // the action and a recovery that rebuilds its event from the row never both record it.
    uniqueIndex('events_action_once')
      .on(t.requestId, t.action, t.at, sql`coalesce(json_extract(${t.detail}, '$.step'), '')`)
      .where(sql`${t.action} in ('approved', 'rejected', 'step_completed', 'step_finished_by_hand', 'step_skipped')`),
  ],
);

/** Zendesk objects made by `orcoursetrion zendesk setup`, found again by key. */
export const zendeskObjects = sqliteTable('zendesk_objects', {
  /** Stable key, e.g. "field:course_number", "form", "macro:approve", "webhook", "trigger:created". */
  key: text('key').primaryKey(),
  kind: text('kind').notNull(),
  zendeskId: text('zendesk_id').notNull(),
  title: text('title').notNull(),
  /** Webhook signing secret read back from Zendesk (webhook row only). */
  secret: text('secret'),
  updatedAt: integer('updated_at').notNull(),
});

export type CourseRow = typeof courses.$inferSelect;
export type RunRow = typeof runs.$inferSelect;
export type RequestRow = typeof requests.$inferSelect;
export type StepRow = typeof steps.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type EventRow = typeof events.$inferSelect;
export type ZendeskObjectRow = typeof zendeskObjects.$inferSelect;

/** Sandbox mode only: the simulated systems' state as JSON, so a restarted sandbox continues where it was. */
export const sandboxState = sqliteTable('sandbox_state', {
  /** "github", "zendesk", "edx", or "endpoints" (where the running sandbox's simulators listen). */
  key: text('key').primaryKey(),
  data: text('data').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** `dismissed`: a failed note an agent chose not to post (the ticket is closed, say); kept for the record. */
export const NOTE_STATUSES = ['pending', 'running', 'done', 'failed', 'dismissed'] as const;
export type NoteStatus = (typeof NOTE_STATUSES)[number];

/**
 * The ticket's outbox: comments the service owes a ticket, written to the database by the code
 * that decided them (an agent's action, intake, a failed step) and posted by the engine, retried
 * with backoff. A crash between the decision and the post loses nothing; the marker (unique here,
 * and searched for on the ticket before posting) keeps a repeat from posting twice.
 */
export const ticketNotes = sqliteTable(
  'ticket_notes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    requestId: integer('request_id').references(() => requests.id),
    ticketId: integer('ticket_id').notNull(),
    /** The audit event this note tells (an agent's action), so a crash before the note is written is repaired from the event. */
    eventId: integer('event_id')
      .unique()
      .references(() => events.id),
    marker: text('marker').notNull().unique(),
    html: text('html').notNull(),
    public: integer('public', { mode: 'boolean' }).notNull().default(false),
    /** Ticket status to set with the comment (Zendesk's new/open/pending/hold/solved). */
    ticketStatus: text('ticket_status'),
    status: text('status', { enum: NOTE_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextRunAt: integer('next_run_at').notNull().default(0),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: integer('lease_expires_at'),
    error: text('error'),
    createdAt: integer('created_at').notNull(),
    postedAt: integer('posted_at'),
  },
  (t) => [
    index('ticket_notes_due').on(t.status, t.nextRunAt),
    // The claim's "no earlier unposted note of this ticket" check: a ticket's notes keep their order.
    index('ticket_notes_ticket').on(t.ticketId, t.status),
  ],
);
export type NoteRow = typeof ticketNotes.$inferSelect;
