import { sign } from 'hono/jwt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StepDefinition } from '../../src/engine/types';
import { agentToken, createHarness, insertRequest, SHARED_SECRET, type Harness } from '../support/harness';

const flow: StepDefinition[] = [
  { key: 'create-repo', title: 'Create the repository', kind: 'auto', run: async () => ({ repo: 'mitx/content-mit-801r-2027_Spring' }) },
  { key: 'delete-staging', title: 'Delete the old run from staging', kind: 'manual', instructions: () => ({ text: '1. Run delete_course', html: '<ol><li>Run delete_course</li></ol>', destructive: true }) },
  { key: 'import', title: 'Import into staging', kind: 'manual', instructions: () => ({ text: '1. Import', html: '<ol><li>Import</li></ol>' }) },
];
const rejection: StepDefinition[] = [{ key: 'notify-rejection', title: 'Tell the requester', kind: 'auto', run: async () => ({}) }];

describe('sidebar API', () => {
  let h: Harness;
  let token: string;
  beforeEach(async () => {
    h = createHarness({ workflows: (r) => (r.status === 'rejected' ? rejection : flow) });
    token = await agentToken();
  });
  afterEach(() => h.handle.close());

  const call = (path: string, init: RequestInit = {}, bearer: string | null = token) =>
    h.app.request(`/api${path}`, {
      ...init,
      headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), 'content-type': 'application/json', ...(init.headers ?? {}) },
    });
  const post = (path: string, body?: unknown) => call(path, { method: 'POST', body: body === undefined ? undefined : JSON.stringify(body) });

  describe('authentication', () => {
    it.each([
      ['no token', async () => null],
      ['a token signed with another secret', async () => agentToken({}, 'another-secret-another-secret-another-secret')],
      ['an expired token', async () => agentToken({ exp: Math.floor(Date.now() / 1000) - 10 })],
      ['a token without exp', async () => sign({ sub: '1', name: 'x' }, SHARED_SECRET, 'HS256')],
      ['a token without sub', async () => sign({ name: 'x', exp: Math.floor(Date.now() / 1000) + 60 }, SHARED_SECRET, 'HS256')],
      ['an unsigned (alg none) token', async () => `${btoa('{"alg":"none","typ":"JWT"}')}.${btoa(JSON.stringify({ sub: '1', exp: 9999999999 }))}.`],
      ['garbage', async () => 'not-a-jwt'],
    ])('refuses %s with 401', async (_name, make) => {
      const res = await call('/requests', {}, await make());
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe('unauthorized');
    });

    it('accepts a valid token', async () => {
      expect((await call('/requests')).status).toBe(200);
    });
  });

  it('shows a request by ticket with its planned steps before approval, 404 for other tickets', async () => {
    const req = await insertRequest(h, { ticketId: 77 });
    const res = await call('/tickets/77');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.request).toMatchObject({ id: req.id, ticketId: 77, type: 'new', kind: 'xml', status: 'pending_approval', courseTitle: 'Physics I' });
    expect(body.planned).toBe(true);
    expect(body.steps.map((s: { key: string; kind: string }) => `${s.key}:${s.kind}`)).toEqual(['create-repo:auto', 'delete-staging:manual', 'import:manual']);
    expect(body.steps[1].instructions).toMatchObject({ destructive: true });
    expect((await call('/tickets/78')).status).toBe(404);
    expect((await call('/tickets/abc')).status).toBe(400);
  });

  it('approves once (409 the second time), runs the plan, and records who did it', async () => {
    const req = await insertRequest(h, { ticketId: 5 });
    const first = await post(`/requests/${req.id}/approve`);
    expect(first.status).toBe(200);
    const approved = await first.json();
    expect(approved.request).toMatchObject({ status: 'in_progress', decision: 'approved', decidedBy: 'Ada Agent' });
    expect(approved.planned).toBe(false);
    const again = await post(`/requests/${req.id}/approve`);
    expect(again.status).toBe(409);
    expect((await again.json()).error.message).toContain('in progress');
    expect((await post('/requests/999/approve')).status).toBe(404);

    await h.engine.runDue();
    const view = await (await call('/tickets/5')).json();
    expect(view.steps.map((s: { status: string }) => s.status)).toEqual(['done', 'waiting', 'pending']);
    expect(view.request.status).toBe('waiting_on_agent');
    expect(view.events).toEqual([expect.objectContaining({ actor: 'agent:1001', actorName: 'Ada Agent', action: 'approved' })]);
  });

  it('refuses to complete an automatic step, requires a confirmation note for a destructive one, and skips only with a note', async () => {
    const req = await insertRequest(h);
    await post(`/requests/${req.id}/approve`);
    await h.engine.runDue();

    const auto = await post(`/requests/${req.id}/steps/create-repo/complete`, {});
    expect(auto.status).toBe(409);
    expect((await auto.json()).error.message).toContain('automatic');

    const bare = await post(`/requests/${req.id}/steps/delete-staging/complete`, {});
    expect(bare.status).toBe(400);
    expect((await bare.json()).error.details).toEqual({ field: 'note' });

    const done = await post(`/requests/${req.id}/steps/delete-staging/complete`, { note: 'Deleted course-v1:MITx+8.01r+2026_Fall from staging' });
    expect(done.status).toBe(200);
    expect((await post(`/requests/${req.id}/steps/delete-staging/complete`, { note: 'again' })).status).toBe(409);

    await h.engine.runDue();
    const noNote = await post(`/requests/${req.id}/steps/import/skip`, {});
    expect(noNote.status).toBe(400);
    const skipped = await post(`/requests/${req.id}/steps/import/skip`, { note: 'imported by hand last week' });
    expect(skipped.status).toBe(200);
    const view = await skipped.json();
    expect(view.request.status).toBe('completed');
    expect(view.steps.map((s: { status: string }) => s.status)).toEqual(['done', 'done', 'skipped']);
    expect(view.events.map((e: { action: string }) => e.action)).toEqual(['approved', 'step_completed', 'step_skipped']);
    expect((await post(`/requests/${req.id}/steps/nope/skip`, { note: 'x' })).status).toBe(404);
    expect((await post(`/requests/${req.id}/steps/create-repo/retry`)).status).toBe(409);
  });

  it('rejects only with a reason, keeps the request as rejected and runs the rejection steps', async () => {
    const req = await insertRequest(h, { ticketId: 9 });
    const noReason = await post(`/requests/${req.id}/reject`, {});
    expect(noReason.status).toBe(400);
    expect((await noReason.json()).error).toMatchObject({ code: 'reason_required', details: { field: 'reason' } });
    expect((await post(`/requests/${req.id}/reject`, { reason: '   ' })).status).toBe(400);
    expect((await (await call('/tickets/9')).json()).request.status).toBe('pending_approval');

    const res = await post(`/requests/${req.id}/reject`, { reason: 'Course 8.01r already runs this term' });
    expect(res.status).toBe(200);
    const view = await res.json();
    expect(view.request).toMatchObject({ status: 'rejected', decision: 'rejected', reason: 'Course 8.01r already runs this term', decidedBy: 'Ada Agent' });
    expect(view.steps.map((s: { key: string }) => s.key)).toEqual(['notify-rejection']);
    await h.engine.runDue();
    const after = await (await call('/tickets/9')).json();
    expect(after.request.status).toBe('rejected');
    expect(after.steps[0].status).toBe('done');
    expect((await post(`/requests/${req.id}/approve`)).status).toBe(409);
  });

  it('lists requests by status and rejects unknown statuses by name', async () => {
    await insertRequest(h, { ticketId: 1 });
    await insertRequest(h, { ticketId: 2, status: 'completed' });
    const pending = await (await call('/requests?status=pending_approval')).json();
    expect(pending.requests.map((r: { ticketId: number }) => r.ticketId)).toEqual([1]);
    const all = await (await call('/requests')).json();
    expect(all.requests).toHaveLength(2);
    const bad = await call('/requests?status=done');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toContain('status');
  });

  it('validates a draft and names every bad field', async () => {
    const res = await post('/validate', { type: 'new', courseNumber: '8 01', kind: 'XML', term: 'Spring_2027', teamMembers: 'ada, -bad-' });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.valid).toBe(false);
    expect(body.problems.map((p: { field: string }) => p.field).sort()).toEqual(['courseNumber', 'courseTitle', 'teamMembers', 'term']);
    expect(body.problems.find((p: { field: string }) => p.field === 'term').message).toContain('2027_Spring');
    expect((await post('/validate', [1, 2])).status).toBe(400);
    const ok = await (await post('/validate', { type: 'new', courseNumber: '8.01r', courseTitle: 'Physics', kind: 'xml', term: '2027_Spring', teamMembers: ['ada'] })).json();
    expect(ok).toEqual({ valid: true, problems: [] });
  });

  it('answers malformed JSON with 400 and never 500', async () => {
    const req = await insertRequest(h);
    const res = await call(`/requests/${req.id}/reject`, { method: 'POST', body: '{"reason":' });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('invalid_json');
  });
});

