import type { RequestRow, StepRow } from '../db/schema';
import type { Instructions, StepDefinition } from './types';

/** A manual step's instructions as its row left them (with what `prepare` memoised there); undefined for other steps. */
export function instructionsOf(def: StepDefinition | undefined, request: RequestRow, row: StepRow): Instructions | undefined {
  const { result } = row;
  const prepared = result !== null && typeof result === 'object' && !Array.isArray(result) ? (result as Record<string, unknown>) : undefined;
  return def?.instructions?.(request, prepared);
}
