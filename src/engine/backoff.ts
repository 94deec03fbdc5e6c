/**
 * Exponential backoff with full jitter (AWS architecture blog's variant), never shorter than
 * what the server asked for with Retry-After.
 */
export function backoffDelay(
  attempt: number,
  options: { baseMs: number; maxMs: number; retryAfterMs?: number; random: () => number },
): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(ceiling / 2 + (options.random() * ceiling) / 2);
  return Math.max(jittered, options.retryAfterMs ?? 0);
}
