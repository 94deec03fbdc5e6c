import { and, eq, ne, notInArray, sql } from 'drizzle-orm';
import type { Config } from '../config';
import { requests, runs } from '../db/schema';
import type { Db } from '../db/types';
import { RepoNotFound } from '../integrations/github/errors';
import type { GithubClient } from '../integrations/github/client';
import type { EdxClient } from '../integrations/edx/client';
import type { EdxAccount } from '../integrations/edx/accounts';
import { canLookUpEdxAccounts } from '../integrations/edx/enabled';
import { isTransient, messageOf } from '../errors';
import { type Plan, usesApi } from '../workflows/plan';
import type { CourseRequestFields, Problem } from './draft';
import { courseQualityProblems } from './quality-check';

export interface CheckDeps {
  db: Db;
  github: Pick<GithubClient, 'missingUsers' | 'getRepo' | 'readTree' | 'readRepoFiles' | 'readTeam'>;
  edx: Pick<EdxClient, 'findCourseRun' | 'lookupAccounts'>;
  config: Pick<Config, 'edx' | 'ORC_EDX_STAGING_URL'>;
}

export interface CheckOptions {
  /**
   * The caller will not retry (intake's last attempt at a delivery): a check whose system stays
   * unreachable becomes a warning for the agents instead of an error that asks for a retry.
   */
  lastAttempt?: boolean;
}

/** Paths a crashed earlier run of ours may have left in a new repo: such a repo is adoptable. */
const OWN_PATHS = new Set(['.gitignore', 'course.xml', 'course', 'policies', 'about']);

/**
 * The checks that need the world (database, GitHub, edX), run after the draft's own rules.
 * They throw on transient failures (the delivery is retried) and return problems otherwise;
 * a publish's course check adds warnings (`warning: true`), which never block.
 */
export async function externalProblems(deps: CheckDeps, fields: CourseRequestFields, plan: Plan, requestId: number | undefined, options: CheckOptions = {}): Promise<Problem[]> {
  const termField = fields.type === 'rerun' ? 'newTerm' : 'term';
  // Each check keeps its own findings, so the reply lists them in this order, not in the order the answers came.
  const checks: Promise<Problem[]>[] = [];

  if (fields.type === 'new' || fields.type === 'rerun') {
    // Duplicate course key: our own records first, then edX when its course list is enabled.
    checks.push(
      (async () => {
        const problems: Problem[] = [];
        const key = plan.courseKey.toLowerCase();
        const [dup] = await deps.db
          .select({ id: requests.id, ticketId: requests.ticketId })
          .from(requests)
          .where(
            and(
              sql`lower(${requests.courseKey}) = ${key}`,
              notInArray(requests.status, ['rejected', 'cancelled', 'waiting_on_requester']),
              requestId === undefined ? undefined : ne(requests.id, requestId),
              fields.type === 'new' ? eq(requests.type, 'new') : undefined,
            ),
          );
        const [run] = await deps.db.select({ id: runs.id }).from(runs).where(sql`lower(${runs.courseKey}) = ${key}`);
        if (dup || run) {
          problems.push({ field: termField, message: `${plan.courseKey} is already ${dup ? `requested (request ${dup.id}${dup.ticketId ? `, ticket #${dup.ticketId}` : ''})` : 'provisioned'}; choose another term or course number` });
        } else if (usesApi(plan, 'course_runs') && (await deps.edx.findCourseRun(plan.courseKey))) {
          problems.push({ field: termField, message: `${plan.courseKey} already exists on edX; choose another term or course number` });
        }
        return problems;
      })(),
    );
    // The new repo's name must be free, or hold only what an earlier attempt of ours wrote.
    checks.push(
      (async () => {
        const problems: Problem[] = [];
        const existing = await deps.github.getRepo(plan.org, plan.repo).catch((err: unknown) => {
          if (err instanceof RepoNotFound) return undefined;
          throw err;
        });
        if (!existing) return [];
        const tree = await deps.github.readTree(plan.org, plan.repo, existing.defaultBranch);
        const foreign = tree.filter((e) => !e.path.includes('/') && !OWN_PATHS.has(e.path));
        if (foreign.length > 0) problems.push({ field: termField, message: `the repository ${existing.fullName} already exists with other content; choose another term, or ask us to archive it` });
        return problems;
      })(),
    );
  }

  if (plan.members.length > 0) {
    checks.push(
      (async () => {
        const problems: Problem[] = [];
        const missing = await deps.github.missingUsers(plan.members);
        if (missing.length > 0) problems.push({ field: fields.type === 'team' ? 'teamAdd' : 'teamMembers', message: `not GitHub users: ${missing.join(', ')}; check the spelling of each username` });
        return problems;
      })(),
    );
    if (canLookUpEdxAccounts(deps.config)) checks.push(edxAccountProblems(deps, plan.members, fields.type === 'team' ? 'teamAdd' : 'teamMembers', options));
  }

  if (fields.type !== 'new') {
    const source = fields.type === 'rerun' ? plan.sourceRepo! : plan.repo;
    checks.push(
      (async () => {
        const problems: Problem[] = [];
        const repo = await deps.github.getRepo(plan.org, source).catch((err: unknown) => {
          if (err instanceof RepoNotFound) return undefined;
          throw err;
        });
        if (!repo) {
          problems.push({ field: 'term', message: `there is no repository ${plan.org}/${source} for ${fields.courseNumber} in ${fields.term}; check the course number, term and course kind` });
          return problems;
        }
        if (fields.type === 'publish') problems.push(...(await courseQualityProblems(deps.github, { owner: repo.owner, name: repo.name, branch: repo.defaultBranch, term: fields.term })));
        return problems;
      })(),
    );
  }

  if (fields.type === 'team') checks.push(teamChangeProblems(deps, fields, plan));

  return (await Promise.all(checks)).flat();
}

