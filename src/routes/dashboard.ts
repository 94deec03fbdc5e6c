import { and, asc, count, eq, gte, isNotNull, notInArray, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { AgentDirectory } from '../auth/agent-directory';
import { sidebarAuth, type AuthVariables } from '../auth/sidebar-jwt';
import { requests, steps } from '../db/schema';
import type { Db } from '../db/types';
import type { Clock } from '../engine/types';
import { isOverdue } from '../requests/views';

export interface DashboardDeps {
  db: Db;
  clock: Clock;
  sharedSecret: string;
  /** Who a token's `sub` is (the Zendesk user, looked up), for the audit log. */
  agents: AgentDirectory;
  /** ORC_TIMEZONE: desired completion dates are days there. */
  timeZone: string;
}

const WEEK_MS = 7 * 24 * 3600_000;
/** Weeks of history in the completed-per-week chart. */
const WEEKS = 8;

/** Monday 00:00 UTC of the week holding `ms`. */
function weekStart(ms: number): number {
  const d = new Date(ms);
  d.setUTCHours(0, 0, 0, 0);
  return d.getTime() - ((d.getUTCDay() + 6) % 7) * 24 * 3600_000;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Each open request's current step: its first step (by position) not done or skipped. Requests
 * not yet approved have no step rows, hence none. CROSS JOIN makes SQLite walk the open requests
 * and find each one's step by (request_id, position); as an inner join it walked every step and
 * ran the subquery for each (8 ms against 2 ms with 400 requests of 15 steps, a dashboard poll
 * on the HTTP server's event loop).
 */
function currentSteps(db: Db) {
  const firstOpenPosition = sql`(SELECT min(s2.position) FROM steps s2 WHERE s2.request_id = ${requests.id} AND s2.status NOT IN ('done', 'skipped'))`;
  return db
    .select({ requestId: steps.requestId, key: steps.key, title: steps.title, status: steps.status, attempts: steps.attempts })
    .from(requests)
    .crossJoin(steps)
    .where(and(notInArray(requests.status, ['completed', 'rejected']), eq(steps.requestId, requests.id), eq(steps.position, firstOpenPosition)));
}

/**
 * The nav-bar dashboard's aggregates, in one call: counts by state and type, failed steps,
 * open requests, and throughput (completed per week, median time to completion). Same token
 * as the sidebar API. Mount at /api/dashboard.
 */
export function dashboardRoutes(deps: DashboardDeps) {
  const app = new Hono<{ Variables: AuthVariables }>();
  app.use('*', sidebarAuth(deps.sharedSecret, deps.agents));
  app.get('/', async (c) => {
    const now = deps.clock();
    const since = weekStart(now) - (WEEKS - 1) * WEEK_MS;
    const [counts, failed, open, completed, current] = await Promise.all([
      deps.db.select({ status: requests.status, type: requests.type, count: count() }).from(requests).groupBy(requests.status, requests.type),
      deps.db
        .select({ requestId: requests.id, ticketId: requests.ticketId, type: requests.type, courseNumber: requests.courseNumber, stepKey: steps.key, stepTitle: steps.title, error: steps.error, attempts: steps.attempts })
        .from(steps)
        .innerJoin(requests, eq(requests.id, steps.requestId))
        .where(eq(steps.status, 'failed'))
        .orderBy(asc(steps.updatedAt))
        .limit(100),
      deps.db.select().from(requests).where(notInArray(requests.status, ['completed', 'rejected', 'cancelled'])).orderBy(asc(requests.requestedAt)).limit(200),
      deps.db
        .select({ requestedAt: requests.requestedAt, completedAt: requests.completedAt })
        .from(requests)
        .where(and(eq(requests.status, 'completed'), isNotNull(requests.completedAt), gte(requests.completedAt, since))),
      currentSteps(deps.db),
    ]);
    const stepOf = new Map(current.map((s) => [s.requestId, s]));
    const perWeek = Array.from({ length: WEEKS }, (_, i) => ({ start: since + i * WEEK_MS, count: 0 }));
    for (const r of completed) {
      const week = perWeek.find((w) => w.start === weekStart(r.completedAt!));
      if (week) week.count++;
    }
    const hours = median(completed.map((r) => (r.completedAt! - r.requestedAt) / 3600_000));
    return c.json({
      generatedAt: new Date(now).toISOString(),
      counts,
      attention: failed,
      open: open.map((r) => {
        const step = stepOf.get(r.id);
        return {
          requestId: r.id,
          ticketId: r.ticketId,
          type: r.type,
          status: r.status,
          courseNumber: r.courseNumber,
          courseTitle: typeof r.params.courseTitle === 'string' ? r.params.courseTitle : null,
          term: r.term,
          requestedAt: new Date(r.requestedAt).toISOString(),
          overdue: isOverdue(r, now, deps.timeZone),
          currentStep: step ? { key: step.key, title: step.title, status: step.status, attempts: step.attempts } : null,
        };
      }),
      completedPerWeek: perWeek.map((w) => ({ weekStart: new Date(w.start).toISOString().slice(0, 10), count: w.count })),
      medianCompletionHours: hours === null ? null : Math.round(hours * 10) / 10,
    });
  });
  return app;
}
