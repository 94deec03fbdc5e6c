import { afterEach, describe, expect, it } from 'vitest';
import type { StepDefinition } from '../../src/engine/types';
import { PermanentError } from '../../src/errors';
import { agentToken, createHarness, insertRequest, type Harness } from '../support/harness';

/** Issue 13: a failed automatic step is finished by hand with a note saying what was done, and the engine goes on. */
describe('finish a failed automatic step by hand', () => {
  let h: Harness;
  afterEach(() => h?.handle.close());
  const ran: string[] = [];
  const flow: StepDefinition[] = [
    {
      key: 'update-ticket-fields',
      title: 'Update the ticket',
      kind: 'auto',
      run: async () => {
        ran.push('update-ticket-fields');
        throw new PermanentError('Zendesk ticket 1004 does not exist');
      },
    },
    { key: 'create-repo', title: 'Create the repository', kind: 'auto', run: async () => void ran.push('create-repo') },
  ];

  it('needs a note, marks it done with who and what, and the next step runs; only a failed automatic step qualifies', async () => {
    h = createHarness({ workflows: () => flow });
    const token = await agentToken();
    const call = (path: string, body?: unknown) =>
      h.app.request(`/api${path}`, { method: body === undefined ? 'GET' : 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const req = await insertRequest(h, { ticketId: 1004 });
    expect((await call(`/requests/${req.id}/approve`, {})).status).toBe(200);
    // Not failed yet: an automatic step that has not failed cannot be finished by hand.
    const early = await call(`/requests/${req.id}/steps/create-repo/complete`, { note: 'x' });
    expect(early.status).toBe(409);
    expect((await early.json()).error.message).toContain('only a failed automatic step');

    await h.engine.runDue();
    const failed = await (await call(`/requests/${req.id}`)).json();
    expect(failed.request.status).toBe('failed');

    const bare = await call(`/requests/${req.id}/steps/update-ticket-fields/complete`, {});
    expect(bare.status).toBe(400);
    expect((await bare.json()).error).toMatchObject({ code: 'note_required', details: { field: 'note' } });

    const res = await call(`/requests/${req.id}/steps/update-ticket-fields/complete`, { note: 'Filled the fields on ticket 1005 by hand; 1004 was merged' });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.request.status).toBe('in_progress');
    expect(body.steps[0]).toMatchObject({ status: 'done', completedBy: 'Ada Agent', note: 'Filled the fields on ticket 1005 by hand; 1004 was merged' });
    expect(body.events.at(-1)).toMatchObject({ action: 'step_finished_by_hand', detail: { step: 'update-ticket-fields', previousError: 'Zendesk ticket 1004 does not exist' } });
    expect((await call(`/requests/${req.id}/steps/update-ticket-fields/complete`, { note: 'again' })).status).toBe(409);

    await h.engine.runDue();
    const after = await (await call(`/requests/${req.id}`)).json();
    expect(after.request.status).toBe('completed');
    expect(ran).toEqual(['update-ticket-fields', 'create-repo']);
  });
});