/**
 * The team members are edX usernames too (Studio refuses a team with anyone unknown): one lookup
 * for all of them on the LMS. An outage is retried like any other; if edX stays down for the
 * caller's last attempt, the agents are told it was not checked (the request is neither refused
 * nor silently passed: the course-team step meets the same accounts again).
 */
async function edxAccountProblems(deps: CheckDeps, members: string[], field: 'teamMembers' | 'teamAdd', options: CheckOptions): Promise<Problem[]> {
  const lms = deps.config.ORC_EDX_STAGING_URL ?? 'the LMS';
  let accounts: Map<string, EdxAccount>;
  try {
    accounts = await deps.edx.lookupAccounts(members);
  } catch (err) {
    if (isTransient(err) && !options.lastAttempt) throw err;
    return [{ field, warning: true, message: `not checked on edX (${messageOf(err)}): make sure ${members.join(', ')} have accounts on ${lms} before the course team is added` }];
  }
  const found: Problem[] = [];
  const missing = members.filter((m) => !accounts.has(m));
  if (missing.length > 0) {
    found.push({ field, message: `no edX account with the username ${missing.join(', ')}; ask ${missing.length === 1 ? 'them' : 'each of them'} to register at ${lms} with that username, or correct the username` });
  }
  const inactive = members.filter((m) => accounts.get(m)?.isActive === false);
  if (inactive.length > 0) {
    found.push({ field, warning: true, message: `${inactive.join(', ')} ${inactive.length === 1 ? 'has' : 'have'} not activated ${inactive.length === 1 ? 'their edX account' : 'their edX accounts'} yet; Studio's New team member refuses them until they follow the activation email` });
  }
  return found;
}

/**
 * A team change needs the course's GitHub team (XML courses: a Studio course's export repo has
 * none) and, where the edX API is configured, its run on edX (edxAccountProblems checks that
 * everyone added has an edX account). Removing someone who is not on the GitHub team only warns: they
 * may still be on the edX team, which the removal step covers.
 */
async function teamChangeProblems(deps: CheckDeps, fields: CourseRequestFields, plan: Plan): Promise<Problem[]> {
  const problems: Problem[] = [];
  const api = usesApi(plan, 'course_team');
  const [team, run] = await Promise.all([
    plan.kind === 'xml' ? deps.github.readTeam(plan.org, plan.team) : null,
    api ? deps.edx.findCourseRun(plan.courseKey) : null,
  ]);
  if (team === undefined) {
    problems.push({ field: 'team', message: `there is no GitHub team ${plan.team} in ${plan.org} for ${fields.courseNumber} in ${fields.term}; give the course team's name if it is not named after the repository` });
  } else if (team) {
    const absent = (plan.remove ?? []).filter((r) => !team.members.some((m) => m.toLowerCase() === r.toLowerCase()));
    if (absent.length > 0) problems.push({ field: 'teamRemove', message: `not on the GitHub team ${team.name}: ${absent.join(', ')}; they are removed from the edX course team only`, warning: true });
  }
  if (run === undefined) problems.push({ field: 'term', message: `${plan.courseKey} is not on edX; check the course number, term and course kind` });
  return problems;
}
