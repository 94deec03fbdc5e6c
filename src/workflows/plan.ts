import { z } from 'zod';
import { EDX_OPERATIONS, type Config, type EdxOperation } from '../config';
import { courseKey, repoName } from '../courses/naming';
import { COURSE_KINDS, type RequestRow } from '../db/schema';
import type { CourseRequestFields } from '../requests/draft';

/**
 * The branch decisions of a request, made once when it is validated and stored on the request
 * (so a later config change or a re-run never changes a plan under way): which org and repo,
 * which course keys, and which edX operations run through an API.
 */
/**
 * Where the course team (`members`) came from: the request's own form, the course's latest
 * completed request (our records), or the course's GitHub team, read at intake.
 */
export const teamSourceSchema = z.discriminatedUnion('from', [
  z.object({ from: z.literal('form') }),
  z.object({ from: z.literal('request'), requestId: z.number().int(), ticketId: z.number().int().nullable(), completedOn: z.string() }),
  z.object({ from: z.literal('github'), team: z.string() }),
]);
export type TeamSource = z.infer<typeof teamSourceSchema>;

export const planSchema = z.object({
  kind: z.enum(COURSE_KINDS),
  org: z.string(),
  /** The repo the flow creates or works on (rerun: the new one). */
  repo: z.string(),
  /** Rerun: the old term's repo. */
  sourceRepo: z.string().optional(),
  courseKey: z.string(),
  /** Rerun: the old term's course key. */
  sourceCourseKey: z.string().optional(),
  deployTeam: z.string(),
  /** GitHub team of the course (named by the request, or after the repo). */
  team: z.string(),
  /** The course team's members (a team change: the people it adds). */
  members: z.array(z.string()),
  /** Absent in plans recorded before teams were carried forward (those took the form's members). */
  teamSource: teamSourceSchema.optional(),
  /** A team change: the people it removes. */
  remove: z.array(z.string()).optional(),
  /** edX operations done through an API; the others are manual steps. */
  api: z.array(z.enum(EDX_OPERATIONS)),
  stagingHook: z.boolean(),
  productionHook: z.boolean(),
});
export type Plan = z.infer<typeof planSchema>;

export type PlanConfig = Pick<
  Config,
  'ORC_COURSE_PREFIX' | 'ORC_XML_ORG' | 'ORC_STUDIO_ORG' | 'ORC_XML_DEPLOY_TEAM' | 'ORC_STUDIO_DEPLOY_TEAM' | 'ORC_EDX_ORG' | 'ORC_EDX_API' | 'ORC_STAGING_GITRELOAD' | 'ORC_PRODUCTION_GITRELOAD'
>;

export function decidePlan(fields: CourseRequestFields, config: PlanConfig): Plan {
  const xml = fields.kind === 'xml';
  const term = fields.type === 'rerun' ? fields.newTerm! : fields.term;
  const repo = repoName(config.ORC_COURSE_PREFIX, fields.courseNumber, term);
  return {
    kind: fields.kind,
    org: xml ? config.ORC_XML_ORG : config.ORC_STUDIO_ORG,
    repo,
    sourceRepo: fields.type === 'rerun' ? repoName(config.ORC_COURSE_PREFIX, fields.courseNumber, fields.term) : undefined,
    courseKey: courseKey(config.ORC_EDX_ORG, fields.courseNumber, term),
    sourceCourseKey: fields.type === 'rerun' ? courseKey(config.ORC_EDX_ORG, fields.courseNumber, fields.term) : undefined,
    deployTeam: xml ? config.ORC_XML_DEPLOY_TEAM : config.ORC_STUDIO_DEPLOY_TEAM,
    team: fields.team || repo,
    members: fields.type === 'team' ? fields.teamAdd : fields.teamMembers,
    remove: fields.type === 'team' ? fields.teamRemove : undefined,
    // An empty form leaves the team to intake, which carries the course's team forward.
    teamSource: fields.teamMembers.length > 0 ? { from: 'form' } : undefined,
    api: [...config.ORC_EDX_API],
    stagingHook: Boolean(config.ORC_STAGING_GITRELOAD),
    productionHook: Boolean(config.ORC_PRODUCTION_GITRELOAD),
  };
}

/** The plan stored on a request; undefined for a request that never passed validation. */
export function planOf(request: Pick<RequestRow, 'plan'>): Plan | undefined {
  const parsed = planSchema.safeParse(request.plan);
  return parsed.success ? parsed.data : undefined;
}

export const usesApi = (plan: Plan, op: EdxOperation) => plan.api.includes(op);

function teamOrigin(source: TeamSource | undefined, ticketed: boolean): string {
  if (source?.from === 'request') return `from request #${source.requestId}${source.ticketId === null ? '' : ` (ticket #${source.ticketId})`}, completed ${source.completedOn}`;
  if (source?.from === 'github') return `from GitHub team ${source.team}`;
  return ticketed ? 'from this ticket' : 'from this request';
}

/**
 * The course team and where it came from, as the plan note and `orcoursetrion plan` say it:
 * "ada, grace (from request #12, completed 2027-01-03)". `ticketed`: the request has a ticket.
 */
export function describeTeam(plan: Plan, ticketed: boolean): string {
  // Only a team change records removals: its team is the one it changes, not one it carries.
  if (plan.remove) return `changed ${ticketed ? 'by this ticket' : 'by this request'}: adds ${plan.members.join(', ') || 'nobody'}; removes ${plan.remove.join(', ') || 'nobody'}`;
  if (plan.members.length === 0) return "none given: intake carries the course's team forward (its latest completed request, else its GitHub team) or asks for it";
  return `${plan.members.join(', ')} (${teamOrigin(plan.teamSource, ticketed)})`;
}
