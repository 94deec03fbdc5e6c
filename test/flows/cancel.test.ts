import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { requests, type RequestRow } from '../../src/db/schema';
import { stepsOf } from '../../src/engine/engine';
import type { StepDefinition } from '../../src/engine/types';
import { resumeCancellations } from '../../src/requests/actions';
import { materialisePlan } from '../../src/requests/plan';
import { cancellationFlow } from '../../src/workflows/cancellation';
import { agentToken, createHarness, insertRequest, type Harness } from '../support/harness';
import { startSandbox, type Sandbox } from './sandbox';

/** Issue 13: a request is cancelled at any stage through the HTTP API, and the ticket is told. */

const base = { course_number: '8.01r', course_title: 'Physics I', team_members: 'ada, grace', instructor: 'ada', request_type: 'new', course_kind: 'xml', term: '2027_Spring' };
const repoOf = (sb: Sandbox) => sb.sims.github.read.repo('mitx', 'content-mit-801r-2027_Spring');

describe('cancel a request through the API (sandbox)', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.close());

  async function cancelled(ticketId: number) {
    return sb.until('the cancellation notice to be done', async () => {
      const r = await sb.api(`/tickets/${ticketId}`);
      return r.body.steps.find((s: { key: string; status: string }) => s.key === 'notify-cancellation' && s.status === 'done') ? r.body : undefined;
    });
  }
  const comments = (ticketId: number) => sb.sims.zendesk.comments(ticketId);

  it('pending approval: the reason is required, the requester is told, nothing ran; a second cancel and an approval are 409', async () => {
    sb = await startSandbox();
    const { ticketId, view } = await sb.file(base);
    const id = view.request.id;
    const missing = await sb.api(`/requests/${id}/cancel`, { body: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'reason_required', details: { field: 'reason' } });
    expect((await sb.api(`/requests/${id}/cancel`, { body: { reason: '   ' } })).status).toBe(400);

    const ok = await sb.api(`/requests/${id}/cancel`, { body: { reason: 'The department moved the course to spring 2028' } });
    expect(ok.status).toBe(200);
    expect(ok.body.request).toMatchObject({ status: 'cancelled', reason: 'The department moved the course to spring 2028' });
    const again = await sb.api(`/requests/${id}/cancel`, { body: { reason: 'twice' } });
    expect(again.status).toBe(409);
    expect((await sb.api(`/requests/${id}/approve`, { method: 'POST' })).status).toBe(409);

    const done = await cancelled(ticketId);
    expect(done.steps.map((s: { key: string; status: string }) => `${s.key}:${s.status}`)).toEqual(['notify-cancellation:done']);
    expect(done.events.at(-1)).toMatchObject({ action: 'cancelled', actorName: 'Sandbox Agent' });
    const reply = comments(ticketId).filter((c) => c.public).at(-1)!;
    expect(reply.html_body).toContain('was cancelled');
    expect(reply.html_body).toContain('The department moved the course to spring 2028');
    expect(comments(ticketId).some((c) => !c.public && c.html_body.includes('nothing to undo'))).toBe(true);
    expect(sb.sims.zendesk.ticket(ticketId).status).toBe('solved');
    expect(repoOf(sb)).toBeUndefined();
  });

  it('scheduled: no step runs, every step is cancelled', async () => {
    sb = await startSandbox();
    const { ticketId } = await sb.fileAndApprove({ ...base, start_date: '2099-01-15' });
    const view = await sb.until('the request to be scheduled', async () => {
      const r = await sb.api(`/tickets/${ticketId}`);
      return r.body.request.status === 'scheduled' ? r.body : undefined;
    });
    expect((await sb.api(`/requests/${view.request.id}/cancel`, { body: { reason: 'No longer offered' } })).status).toBe(200);
    const done = await cancelled(ticketId);
    expect(done.request.status).toBe('cancelled');
    expect(done.steps.filter((s: { key: string }) => s.key !== 'notify-cancellation').every((s: { status: string }) => s.status === 'cancelled' || s.status === 'skipped')).toBe(true);
    expect((await sb.api(`/requests/${view.request.id}/run-now`, { body: {} })).status).toBe(409);
    expect(repoOf(sb)).toBeUndefined();
  });

  it('waiting on an agent: the waiting step is cancelled, the note lists what was done with how to undo it, nothing is deleted', async () => {
    sb = await startSandbox();
    const { ticketId } = await sb.fileAndApprove(base);
    const view = await sb.until('the request to wait for an agent', async () => {
      const r = await sb.api(`/tickets/${ticketId}`);
      return r.body.request.status === 'waiting_on_agent' ? r.body : undefined;
    });
    const waiting = view.steps.find((s: { status: string }) => s.status === 'waiting');
    expect((await sb.api(`/requests/${view.request.id}/cancel`, { body: { reason: 'Duplicate of another request' } })).status).toBe(200);
    const done = await cancelled(ticketId);
    expect(done.steps.find((s: { key: string }) => s.key === waiting.key).status).toBe('cancelled');
    expect((await sb.api(`/requests/${view.request.id}/steps/${waiting.key}/complete`, { body: { note: 'late' } })).status).toBe(409);
    const note = comments(ticketId).find((c) => !c.public && c.html_body.includes('Request cancelled'))!.html_body;
    expect(note).toContain('Duplicate of another request');
    expect(note).toContain('Create the repository mitx/content-mit-801r-2027_Spring');
    expect(note).toContain('Archive or delete the repository');
    expect(note).not.toContain(waiting.title);
    expect(repoOf(sb)).toBeDefined();
  });

  it('solving the ticket in Zendesk while the request is under way cancels it, with a note', async () => {
    sb = await startSandbox();
    const { ticketId } = await sb.fileAndApprove(base);
    await sb.until('the request to wait for an agent', async () => ((await sb.api(`/tickets/${ticketId}`)).body.request.status === 'waiting_on_agent' ? true : undefined));
    sb.sims.zendesk.updateAsAgent(ticketId, { status: 'solved' });
    const done = await cancelled(ticketId);
    expect(done.request.status).toBe('cancelled');
    expect(done.request.reason).toContain('solved in Zendesk');
    expect(comments(ticketId).some((c) => !c.public && c.html_body.includes('Request cancelled') && c.html_body.includes('solved in Zendesk'))).toBe(true);
  });

  it('a completed request cannot be cancelled, and the request the flow solves itself is not cancelled by its own solve', async () => {
    sb = await startSandbox({ ORC_EDX_API: 'all' });
    const { ticketId } = await sb.fileAndApprove({ ...base, course_kind: 'studio' });
    expect(await sb.followInstructions(ticketId)).toBe(0);
    const view = (await sb.api(`/tickets/${ticketId}`)).body;
    expect(view.request.status).toBe('completed');
    const res = await sb.api(`/requests/${view.request.id}/cancel`, { body: { reason: 'too late' } });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('completed');
  });
});

