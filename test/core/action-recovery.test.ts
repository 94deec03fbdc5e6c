import { asc, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { events, requests, steps, ticketNotes } from '../../src/db/schema';
import type { Db } from '../../src/db/types';
import type { StepDefinition } from '../../src/engine/types';
import { PermanentError } from '../../src/errors';
import { recoverActionEvents } from '../../src/requests/action-recovery';
import { approveRequest, completeStep, rejectRequest, skipStep, type RequestDeps } from '../../src/requests/actions';
import { ruleActor } from '../../src/requests/approval';
import { recordEventOnce } from '../../src/requests/events';
import { ruleApprovedNote } from '../../src/story/messages';
import { createHarness, insertRequest, type Harness } from '../support/harness';
import { Killed, killedBeforeEvent } from '../support/killed';

/**
 * An action writes its row, then its audit event, then the note it owes (separate statements):
 * a SIGKILL after the row loses the event and the note, and the retried action gets a 409.
 * The crash here is a database that refuses every insert into events (the action's next write
 * after its state change); recovery then rebuilds the event from the row, once.
 */
const AGENT = { id: 'agent:1001', name: 'Ada Agent' };
const flow: StepDefinition[] = [
  { key: 'hook', title: 'Add the staging hook', kind: 'auto', run: async () => { throw new PermanentError('GitHub refused the hook'); } },
  { key: 'import', title: 'Import the course on staging', kind: 'manual' },
  { key: 'team', title: 'Add the course team', kind: 'manual' },
];

describe('an action a crash cut off from its audit event', () => {
  let h: Harness;
  afterEach(() => h?.handle.close());

  const deps = (db: Db): RequestDeps => ({ db, clock: h.clock, workflows: () => flow, engine: h.engine, wake: () => undefined, timeZone: 'UTC' });
  const eventsOf = (requestId: number) => h.handle.db.select().from(events).where(eq(events.requestId, requestId)).orderBy(asc(events.id));
  const notesOf = (ticketId: number) => h.handle.db.select().from(ticketNotes).where(eq(ticketNotes.ticketId, ticketId)).orderBy(asc(ticketNotes.id));
  const recover = (since?: number) => recoverActionEvents(h.handle.db, 'UTC', since);

  it('approval and rejection: recovery records the decision from the row, marked recovered, and owes its note once', async () => {
    h = createHarness({ workflows: () => flow });
    const approved = await insertRequest(h, { ticketId: 501 });
    const rejected = await insertRequest(h, { ticketId: 502, courseNumber: '8.02r' });
    const byRule = await insertRequest(h, { ticketId: 503, courseNumber: '8.03r' });
    const killed = killedBeforeEvent(h.handle.db);
    await expect(approveRequest(deps(killed), approved.id, AGENT, 'sidebar')).rejects.toThrow(Killed);
    h.clock.advance(1000);
    await expect(rejectRequest(deps(killed), rejected.id, 'Duplicate of 8.01r', AGENT, 'sidebar')).rejects.toThrow(Killed);
    await expect(approveRequest(deps(killed), byRule.id, ruleActor({ name: 'physics' }), 'approval rule')).rejects.toThrow(Killed);
    // The rows changed; the log and the outbox did not, and the agent's retry is refused.
    expect((await h.handle.db.select().from(requests).where(eq(requests.id, approved.id)))[0]).toMatchObject({ status: 'in_progress', decidedBy: 'Ada Agent' });
    expect(await eventsOf(approved.id)).toEqual([]);
    await expect(approveRequest(deps(h.handle.db), approved.id, AGENT, 'sidebar')).rejects.toMatchObject({ status: 409 });

    expect(await recover()).toBe(3);
    const [approval] = await eventsOf(approved.id);
    expect(approval).toMatchObject({ action: 'approved', actorName: 'Ada Agent', at: h.clock.now - 1000, detail: { recovered: true, startAt: null } });
    const [rejection] = await eventsOf(rejected.id);
    expect(rejection).toMatchObject({ action: 'rejected', actorName: 'Ada Agent', at: h.clock.now, detail: { recovered: true, reason: 'Duplicate of 8.01r' } });
    const [rule] = await eventsOf(byRule.id);
    expect(rule).toMatchObject({ action: 'approved', actor: 'rule:physics' });

    const approvalNotes = await notesOf(501);
    expect(approvalNotes).toHaveLength(1);
    expect(approvalNotes[0]).toMatchObject({ eventId: approval!.id, marker: `[orc-marker ${approved.id}/action.${approval!.id}]`, public: false });
    expect(approvalNotes[0]!.html).toContain('<strong>Approved</strong> by Ada Agent');
    expect((await notesOf(502))[0]!.html).toContain('Duplicate of 8.01r');
    expect((await notesOf(503)).map((n) => n.html)).toEqual([ruleApprovedNote('physics')]);

    // Run twice: nothing new.
    expect(await recover()).toBe(0);
    expect(await h.handle.db.select().from(events)).toHaveLength(3);
    expect(await h.handle.db.select().from(ticketNotes)).toHaveLength(3);
  });

  it('marked done, finished by hand, skipped: one event each for its step, its note once; the action racing a recovery writes none', async () => {
    h = createHarness({ workflows: () => flow });
    const request = await insertRequest(h, { ticketId: 601 });
    await approveRequest(deps(h.handle.db), request.id, AGENT, 'sidebar');
    await h.engine.runDue();
    expect((await h.handle.db.select().from(steps).where(eq(steps.key, 'hook')))[0]!.status).toBe('failed');
    const killed = killedBeforeEvent(h.handle.db);
    const before = (await eventsOf(request.id)).length;
    const notesBefore = (await notesOf(601)).length;

    h.clock.advance(1000);
    await expect(completeStep(deps(killed), request.id, 'hook', 'Added the hook in the UI', AGENT)).rejects.toThrow(Killed);
    h.clock.advance(1000);
    await expect(completeStep(deps(killed), request.id, 'import', 'Imported from the admin page', AGENT)).rejects.toThrow(Killed);
    h.clock.advance(1000);
    await expect(skipStep(deps(killed), request.id, 'team', 'The team was added by the instructor', AGENT)).rejects.toThrow(Killed);
    expect(await eventsOf(request.id)).toHaveLength(before);

    expect(await recover()).toBe(3);
    const recovered = (await eventsOf(request.id)).slice(before);
    expect(recovered.map((e) => [e.action, e.actorName, e.detail])).toEqual([
      ['step_finished_by_hand', 'Ada Agent', { recovered: true, step: 'hook', note: 'Added the hook in the UI', previousError: 'GitHub refused the hook' }],
      ['step_completed', 'Ada Agent', { recovered: true, step: 'import', note: 'Imported from the admin page' }],
      ['step_skipped', 'Ada Agent', { recovered: true, step: 'team', note: 'The team was added by the instructor' }],
    ]);
    const notes = (await notesOf(601)).slice(notesBefore);
    expect(notes.map((n) => n.eventId)).toEqual(recovered.map((e) => e.id));
    expect(notes[0]!.html).toContain('Add the staging hook');

    expect(await recover()).toBe(0);
    expect(await eventsOf(request.id)).toHaveLength(before + 3);
    // An action whose event a recovery rebuilt first (it read the row between the action's two writes) records nothing.
    expect(await recordEventOnce(h.handle.db, recovered[1]!.at, { requestId: request.id, ticketId: 601, actor: AGENT, action: 'step_completed', detail: { step: 'import' } })).toBeUndefined();
    expect(await eventsOf(request.id)).toHaveLength(before + 3);
  });

  it('a scheduled approval: the requester is told the start once, whether the kill came before or after that note', async () => {
    h = createHarness({ workflows: () => flow });
    const startAt = h.clock.now + 7 * 86_400_000;
    const request = await insertRequest(h, { ticketId: 901, startAt });
    await expect(approveRequest(deps(killedBeforeEvent(h.handle.db)), request.id, AGENT, 'sidebar')).rejects.toThrow(Killed);
    expect((await notesOf(901)).map((n) => n.marker)).toEqual([`[orc-marker ${request.id}/scheduled.${startAt}]`]);
    // The same row without that note (a kill right after the state change).
    await h.handle.db.delete(ticketNotes);
    expect(await recover()).toBe(1);
    const [approval] = await eventsOf(request.id);
    expect((await notesOf(901)).map((n) => [n.marker, n.public])).toEqual([
      [`[orc-marker ${request.id}/scheduled.${startAt}]`, true],
      [`[orc-marker ${request.id}/action.${approval!.id}]`, false],
    ]);
    expect(await recover()).toBe(0);
    expect(await notesOf(901)).toHaveLength(2);
  });

  it("the Worker's window: a row finished before `since` is left to a Node start, which looks at all", async () => {
    h = createHarness({ workflows: () => flow });
    const request = await insertRequest(h, { ticketId: 701 });
    await expect(approveRequest(deps(killedBeforeEvent(h.handle.db)), request.id, AGENT, 'sidebar')).rejects.toThrow(Killed);
    expect(await recover(h.clock.now + 1)).toBe(0);
    expect(await recover(h.clock.now)).toBe(1);
    expect(await recover()).toBe(0);
  });

  it('an action that is not cut off records its event once, as before', async () => {
    h = createHarness({ workflows: () => flow });
    const request = await insertRequest(h, { ticketId: 801 });
    await approveRequest(deps(h.handle.db), request.id, AGENT, 'sidebar');
    expect((await eventsOf(request.id)).map((e) => [e.action, e.detail])).toEqual([['approved', { via: 'sidebar', startAt: null }]]);
    expect(await recover()).toBe(0);
    expect(await notesOf(801)).toHaveLength(1);
  });
});
