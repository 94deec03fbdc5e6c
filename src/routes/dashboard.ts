import { and, asc, count, eq, gte, isNotNull, notInArray } from 'drizzle-orm';
import { Hono } from 'hono';
import { sidebarAuth, type AuthVariables } from '../auth/sidebar-jwt';
import { requests, steps } from '../db/schema';
import type { Db } from '../db/types';
import type { Clock } from '../engine/types';
import { isOverdue } from '../requests/views';

export interface DashboardDeps {
  db: Db;
  clock: Clock;
  sharedSecret: string;
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
 * The nav-bar dashboard's aggregates, in one call: counts by state and type, failed steps,
 * open requests, and throughput (completed per week, median time to completion). Same token
 * as the sidebar API. Mount at /api/dashboard.
 */
export function dashboardRoutes(deps: DashboardDeps) {
  const app = new Hono<{ Variables: AuthVariables }>();
  app.use('*', sidebarAuth(deps.sharedSecret));
  app.get('/', async (c) => {
    const now = deps.clock();
    const since = weekStart(now) - (WEEKS - 1) * WEEK_MS;
    const [counts, failed, open, completed] = await Promise.all([
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
    ]);
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
      open: open.map((r) => ({ requestId: r.id, ticketId: r.ticketId, type: r.type, status: r.status, courseNumber: r.courseNumber, term: r.term, overdue: isOverdue(r, now, deps.timeZone) })),
      completedPerWeek: perWeek.map((w) => ({ weekStart: new Date(w.start).toISOString().slice(0, 10), count: w.count })),
      medianCompletionHours: hours === null ? null : Math.round(hours * 10) / 10,
    });
  });
  return app;
}
