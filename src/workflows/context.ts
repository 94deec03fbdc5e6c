import type { Config } from '../config';
import type { RequestRow } from '../db/schema';
import type { Db } from '../db/types';
import type { Clock } from '../engine/types';
import type { EdxClient } from '../integrations/edx/client';
import type { GithubClient } from '../integrations/github/client';
import type { EdxSites } from '../instructions/sites';
import type { TicketDesk } from '../story/desk';
import type { Plan } from './plan';

/** What the steps of every flow call: passed in, so Node, Workers and tests wire their own. */
export interface FlowDeps {
  config: Config;
  db: Db;
  clock: Clock;
  github: GithubClient;
  edx: EdxClient;
  /** Absent when Zendesk is not configured (requests from the CLI only). */
  desk?: TicketDesk;
  sites: EdxSites;
  /** Between polls of an edX import's status (default 5 s; the sandbox's simulator is faster). */
  importPollMs?: number;
}

/** One request's inputs to its flow: the row, its recorded plan, and the requester's fields. */
export interface FlowInput {
  request: RequestRow;
  plan: Plan;
  courseNumber: string;
  title: string;
  term: string;
  newTerm?: string;
  instructor?: string;
  description?: string;
  weeks?: number;
  evaluationCriteria?: string;
}

const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

export function flowInput(request: RequestRow, plan: Plan): FlowInput {
  const p = request.params;
  const weeks = Number(p.weeks);
  return {
    request,
    plan,
    courseNumber: request.courseNumber ?? '',
    title: text(p.courseTitle) ?? request.courseNumber ?? '',
    term: request.term ?? '',
    newTerm: request.newTerm ?? undefined,
    instructor: text(p.instructor),
    description: text(p.description),
    weeks: Number.isInteger(weeks) && weeks > 0 ? weeks : undefined,
    evaluationCriteria: text(p.evaluationCriteria),
  };
}

/** `org/name` of the flow's repo. */
export const fullRepo = (plan: Plan, name = plan.repo) => `${plan.org}/${name}`;
