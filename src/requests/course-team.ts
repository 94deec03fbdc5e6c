import { and, desc, eq, ne, sql } from 'drizzle-orm';
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

/** The latest completed request of this course number with a team, other than `requestId`. */
async function teamOfLatestRequest(deps: CourseTeamDeps, courseNumber: string, requestId: number | undefined): Promise<CarriedTeam | undefined> {
  const [row] = await deps.db
    .select()
    .from(requests)
    .where(
      and(
        sql`lower(${requests.courseNumber}) = ${courseNumber.toLowerCase()}`,
        eq(requests.status, 'completed'),
        // JSON1 is in SQLite and D1 alike; plans recorded without members are passed over.
        sql`json_array_length(${requests.plan}, '$.members') > 0`,
        requestId === undefined ? undefined : ne(requests.id, requestId),
      ),
    )
    .orderBy(desc(requests.completedAt), desc(requests.id))
    .limit(1);
  const plan = row && planOf(row);
  if (!row || !plan || plan.members.length === 0) return undefined;
  return { members: plan.members, source: { from: 'request', requestId: row.id, ticketId: row.ticketId, completedOn: dayIn(row.completedAt ?? row.updatedAt, deps.timeZone) } };
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
