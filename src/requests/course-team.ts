import { and, desc, eq, ne, or, sql } from 'drizzle-orm';
import { requests } from '../db/schema';
import type { Db } from '../db/types';
import type { GithubClient } from '../integrations/github/client';
import { planOf, type Plan, type TeamSource } from '../workflows/plan';
import type { CourseRequestFields, Problem } from './draft';

/**
 * The course team of a publish or rerun whose form lists nobody: carried forward from the
 * course's latest completed request (our records), else read from the course's GitHub team.
 * A team on the form always wins; a team found nowhere is a problem for the requester, so no
 * step ever runs with an empty team.
 */

export interface CourseTeamDeps {
  db: Db;
  github: Pick<GithubClient, 'teamMembers'>;
  timeZone: string;
}

export interface CarriedTeam {
  members: string[];
  source: TeamSource;
}

/** A day as YYYY-MM-DD where the course team is (en-CA formats dates that way). */
const dayIn = (ms: number, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);

/** How far back a course's completed requests are read for its team: team changes since its last full team. */
const HISTORY = 50;

/**
 * The team of this course number's completed requests, other than `requestId`: the latest one
 * that named a whole team, with every later team change applied in turn (a team change names
 * only whom it adds and removes). The source is the latest request that shaped it.
 */
async function teamOfLatestRequest(deps: CourseTeamDeps, courseNumber: string, requestId: number | undefined): Promise<CarriedTeam | undefined> {
  const rows = await deps.db
    .select()
    .from(requests)
    .where(
      and(
        sql`lower(${requests.courseNumber}) = ${courseNumber.toLowerCase()}`,
        eq(requests.status, 'completed'),
        // JSON1 is in SQLite and D1 alike; plans recorded without members are passed over.
        or(eq(requests.type, 'team'), sql`json_array_length(${requests.plan}, '$.members') > 0`),
        requestId === undefined ? undefined : ne(requests.id, requestId),
      ),
    )
    .orderBy(desc(requests.completedAt), desc(requests.id))
    .limit(HISTORY);
  const base = rows.findIndex((row) => row.type !== 'team' && (planOf(row)?.members.length ?? 0) > 0);
  if (base === -1) return undefined;
  let members = planOf(rows[base]!)!.members;
  for (const change of rows.slice(0, base).reverse()) {
    const plan = planOf(change);
    if (!plan) continue;
    const removed = new Set((plan.remove ?? []).map((m) => m.toLowerCase()));
    const kept = members.filter((m) => !removed.has(m.toLowerCase()));
    members = [...kept, ...plan.members.filter((m) => !kept.some((k) => k.toLowerCase() === m.toLowerCase()))];
  }
  const latest = rows[0]!;
  return members.length === 0
    ? undefined
    : { members, source: { from: 'request', requestId: latest.id, ticketId: latest.ticketId, completedOn: dayIn(latest.completedAt ?? latest.updatedAt, deps.timeZone) } };
}

/**
 * The GitHub team that holds the course: the one the form names, else the one named after the
 * repository the course lives in now (a rerun's old term, a publish's term), as new course and
 * rerun flows name it.
 */
const githubTeamName = (fields: CourseRequestFields, plan: Plan) => fields.team || (fields.type === 'rerun' ? plan.sourceRepo! : plan.repo);

/** The team to use when the form lists nobody; undefined when nothing needs carrying or none is found. */
export async function carriedTeam(deps: CourseTeamDeps, fields: CourseRequestFields, plan: Plan, requestId: number | undefined): Promise<CarriedTeam | undefined> {
  if (fields.type === 'new' || fields.type === 'team' || plan.members.length > 0) return undefined;
  const recorded = await teamOfLatestRequest(deps, fields.courseNumber, requestId);
  if (recorded) return recorded;
  const name = githubTeamName(fields, plan);
  const team = await deps.github.teamMembers(plan.org, name);
  if (!team || team.members.length === 0) return undefined;
  return { members: team.members, source: { from: 'github', team: `${plan.org}/${team.name}` } };
}

/** The refusal when no team was given or found: names the field and says to list the members. */
export function emptyTeamProblem(fields: CourseRequestFields, plan: Plan): Problem {
  return {
    field: 'teamMembers',
    message: `is required: we have no completed request for ${fields.courseNumber} with a team, and the GitHub team ${plan.org}/${githubTeamName(fields, plan)} does not exist or has no members; list the course team's GitHub usernames, separated by commas`,
  };
}