describe('scheduling', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness({ workflows: () => flow });
  });
  afterEach(() => h.handle.close());

  it('keeps an approved request until its start date, and an agent can run it now or move it', async () => {
    const token = await agentToken();
    const post = (path: string, body?: unknown) =>
      h.app.request(`/api${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const startAt = h.clock.now + 7 * 86_400_000;
    const req = await insertRequest(h, { startAt });
    const approved = await (await post(`/requests/${req.id}/approve`)).json();
    expect(approved.request).toMatchObject({ status: 'scheduled', startAt: new Date(startAt).toISOString() });
    expect(await h.engine.runDue()).toBe(0);

    const bad = await post(`/requests/${req.id}/reschedule`, { startAt: 'next tuesday' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toContain('startAt');
    const moved = await (await post(`/requests/${req.id}/reschedule`, { startAt: '2027-01-15' })).json();
    expect(moved.request).toMatchObject({ status: 'scheduled', startAt: '2027-01-15T00:00:00.000Z' });

    const now = await (await post(`/requests/${req.id}/run-now`)).json();
    expect(now.request).toMatchObject({ status: 'in_progress', startAt: null });
    expect(await h.engine.runDue()).toBeGreaterThan(0);
    expect(now.events.map((e: { action: string }) => e.action)).toEqual(['approved', 'rescheduled', 'started_now']);
    expect((await post(`/requests/${req.id}/run-now`)).status).toBe(409);
  });

  it('asks before a reschedule to a past day starts the work: 409 confirm_required unless confirm is true', async () => {
    const token = await agentToken();
    const post = (path: string, body?: unknown) =>
      h.app.request(`/api${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const req = await insertRequest(h, { startAt: h.clock.now + 7 * 86_400_000 });
    await post(`/requests/${req.id}/approve`);

    const asked = await post(`/requests/${req.id}/reschedule`, { startAt: '2026-11-20' });
    expect(asked.status).toBe(409);
    const error = (await asked.json()).error;
    expect(error.code).toBe('confirm_required');
    expect(error.message).toContain('is in the past: rescheduling to it starts the work now');
    expect(error.message).toMatch(/November 20, 2026 at 12:00 AM (UTC|[A-Z]{2,4})/);
    const untouched = await (await h.app.request(`/api/requests/${req.id}`, { headers: { authorization: `Bearer ${token}` } })).json();
    expect(untouched.request.status).toBe('scheduled');
    expect(untouched.events.map((e: { action: string }) => e.action)).toEqual(['approved']);
    expect(await h.engine.runDue()).toBe(0);

    expect((await post(`/requests/${req.id}/reschedule`, { startAt: '2026-11-20', confirm: 'yes' })).status).toBe(400);
    const started = await (await post(`/requests/${req.id}/reschedule`, { startAt: '2026-11-20', confirm: true })).json();
    expect(started.request).toMatchObject({ status: 'in_progress', startAt: null });
    expect(started.events.map((e: { action: string }) => e.action)).toEqual(['approved', 'started_now']);
  });

  it('refuses a desired completion date before the start date at intake, naming both fields', async () => {
    const token = await agentToken();
    const validate = async (draft: Record<string, string>) =>
      (await h.app.request('/api/validate', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(draft) })).json();
    const draft = { type: 'new', courseNumber: '8.01r', courseTitle: 'Physics I', kind: 'xml', term: '2027_Spring', teamMembers: 'ada-l', startDate: '2027-02-01' };
    const early = await validate({ ...draft, desiredCompletion: '2027-01-15' });
    expect(early.valid).toBe(false);
    expect(early.problems).toEqual([{ field: 'desiredCompletion', message: expect.stringMatching(/^2027-01-15 is before the Start date 2027-02-01: .*Desired completion date/) }]);
    expect((await validate({ ...draft, desiredCompletion: '2027-02-01' })).problems).toEqual([]);
  });
});
