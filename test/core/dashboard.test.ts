import { afterAll, describe, expect, it } from 'vitest';
import { steps } from '../../src/db/schema';
import { agentToken, createHarness, insertRequest } from '../support/harness';

describe('GET /api/dashboard: each open request with its current step', () => {
  const h = createHarness();
  afterAll(() => h.handle.close());

  it('is the first step by position that is neither done nor skipped; none before approval or once every step is done', async () => {
    const now = h.clock.now;
    const stepRows = (requestId: number, statuses: string[]) =>
      h.handle.db.insert(steps).values(statuses.map((status, position) => ({ requestId, key: `s${position}`, title: `Step ${position}`, kind: 'auto' as const, status: status as 'pending', position, updatedAt: now })));
    const midway = await insertRequest(h, { status: 'in_progress' });
    // Inserted out of position order: the position decides, not the row id.
    await h.handle.db.insert(steps).values({ requestId: midway.id, key: 's3', title: 'Step 3', kind: 'auto', status: 'pending', position: 3, updatedAt: now });
    await stepRows(midway.id, ['done', 'skipped', 'failed']);
    const waiting = await insertRequest(h, { status: 'waiting_on_agent', ticketId: 2 });
    await stepRows(waiting.id, ['done', 'running', 'pending']);
    const unapproved = await insertRequest(h, { status: 'pending_approval', ticketId: 3 });
    const allDone = await insertRequest(h, { status: 'in_progress', ticketId: 4 });
    await stepRows(allDone.id, ['done', 'skipped']);
    const completed = await insertRequest(h, { status: 'completed', ticketId: 5 });
    await stepRows(completed.id, ['done', 'pending']);

    const res = await h.app.request('/api/dashboard', { headers: { authorization: `Bearer ${await agentToken()}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { open: { requestId: number; currentStep: { key: string; status: string } | null }[] };
    const current = Object.fromEntries(body.open.map((r) => [r.requestId, r.currentStep && `${r.currentStep.key} ${r.currentStep.status}`]));
    expect(current).toEqual({ [midway.id]: 's2 failed', [waiting.id]: 's1 running', [unapproved.id]: null, [allDone.id]: null });
  });
});