describe('cancel while a step is running (engine fencing)', () => {
  let h: Harness;
  afterEach(() => h?.handle.close());

  it('the running step is cancelled, its late settle changes nothing, it is never claimed again, and the notice lists it as uncertain', async () => {
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const runs: string[] = [];
    const flow: StepDefinition[] = [
      {
        key: 'create-repo',
        title: 'Create the repository',
        kind: 'auto',
        run: async () => {
          runs.push('create-repo');
          entered();
          await gate;
          return { created: true };
        },
      },
      { key: 'deploy-team', title: 'Give the deploy team access', kind: 'auto', run: async () => void runs.push('deploy-team') },
    ];
    h = createHarness({ workflows: (r) => (r.status === 'cancelled' ? cancellationFlow({ db: h.handle.db, clock: h.clock }, r) : flow) });
    const token = await agentToken();
    const post = (path: string, body?: unknown) =>
      h.app.request(`/api${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const req = await insertRequest(h, { ticketId: 9 });
    expect((await post(`/requests/${req.id}/approve`)).status).toBe(200);

    const running = h.engine.runOne();
    await inside;
    const res = await post(`/requests/${req.id}/cancel`, { reason: 'Wrong course' });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.steps.map((s: { key: string; status: string }) => `${s.key}:${s.status}`)).toEqual(['notify-cancellation:pending', 'create-repo:cancelled', 'deploy-team:cancelled']);
    release();
    await running;

    // The notice runs; the cancelled step's expired lease never brings it back.
    expect(await h.engine.runDue()).toBe(1);
    h.clock.advance(60_000);
    expect(await h.engine.runDue()).toBe(0);
    expect(runs).toEqual(['create-repo']);
    const view = await (await h.app.request(`/api/requests/${req.id}`, { headers: { authorization: `Bearer ${token}` } })).json();
    expect(view.request.status).toBe('cancelled');
    expect(view.steps.map((s: { key: string; status: string }) => `${s.key}:${s.status}`)).toEqual(['notify-cancellation:done', 'create-repo:cancelled', 'deploy-team:cancelled']);
    expect(view.steps[0].result.undo).toEqual([expect.objectContaining({ title: 'Create the repository', uncertain: true })]);
    expect(view.steps[1].result).toBeNull();
  });

  it('a crash after the status was written and before the notice: recovery writes it and the open steps are cancelled', async () => {
    const flow: StepDefinition[] = [{ key: 'create-repo', title: 'Create the repository', kind: 'auto', run: async () => ({}) }];
    const workflows = (r: RequestRow) =>
      r.status === 'cancelled' ? cancellationFlow({ db: h.handle.db, clock: h.clock }, r) : flow;
    h = createHarness({ workflows, hooks: { recover: () => resumeCancellations({ db: h.handle.db, clock: h.clock, workflows }) } });
    const req = await insertRequest(h, { status: 'in_progress', reason: 'Half-written cancel' });
    await materialisePlan(h.handle.db, workflows, req, h.clock.now);
    await h.handle.db.update(requests).set({ status: 'cancelled' }).where(eq(requests.id, req.id));

    expect(await h.engine.recoverStatuses()).toBe(1);
    await h.engine.runDue();
    expect((await stepsOf(h.handle.db, req.id)).map((s) => `${s.key}:${s.status}`)).toEqual(['notify-cancellation:done', 'create-repo:cancelled']);
    expect(await h.engine.recoverStatuses()).toBe(0);
  });
});
