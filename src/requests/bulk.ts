import { z } from 'zod';
import { AppError, messageOf } from '../errors';
import type { Logger } from '../log';
import { approveRequest, cancelRequest, rejectRequest, rescheduleRequest, retryRequest, type RequestDeps } from './actions';
import type { Actor } from './events';

/**
 * Actions on many requests at once (the dashboard's checkboxes, `orcoursetrion request approve
 * ID...`): each id goes through the same action as alone, with its own state checks, events and
 * ticket notes; a failure is that id's result and never stops the others.
 */

type BulkAction = (deps: RequestDeps, id: number, actor: Actor, reason: string | undefined) => Promise<unknown>;

/** One entry per action; `via` in each event says it came in bulk. */
const ACTIONS = {
  approve: (deps, id, actor) => approveRequest(deps, id, actor, 'bulk'),
  reject: (deps, id, actor, reason) => rejectRequest(deps, id, reason, actor, 'bulk'),
  retry: (deps, id, actor) => retryRequest(deps, id, actor),
  'run-now': (deps, id, actor) => rescheduleRequest(deps, id, null, actor),
  cancel: (deps, id, actor, reason) => cancelRequest(deps, id, reason, actor, 'bulk'),
} satisfies Record<string, BulkAction>;

export type BulkActionName = keyof typeof ACTIONS;
export const BULK_ACTIONS = Object.keys(ACTIONS) as BulkActionName[];

/** Enough for a term's worth of selected rows; a larger batch is a rollover's job. */
export const MAX_BULK_IDS = 200;

export const bulkBodySchema = z
  .object({
    action: z.enum(BULK_ACTIONS as [BulkActionName, ...BulkActionName[]], { message: `must be one of ${BULK_ACTIONS.join(', ')}` }),
    ids: z
      .array(z.number({ message: 'must be request ids (positive whole numbers)' }).int({ message: 'must be whole numbers' }).positive({ message: 'must be positive' }), { message: 'is required: a list of request ids' })
      .min(1, { message: 'must list at least one request id' })
      .max(MAX_BULK_IDS, { message: `must list at most ${MAX_BULK_IDS} request ids; split the selection` })
      .refine((ids) => new Set(ids).size === ids.length, { message: 'must not repeat an id' }),
    reason: z.string().max(5000, { message: 'must be at most 5000 characters' }).optional(),
  })
  .strict()
  .refine((b) => !['reject', 'cancel'].includes(b.action) || Boolean(b.reason?.trim()), { path: ['reason'], message: 'is required to reject or cancel: the requesters will read it' });
export type BulkBody = z.infer<typeof bulkBodySchema>;

export type BulkResult = { id: number; ok: true } | { id: number; ok: false; code: string; error: string };

/** Runs the action on each id in order (one at a time: each sees the others' effects, as alone). */
export async function runBulk(deps: RequestDeps & { log: Logger }, body: BulkBody, actor: Actor): Promise<BulkResult[]> {
  const act: BulkAction = ACTIONS[body.action];
  const results: BulkResult[] = [];
  for (const id of body.ids) {
    try {
      await act(deps, id, actor, body.reason);
      results.push({ id, ok: true });
    } catch (err) {
      if (err instanceof AppError) {
        results.push({ id, ok: false, code: err.code, error: err.message });
      } else {
        // The service's own failure (database, a bug): logged in full, summarised for the caller.
        deps.log.error('bulk action failed', { action: body.action, id, error: messageOf(err) });
        results.push({ id, ok: false, code: 'internal', error: 'failed unexpectedly; the service log has the details' });
      }
    }
  }
  return results;
}
