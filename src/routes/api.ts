import { desc, eq, inArray } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { REQUEST_STATUSES, requests, type RequestRow } from '../db/schema';
import { stepsOf } from '../engine/engine';
import { instructionsOf } from '../engine/instructions-of';
import { AppError, notFound } from '../errors';
import { approveRequest, cancelRequest, completeStep, getRequest, rejectRequest, rescheduleRequest, retryNotes, dismissNotes, retryStep, skipStep, type RequestDeps } from '../requests/actions';
import { failedNotesOf } from '../story/failed-notes';
import { bulkBodySchema, runBulk } from '../requests/bulk';
import type { Logger } from '../log';
import { startOfDay } from '../requests/dates';
import type { Problem } from '../requests/draft';
import type { CourseCheck } from '../requests/quality-check';
import { eventsOf } from '../requests/events';
import { eventView, plannedStepView, requestView, stepView } from '../requests/views';
import type { AgentDirectory } from '../auth/agent-directory';
import { sidebarAuth, type AuthVariables } from '../auth/sidebar-jwt';
import { parseId, parseJsonBody } from './http-errors';

export interface ApiDeps extends RequestDeps {
  sharedSecret: string;
  /** Who a token's `sub` is (the Zendesk user, looked up), for the audit log. */
  agents: AgentDirectory;
  /** Every rule intake applies (shape, GitHub, edX, database), for a draft from the form. */
  validateDraft(draft: unknown): Promise<Problem[]>;
  log: Logger;
  /** The course quality check of a request's repository, on demand (src/olx). */
  checkCourse(request: RequestRow): Promise<CourseCheck>;
}

const noteBody = z.object({ note: z.string().max(5000, { message: 'must be at most 5000 characters' }).optional() });
const reasonBody = z.object({ reason: z.string().max(5000, { message: 'must be at most 5000 characters' }).optional() });
const rescheduleBody = z.object({
  startAt: z.string({ message: 'is required: an ISO date or time, e.g. 2027-02-01 or 2027-02-01T09:00:00Z' }).refine((v) => !Number.isNaN(Date.parse(v)), {
    message: 'must be an ISO date or time, e.g. 2027-02-01 or 2027-02-01T09:00:00Z',
  }),
  /** A start in the past means now: the caller says it knows (else 409 confirm_required). */
  confirm: z.boolean({ message: 'must be true or false' }).optional(),
});
const statusQuery = z
  .string()
  .optional()
  .transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []))
  .pipe(z.array(z.enum(REQUEST_STATUSES, { message: `must be a comma list of ${REQUEST_STATUSES.join(', ')}` })));

