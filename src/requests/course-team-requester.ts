import type { RequestRow } from '../db/schema';
import type { EdxClient } from '../integrations/edx/client';
import type { GithubClient } from '../integrations/github/client';
import { planOf, usesApi } from '../workflows/plan';

export interface CourseTeamDeps {
  github: Pick<GithubClient, 'readTeam'>;
  edx: Pick<EdxClient, 'lookupAccounts' | 'findCourseRun'>;
}

/**
 * Whether `email` is the address of someone on the course team: the GitHub course team's logins
 * (XML courses) and the edX run's team are looked up as edX usernames (the course team is added
 * under the same names on both), and an account's email, which only the LMS's staff view shows,
 * must equal the requester's. Needs the edX API (course_team in ORC_EDX_API); without it
 * nobody's address is known, so it is false.
 */
export async function requesterOnCourseTeam(deps: CourseTeamDeps, request: RequestRow, email: string | undefined): Promise<boolean> {
  const plan = planOf(request);
  const address = email?.trim().toLowerCase();
  if (request.type !== 'team' || !plan || !address || !usesApi(plan, 'course_team')) return false;
  const [team, run] = await Promise.all([plan.kind === 'xml' ? deps.github.readTeam(plan.org, plan.team) : undefined, deps.edx.findCourseRun(plan.courseKey)]);
  const members = [...new Set([...(team?.members ?? []), ...(run?.team ?? []).map((t) => t.user)])];
  if (members.length === 0) return false;
  const accounts = await deps.edx.lookupAccounts(members);
  return [...accounts.values()].some((a) => a.email.trim().toLowerCase() === address);
}
