/**
 * Atomics.waitAsync (Node 16+, ES2024), typed here: TypeScript's lib for this project's target
 * predates it. Resolves with 'ok' when notified, 'timed-out', or at once 'not-equal'.
 */
export const waitAsync = (
  Atomics as unknown as {
    waitAsync(cells: Int32Array, index: number, value: number, timeoutMs?: number): { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
  }
).waitAsync;