/** The sidebar API: every route needs the HS256 token Zendesk's proxy mints from the shared secret. */
export function apiRoutes(deps: ApiDeps) {
  const app = new Hono<{ Variables: AuthVariables }>();
  app.use('*', sidebarAuth(deps.sharedSecret, deps.agents));

  async function detail(request: RequestRow) {
    const now = deps.clock();
    const defs = deps.workflows(request);
    const rows = await stepsOf(deps.db, request.id);
    const steps =
      rows.length > 0
        ? rows.map((s) => stepView(s, instructionsOf(defs.find((d) => d.key === s.key), request, s)))
        : defs.map((d) => plannedStepView(d, request));
    const events = (await eventsOf(deps.db, request.id)).map(eventView);
    const failedNotes = (await failedNotesOf(deps.db, request.ticketId)) ?? null;
    return { request: requestView(request, now, deps.timeZone), planned: rows.length === 0, steps, events, failedNotes };
  }
  const detailOf = async (id: number) => detail(await getRequest(deps.db, id));

  app.get('/tickets/:ticketId', async (c) => {
    const ticketId = parseId(c.req.param('ticketId'), 'ticketId');
    const [request] = await deps.db.select().from(requests).where(eq(requests.ticketId, ticketId));
    if (!request) throw notFound(`A course request for ticket ${ticketId}`);
    return c.json(await detail(request));
  });

  app.get('/requests', async (c) => {
    const parsed = statusQuery.safeParse(c.req.query('status'));
    if (!parsed.success) throw new AppError(400, 'invalid_query', `status: ${parsed.error.issues[0]?.message}`, { field: 'status' });
    const rows = await deps.db
      .select()
      .from(requests)
      .where(parsed.data.length > 0 ? inArray(requests.status, parsed.data) : undefined)
      .orderBy(desc(requests.updatedAt))
      .limit(1000);
    const now = deps.clock();
    return c.json({ requests: rows.map((r) => requestView(r, now, deps.timeZone)) });
  });

  app.post('/requests/bulk', async (c) => {
    const body = await parseJsonBody(c, bulkBodySchema);
    return c.json({ results: await runBulk(deps, body, c.get('actor')) });
  });

  app.get('/requests/:id', async (c) => c.json(await detailOf(parseId(c.req.param('id'), 'id'))));

  app.post('/requests/:id/approve', async (c) => {
    const id = parseId(c.req.param('id'), 'id');
    await approveRequest(deps, id, c.get('actor'), 'sidebar');
    return c.json(await detailOf(id));
  });

  app.post('/requests/:id/reject', async (c) => {
    const id = parseId(c.req.param('id'), 'id');
    const { reason } = await parseJsonBody(c, reasonBody);
    await rejectRequest(deps, id, reason, c.get('actor'), 'sidebar');
    return c.json(await detailOf(id));
  });

  app.post('/requests/:id/cancel', async (c) => {
    const id = parseId(c.req.param('id'), 'id');
    const { reason } = await parseJsonBody(c, reasonBody);
    await cancelRequest(deps, id, reason, c.get('actor'), 'sidebar');
    return c.json(await detailOf(id));
  });

  app.post('/requests/:id/run-now', async (c) => {
    const id = parseId(c.req.param('id'), 'id');
    await rescheduleRequest(deps, id, null, c.get('actor'));
    return c.json(await detailOf(id));
  });

  app.post('/requests/:id/reschedule', async (c) => {
    const id = parseId(c.req.param('id'), 'id');
    const { startAt, confirm } = await parseJsonBody(c, rescheduleBody);
    // A bare day is that day's midnight where the course teams are, as a ticket's start date is.
    await rescheduleRequest(deps, id, startOfDay(startAt, deps.timeZone) ?? Date.parse(startAt), c.get('actor'), { confirmed: confirm === true });
    return c.json(await detailOf(id));
  });

  app.post('/requests/:id/steps/:key/complete', async (c) => {
    const id = parseId(c.req.param('id'), 'id');
    const { note } = await parseJsonBody(c, noteBody);
    await completeStep(deps, id, c.req.param('key'), note, c.get('actor'));
    return c.json(await detailOf(id));
  });

  app.post('/requests/:id/steps/:key/skip', async (c) => {
    const id = parseId(c.req.param('id'), 'id');
    const { note } = await parseJsonBody(c, noteBody);
    await skipStep(deps, id, c.req.param('key'), note, c.get('actor'));
    return c.json(await detailOf(id));
  });

  app.post('/requests/:id/steps/:key/retry', async (c) => {
    const id = parseId(c.req.param('id'), 'id');
    await retryStep(deps, id, c.req.param('key'), c.get('actor'));
    return c.json(await detailOf(id));
  });

  app.post('/requests/:id/notes/retry', async (c) => {
    const id = parseId(c.req.param('id'), 'id');
    await retryNotes(deps, id, c.get('actor'));
    return c.json(await detailOf(id));
  });

  app.post('/requests/:id/notes/dismiss', async (c) => {
    const id = parseId(c.req.param('id'), 'id');
    const { note } = await parseJsonBody(c, noteBody);
    await dismissNotes(deps, id, note, c.get('actor'));
    return c.json(await detailOf(id));
  });

  app.post('/requests/:id/check', async (c) => c.json(await deps.checkCourse(await getRequest(deps.db, parseId(c.req.param('id'), 'id')))));

  app.post('/validate', async (c) => {
    const draft = await parseJsonBody(c, z.record(z.string(), z.unknown(), { message: 'must be a JSON object with the request fields' }));
    const problems = await deps.validateDraft(draft);
    return c.json({ valid: problems.every((p) => p.warning), problems });
  });

  return app;
}
