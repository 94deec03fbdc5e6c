import { describe, expect, it } from 'vitest';
import { createWakeCell, onWakes, wakeThrough } from '../../src/engine/wake-cell';

describe('wake-ups through shared memory', () => {
  it('calls the engine side after a bump, folds bumps made before it looks again into one, and stops', async () => {
    const cell = createWakeCell();
    const wake = wakeThrough(cell);
    let woken = 0;
    let onWake = () => {};
    const stop = onWakes(cell, () => {
      woken++;
      onWake();
    });
    const next = () => new Promise<void>((resolve) => (onWake = resolve));
    let first = next();
    wake();
    await first;
    expect(woken).toBe(1);
    // Three bumps in one go: the waiter sees the count changed, whatever by.
    first = next();
    wake();
    wake();
    wake();
    await first;
    const afterBurst = woken;
    expect(afterBurst).toBeGreaterThanOrEqual(2);
    expect(afterBurst).toBeLessThanOrEqual(4);
    // The wake-ups of one event-loop turn are one bump (the count is the cell's first slot).
    const count = () => Atomics.load(new Int32Array(cell), 0);
    const before = count();
    wake();
    wake();
    wake();
    expect(count()).toBe(before);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(count()).toBe(before + 1);
    stop();
    wake(); // after the stop: nobody is called
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(woken).toBe(afterBurst);
  });
});
