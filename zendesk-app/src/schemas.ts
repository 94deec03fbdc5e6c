import * as z from 'zod/mini';

/**
 * The service's answers as the app relies on them, checked when they arrive (zod/mini keeps
 * the bundle small). Only fields the UI reads are listed; extra fields pass unseen.
 */

const nullableString = z.nullable(z.string());

export const REQUEST_STATUSES = ['waiting_on_requester', 'pending_approval', 'scheduled', 'in_progress', 'waiting_on_agent', 'completed', 'failed', 'rejected', 'cancelled'] as const;
export const STEP_STATUSES = ['pending', 'running', 'waiting', 'done', 'skipped', 'failed', 'cancelled'] as const;
export const REQUEST_TYPES = ['new', 'publish', 'rerun', 'team'] as const;

/** `warning`: a finding that does not block (the course check's warnings). */
export const problemSchema = z.object({ field: z.string(), message: z.string(), warning: z.optional(z.boolean()) });
export type Problem = z.infer<typeof problemSchema>;

export const requestSchema = z.object({
  id: z.number(),
  ticketId: z.nullable(z.number()),
  type: z.enum(REQUEST_TYPES),
  kind: nullableString,
  status: z.enum(REQUEST_STATUSES),
  courseNumber: nullableString,
  courseTitle: nullableString,
  term: nullableString,
  newTerm: nullableString,
  courseKey: nullableString,
  repo: nullableString,
  requester: nullableString,
  problems: z.array(problemSchema),
  /** A team change's people (null for the other types; absent from an older service). */
  teamChange: z.optional(z.nullable(z.object({ add: z.array(z.string()), remove: z.array(z.string()) }))),
  desiredCompletion: nullableString,
  overdue: z.boolean(),
  startAt: nullableString,
  decision: nullableString,
  decidedBy: nullableString,
  reason: nullableString,
  requestedAt: z.string(),
  completedAt: nullableString,
});
export type CourseRequest = z.infer<typeof requestSchema>;

export const instructionsSchema = z.object({ text: z.string(), html: z.string(), destructive: z.optional(z.boolean()) });
export type Instructions = z.infer<typeof instructionsSchema>;

export const stepSchema = z.object({
  key: z.string(),
  title: z.string(),
  kind: z.enum(['auto', 'manual']),
  status: z.enum(STEP_STATUSES),
  attempts: z.optional(z.number()),
  error: z.optional(nullableString),
  instructions: z.nullable(instructionsSchema),
  completedBy: z.optional(nullableString),
  note: nullableString,
  nextRunAt: z.optional(nullableString),
  finishedAt: z.optional(nullableString),
});
export type Step = z.infer<typeof stepSchema>;

export const eventSchema = z.object({
  id: z.number(),
  actor: z.string(),
  actorName: nullableString,
  action: z.string(),
  detail: z.nullable(z.record(z.string(), z.unknown())),
  at: z.string(),
});
export type AuditEvent = z.infer<typeof eventSchema>;

/** Notes the service could not post to the ticket (absent from an older service). */
export const failedNotesSchema = z.object({
  count: z.number(),
  headline: z.string(),
  notes: z.array(z.object({ id: z.number(), firstLine: z.string(), public: z.boolean(), error: nullableString })),
});
export type FailedNotes = z.infer<typeof failedNotesSchema>;

export const detailSchema = z.object({
  request: requestSchema,
  planned: z.boolean(),
  steps: z.array(stepSchema),
  events: z.array(eventSchema),
  failedNotes: z.optional(z.nullable(failedNotesSchema)),
});
export type RequestDetail = z.infer<typeof detailSchema>;

export const validationSchema = z.object({ valid: z.boolean(), problems: z.array(problemSchema) });

/** POST /api/requests/:id/check: the course quality check of the request's repository. */
export const courseCheckSchema = z.object({
  repo: z.string(),
  branch: z.string(),
  blocking: z.boolean(),
  problems: z.array(z.object({ severity: z.enum(['blocking', 'warning']), file: z.string(), line: z.optional(z.number()), message: z.string(), fix: z.string() })),
});
export type CourseCheckResult = z.infer<typeof courseCheckSchema>;
export type Validation = z.infer<typeof validationSchema>;

export const dashboardSchema = z.object({
  generatedAt: z.string(),
  counts: z.array(z.object({ status: z.enum(REQUEST_STATUSES), type: z.enum(REQUEST_TYPES), count: z.number() })),
  attention: z.array(
    z.object({
      requestId: z.number(),
      ticketId: z.nullable(z.number()),
      type: z.enum(REQUEST_TYPES),
      courseNumber: nullableString,
      stepKey: z.string(),
      stepTitle: z.string(),
      error: nullableString,
      attempts: z.number(),
    }),
  ),
  open: z.array(
    z.object({
      requestId: z.number(),
      ticketId: z.nullable(z.number()),
      type: z.enum(REQUEST_TYPES),
      status: z.enum(REQUEST_STATUSES),
      courseNumber: nullableString,
      courseTitle: nullableString,
      term: nullableString,
      requestedAt: z.string(),
      overdue: z.boolean(),
      currentStep: z.nullable(z.object({ key: z.string(), title: z.string(), status: z.enum(STEP_STATUSES), attempts: z.number() })),
    }),
  ),
  completedPerWeek: z.array(z.object({ weekStart: z.string(), count: z.number() })),
  medianCompletionHours: z.nullable(z.number()),
});
export type Dashboard = z.infer<typeof dashboardSchema>;

export const BULK_ACTIONS = ['approve', 'reject', 'retry', 'run-now', 'cancel'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];
export const bulkResultsSchema = z.object({
  results: z.array(z.object({ id: z.number(), ok: z.boolean(), code: z.optional(z.string()), error: z.optional(z.string()) })),
});
export type BulkResults = z.infer<typeof bulkResultsSchema>;

/** The service's error body: `{ error: { code, message } }`. */
export const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** What Zendesk's proxy rejects `client.request` with (a jqXHR-like object). */
export const requestFailureSchema = z.object({ status: z.number(), responseText: z.optional(z.string()) });

export const userSchema = z.object({ id: z.union([z.number(), z.string()]), name: z.optional(z.string()), email: z.optional(z.string()) });
export type ZendeskUser = z.infer<typeof userSchema>;
