import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, stepsOf } from '../../src/engine/engine';
import type { StepDefinition } from '../../src/engine/types';
import { PermanentError, TransientError } from '../../src/errors';
import { silentLogger } from '../../src/log';
import { approveRequest } from '../../src/requests/actions';
import { createHarness, insertRequest, type Harness } from '../support/harness';

/**
 * Found by the fault test: a step's failure note was posted once, best effort, so a Zendesk
 * blip at that moment left a failed step with no error on the ticket. The engine now retries
 * the report a few times when the desk's error is transient.
 */
describe('a failed step is told to the ticket even when the desk blips', () => {
  let h: Harness;
  afterEach(() => h?.handle.close());

  async function failOnce(stepFailed: (error: string) => Promise<void>) {
    const flow: StepDefinition[] = [{ key: 'hook', title: 'Add hook', kind: 'auto', run: async () => { throw new PermanentError('GitHub refused the hook (422)'); } }];
    h = createHarness({ workflows: () => flow });
    const engine = createEngine({
      db: h.handle.db,
      clock: h.clock,
      log: silentLogger,
      workflows: () => flow,
      hooks: { stepFailed: (_ctx, error) => stepFailed(error) },
      options: { workerId: 'w', leaseMs: 30_000, maxAttempts: 5, backoffBaseMs: 5, backoffMaxMs: 20, random: () => 0.5 },
    });
    const req = await insertRequest(h);
    await approveRequest({ db: h.handle.db, clock: h.clock, workflows: () => flow, engine, wake: () => {}, timeZone: 'UTC' }, req.id, { id: 'agent:1', name: 'Ada' }, 'test');
    await engine.runDue();
    return (await stepsOf(h.handle.db, req.id))[0]!;
  }

  it('retries the note while Zendesk answers 503, and posts it once', async () => {
    const posted: string[] = [];
    let calls = 0;
    const step = await failOnce(async (error) => {
      if (++calls <= 2) throw new TransientError('Zendesk PUT /tickets/1.json answered 503');
      posted.push(error);
    });
    expect(step).toMatchObject({ status: 'failed', attempts: 1 });
    expect(calls).toBe(3);
    expect(posted).toEqual(['GitHub refused the hook (422)']);
  });

  it('does not retry a note Zendesk refuses for good, and the step still fails', async () => {
    let calls = 0;
    const step = await failOnce(async () => {
      calls++;
      throw new PermanentError('Zendesk answered 403');
    });
    expect(step.status).toBe('failed');
    expect(calls).toBe(1);
  });
});
