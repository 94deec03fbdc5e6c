import type { EventRow, RequestRow, StepRow } from '../db/schema';
import type { Instructions, StepDefinition } from '../engine/types';
import { planOf } from '../workflows/plan';
import { endOfDay } from './dates';

/** The API's JSON shapes (camelCase, ISO times): one place, shared by the sidebar, CLI and scripts. */

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Past its desired completion day (a day in `timeZone`, ORC_TIMEZONE) and not finished. */
export function isOverdue(request: Pick<RequestRow, 'desiredCompletion' | 'status'>, now: number, timeZone: string): boolean {
  if (!request.desiredCompletion || ['completed', 'rejected', 'cancelled'].includes(request.status)) return false;
  const due = endOfDay(request.desiredCompletion, timeZone);
  return due !== null && due < now;
}

export function requestView(r: RequestRow, now: number, timeZone: string) {
  const params = r.params;
  return {
    id: r.id,
    ticketId: r.ticketId,
    type: r.type,
    kind: r.kind,
    status: r.status,
    courseNumber: r.courseNumber,
    courseTitle: typeof params.courseTitle === 'string' ? params.courseTitle : null,
    term: r.term,
    newTerm: r.newTerm,
    courseKey: r.courseKey,
    repo: r.repo,
    requester: r.requester,
    params,
    problems: r.problems,
    plan: r.plan,
    teamChange: teamChangeView(r),
    desiredCompletion: r.desiredCompletion,
    overdue: isOverdue(r, now, timeZone),
    startAt: iso(r.startAt),
    decision: r.decision,
    decidedBy: r.decidedBy,
    decidedAt: iso(r.decidedAt),
    reason: r.reason,
    requestedAt: iso(r.requestedAt),
    updatedAt: iso(r.updatedAt),
    completedAt: iso(r.completedAt),
  };
}

/** A valid team change's people, added and removed; null for the other types. */
export function teamChangeView(r: RequestRow): { add: string[]; remove: string[] } | null {
  const plan = r.type === 'team' ? planOf(r) : undefined;
  return plan ? { add: plan.members, remove: plan.remove ?? [] } : null;
}

export function stepView(s: StepRow, instructions: Instructions | undefined) {
  return {
    key: s.key,
    title: s.title,
    kind: s.kind,
    status: s.status,
    attempts: s.attempts,
    error: s.error,
    result: s.result ?? null,
    instructions: s.kind === 'manual' && instructions ? instructions : null,
    completedBy: s.completedBy,
    note: s.note,
    nextRunAt: s.status === 'pending' && s.nextRunAt > 0 ? iso(s.nextRunAt) : null,
    startedAt: iso(s.startedAt),
    finishedAt: iso(s.finishedAt),
  };
}

/** A step of a plan that has not been materialised yet (preview before approval). */
export function plannedStepView(def: StepDefinition, request: RequestRow) {
  return {
    key: def.key,
    title: def.title,
    kind: def.kind,
    status: def.skipReason ? ('skipped' as const) : ('pending' as const),
    note: def.skipReason ?? null,
    instructions: def.kind === 'manual' ? (def.instructions?.(request) ?? null) : null,
  };
}

export function eventView(e: EventRow) {
  return { id: e.id, actor: e.actor, actorName: e.actorName, action: e.action, detail: e.detail, at: new Date(e.at).toISOString() };
}
