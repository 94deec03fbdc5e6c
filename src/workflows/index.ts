import type { RequestRow } from '../db/schema';
import type { StepDefinition, WorkflowResolver } from '../engine/types';
import { cancellationFlow } from './cancellation';
import { flowInput, type FlowDeps } from './context';
import { newCourseFlow } from './new-course';
import { planOf } from './plan';
import { publishFlow } from './publish';
import { rejectionFlow } from './rejection';
import { rerunFlow } from './rerun';
import { teamChangeFlow } from './team-change';

const FLOWS = { new: newCourseFlow, publish: publishFlow, rerun: rerunFlow, team: teamChangeFlow } as const;

/**
 * A request's steps: the rejection (or cancellation) notice for a rejected (or cancelled)
 * request, otherwise its type's flow over the plan recorded at intake. Pure over the request row, so the plan preview, the
 * materialised rows and a resumed engine all see the same list.
 */
export function createWorkflowResolver(deps: FlowDeps): WorkflowResolver {
  return (request: RequestRow): StepDefinition[] => {
    if (request.status === 'rejected') return rejectionFlow(deps.desk, request);
    if (request.status === 'cancelled') return cancellationFlow(deps, request);
    const plan = planOf(request);
    if (!plan) return [];
    return FLOWS[request.type](deps, flowInput(request, plan));
  };
}
