import { describe, expect, it } from 'vitest';
import { retrySeat } from '../../src/integrations/github/octokit';

/** The throttling plugin's retry seat keeps Bottleneck's contract for the one handler the plugin registers. */
describe('the retry seat', () => {
  const failing = (failures: number) => {
    let calls = 0;
    const task = async (...args: unknown[]) => {
      calls++;
      if (calls <= failures) throw new Error(`failure ${calls}`);
      return { args, calls };
    };
    return { task, calls: () => calls };
  };

  it('runs the task with its arguments; a wait from the failed handler runs it again', async () => {
    const seat = retrySeat();
    const seen: { message: string; retryCount: number; args: unknown[] }[] = [];
    seat.on('failed', (error, info) => {
      seen.push({ message: (error as Error).message, ...info });
      return 0;
    });
    const t = failing(2);
    await expect(seat.schedule(t.task, 'a', 1)).resolves.toEqual({ args: ['a', 1], calls: 3 });
    expect(seen).toEqual([
      { message: 'failure 1', retryCount: 0, args: ['a', 1] },
      { message: 'failure 2', retryCount: 1, args: ['a', 1] },
    ]);
  });

  it('rejects with the failure when the handler answers no wait, throws, or is missing', async () => {
    const none = retrySeat();
    none.on('failed', async () => undefined);
    await expect(none.schedule(failing(1).task)).rejects.toThrow('failure 1');
    const throwing = retrySeat();
    throwing.on('failed', () => {
      throw new Error('handler broke');
    });
    await expect(throwing.schedule(failing(1).task)).rejects.toThrow('failure 1');
    const t = failing(1);
    await expect(retrySeat().schedule(t.task)).rejects.toThrow('failure 1');
    expect(t.calls()).toBe(1);
  });
});
