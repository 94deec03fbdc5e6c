import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StepDefinition } from '../../src/engine/types';
import { PermanentError } from '../../src/errors';
import { agentToken, createHarness, insertRequest, type Harness } from '../support/harness';

/** Course 9.99 fails its first step for good (a failed request to retry); others run to a manual step. */
const flow = (courseNumber: string | null): StepDefinition[] => [
  {
    key: 'create-repo',
    title: 'Create the repository',
    kind: 'auto',
    run: async () => {
      if (courseNumber === '9.99') throw new PermanentError('the org refused the repository');
      return {};
    },
  },
  { key: 'import', title: 'Import into staging', kind: 'manual', instructions: () => ({ text: '1. Import', html: '<ol><li>Import</li></ol>' }) },
];
const rejection: StepDefinition[] = [{ key: 'notify-rejection', title: 'Tell the requester', kind: 'auto', run: async () => ({}) }];

describe('POST /api/requests/bulk', () => {
  let h: Harness;
  let token: string;
  beforeEach(async () => {
    h = createHarness({ workflows: (r) => (r.status === 'rejected' ? rejection : flow(r.courseNumber)) });
    token = await agentToken();
  });
  afterEach(() => h.handle.close());

  const bulk = async (body: unknown) => {
    const res = await h.app.request('/api/requests/bulk', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  };
  const view = async (id: number) => (await h.app.request(`/api/requests/${id}`, { headers: { authorization: `Bearer ${token}` } })).json();
  const snapshot = async (ids: number[]) => Promise.all(ids.map(view));

  it('approves each id as if alone: per-id results, the wrong states refused, nothing else touched', async () => {
    const a = await insertRequest(h, { ticketId: 1 });
    const b = await insertRequest(h, { ticketId: 2, courseNumber: '8.02' });
    const started = await insertRequest(h, { ticketId: 3, courseNumber: '8.03', status: 'in_progress', decision: 'approved', decidedBy: 'Grace' });
    const invalid = await insertRequest(h, { ticketId: 4, courseNumber: '8.04', status: 'waiting_on_requester' });
    const bystander = await insertRequest(h, { ticketId: 5, courseNumber: '8.05' });
    const untouched = await snapshot([started.id, invalid.id, bystander.id]);

    const { status, body } = await bulk({ action: 'approve', ids: [a.id, started.id, 999, invalid.id, b.id] });
    expect(status).toBe(200);
    expect(body.results).toEqual([
      { id: a.id, ok: true },
      { id: started.id, ok: false, code: 'conflict', error: expect.stringContaining('in progress; only a request pending approval can be approved') },
      { id: 999, ok: false, code: 'not_found', error: 'Request 999 was not found' },
      { id: invalid.id, ok: false, code: 'conflict', error: expect.stringContaining('waiting on requester') },
      { id: b.id, ok: true },
    ]);
    for (const id of [a.id, b.id]) {
      const v = await view(id);
      expect(v.request).toMatchObject({ status: 'in_progress', decision: 'approved', decidedBy: 'Ada Agent' });
      expect(v.events).toEqual([expect.objectContaining({ actor: 'agent:1001', action: 'approved', detail: expect.objectContaining({ via: 'bulk' }) })]);
      expect(v.planned).toBe(false);
    }
    expect(await snapshot([started.id, invalid.id, bystander.id])).toEqual(untouched);
  });

  it('rejects with the one reason given, and refuses a reject without a reason before touching anything', async () => {
    const a = await insertRequest(h, { ticketId: 1 });
    const started = await insertRequest(h, { ticketId: 2, courseNumber: '8.02', status: 'in_progress' });
    const missing = await bulk({ action: 'reject', ids: [a.id] });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('reason: is required to reject');
    expect((await view(a.id)).request.status).toBe('pending_approval');

    const { body } = await bulk({ action: 'reject', ids: [started.id, a.id], reason: 'Duplicate of an earlier request' });
    expect(body.results).toEqual([
      { id: started.id, ok: false, code: 'conflict', error: expect.stringContaining('only a request that has not started can be rejected') },
      { id: a.id, ok: true },
    ]);
    expect((await view(a.id)).request).toMatchObject({ status: 'rejected', reason: 'Duplicate of an earlier request' });
  });

  it('retries every failed step of each failed request, and says which requests had none', async () => {
    const failing = await insertRequest(h, { ticketId: 1, courseNumber: '9.99' });
    const fine = await insertRequest(h, { ticketId: 2, courseNumber: '8.02' });
    expect((await bulk({ action: 'approve', ids: [failing.id, fine.id] })).body.results.every((r: { ok: boolean }) => r.ok)).toBe(true);
    while ((await h.engine.runDue()) > 0);
    expect((await view(failing.id)).request.status).toBe('failed');

    const { body } = await bulk({ action: 'retry', ids: [fine.id, failing.id] });
    expect(body.results).toEqual([
      { id: fine.id, ok: false, code: 'conflict', error: expect.stringContaining('has no failed step') },
      { id: failing.id, ok: true },
    ]);
    const retried = await view(failing.id);
    expect(retried.steps[0]).toMatchObject({ key: 'create-repo', status: 'pending', attempts: 0, error: null });
    expect(retried.events.at(-1)).toMatchObject({ action: 'step_retried', detail: { step: 'create-repo', previousError: expect.stringContaining('refused') } });
  });

  it('runs scheduled requests now, leaving those already under way', async () => {
    const scheduled = await insertRequest(h, { ticketId: 1, startAt: h.clock.now + 86_400_000 });
    await bulk({ action: 'approve', ids: [scheduled.id] });
    expect((await view(scheduled.id)).request.status).toBe('scheduled');
    const started = await insertRequest(h, { ticketId: 2, courseNumber: '8.02', status: 'in_progress' });
    const { body } = await bulk({ action: 'run-now', ids: [scheduled.id, started.id] });
    expect(body.results).toEqual([
      { id: scheduled.id, ok: true },
      { id: started.id, ok: false, code: 'conflict', error: expect.stringContaining('has not started can be rescheduled') },
    ]);
    expect((await view(scheduled.id)).request).toMatchObject({ status: 'in_progress', startAt: null });
  });

  it.each([
    [{ action: 'archive', ids: [1] }, 'action: must be one of approve, reject, retry, run-now, cancel'],
    [{ action: 'approve', ids: [] }, 'ids: must list at least one request id'],
    [{ action: 'approve', ids: Array.from({ length: 201 }, (_, i) => i + 1) }, 'ids: must list at most 200 request ids'],
    [{ action: 'approve', ids: [3, 3] }, 'ids: must not repeat an id'],
    [{ action: 'approve', ids: ['3'] }, 'ids.0: must be request ids'],
    [{ action: 'approve' }, 'ids: is required'],
    [{ action: 'approve', ids: [1], extra: true }, 'Unrecognized key: "extra"'],
  ])('refuses %j with 400 naming the field', async (input, message) => {
    const { status, body } = await bulk(input);
    expect(status).toBe(400);
    expect(body.error.code).toBe('invalid_body');
    expect(body.error.message).toContain(message);
  });
});
