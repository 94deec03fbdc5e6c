import { and, desc, eq, ne, sql } from 'drizzle-orm';
import type { Config } from '../config';
import { requests, type RequestRow } from '../db/schema';
import type { Db } from '../db/types';
import { planOf } from '../workflows/plan';
import type { ApprovalConditions, ApprovalRule } from './approval-rules';
import type { Actor } from './events';

/** A requester's Zendesk organisations and groups (ids). */
export interface Memberships {
  organizations: number[];
  groups: number[];
}

/** What the rules are tried against; the costly facts are read only when a rule asks for them. */
export interface ApprovalFacts {
  db: Db;
  request: RequestRow;
  /** The requester's address: the ticket's requester, else who made the request. */
  requesterEmail?: string;
  /** Absent where there is no Zendesk requester (CLI, plan preview): such conditions do not hold. */
  memberships?: () => Promise<Memberships>;
  /** Whether the requester is on the course team of a team change; absent: unknown, so it does not hold. */
  requesterOnCourseTeam?: () => Promise<boolean>;
}

/**
 * The rules in force: the file's, in order, then the two older switches as rules of their own
 * (ORC_AUTO_APPROVE approves everything, ORC_RERUN_APPROVAL=false every rerun).
 */
export function approvalRulesOf(config: Pick<Config, 'approvalRules' | 'ORC_AUTO_APPROVE' | 'ORC_RERUN_APPROVAL'>): ApprovalRule[] {
  return [
    ...config.approvalRules,
    ...(config.ORC_AUTO_APPROVE ? [{ name: 'ORC_AUTO_APPROVE', when: {} }] : []),
    ...(config.ORC_RERUN_APPROVAL ? [] : [{ name: 'ORC_RERUN_APPROVAL=false', when: { type: ['rerun' as const] } }]),
  ];
}

/** Who approved when a rule did: recorded as the decider, in the events and on the ticket. */
export const ruleActor = (rule: Pick<ApprovalRule, 'name'>): Actor => ({ id: `rule:${rule.name}`, name: `approval rule "${rule.name}"` });

/** Who decided, from a request's decidedBy (the actor's name, else its id): a rule's own actor back from its name. */
export const deciderActor = (decidedBy: string): Actor => {
  const rule = /^approval rule "(.*)"$/.exec(decidedBy)?.[1];
  return rule === undefined ? { id: decidedBy, name: decidedBy } : ruleActor({ name: rule });
};

/** The first rule whose every condition holds, or undefined: the request then waits for an agent. */
export async function approvingRule(rules: ApprovalRule[], facts: ApprovalFacts): Promise<ApprovalRule | undefined> {
  let memberships: Promise<Memberships> | undefined;
  const lazyFacts = { ...facts, memberships: facts.memberships && (() => (memberships ??= facts.memberships!())) };
  for (const rule of rules) {
    if (await holds(rule.when, lazyFacts)) return rule;
  }
  return undefined;
}

async function holds(when: ApprovalConditions, facts: ApprovalFacts): Promise<boolean> {
  const { request } = facts;
  if (when.type && !when.type.includes(request.type)) return false;
  if (when.kind && (request.kind === null || !when.kind.includes(request.kind))) return false;
  if (when.requester && !requesterListed(when.requester, facts.requesterEmail)) return false;
  if (when.qualityCheckPassed && !(request.type === 'publish' && request.problems.length === 0 && planOf(request) !== undefined)) return false;
  if (when.organization || when.group) {
    if (!facts.memberships) return false;
    const { organizations, groups } = await facts.memberships();
    if (when.organization && !when.organization.some((id) => organizations.includes(id))) return false;
    if (when.group && !when.group.some((id) => groups.includes(id))) return false;
  }
  if (when.sameTeamAsPrevious && !(await sameTeamAsPrevious(facts.db, request))) return false;
  if (when.requesterOnCourseTeam && !(request.type === 'team' && facts.requesterOnCourseTeam && (await facts.requesterOnCourseTeam()))) return false;
  return true;
}

function requesterListed(entries: string[], email: string | undefined): boolean {
  const address = email?.trim().toLowerCase();
  if (!address) return false;
  const domain = address.slice(address.lastIndexOf('@'));
  return entries.some((entry) => (entry.startsWith('@') ? entry === domain : entry === address));
}

const teamOf = (members: string[]) => [...new Set(members.map((m) => m.toLowerCase()))].sort().join(',');

/**
 * A rerun or publish whose course run's latest completed request (the run a rerun copies, the
 * run a publish moves) had the same team members as this one. A request naming no members is
 * never "the same team", even when intake carried the course's team forward: an unnamed team
 * must not be approved on someone else's behalf; nor is one whose run's latest completed request
 * was a team change.
 */
async function sameTeamAsPrevious(db: Db, request: RequestRow): Promise<boolean> {
  const plan = planOf(request);
  if (!plan || (request.type !== 'rerun' && request.type !== 'publish') || plan.members.length === 0) return false;
  // A team carried forward (the form named nobody) is the previous team by construction: not the requester's word.
  if (plan.teamSource && plan.teamSource.from !== 'form') return false;
  const key = (request.type === 'rerun' ? plan.sourceCourseKey : plan.courseKey)?.toLowerCase();
  if (!key) return false;
  const [previous] = await db
    .select()
    .from(requests)
    .where(and(sql`lower(${requests.courseKey}) = ${key}`, eq(requests.status, 'completed'), ne(requests.id, request.id)))
    .orderBy(desc(requests.completedAt), desc(requests.id))
    .limit(1);
  // A team change since: its plan lists only the people it changed, so the team is not known here.
  const before = previous && previous.type !== 'team' ? planOf(previous) : undefined;
  return before !== undefined && teamOf(before.members) === teamOf(plan.members);
}
