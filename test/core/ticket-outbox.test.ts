import { afterEach, describe, expect, it } from 'vitest';
import { ticketNotes, type NoteRow } from '../../src/db/schema';
import type { StepDefinition } from '../../src/engine/types';
import { PermanentError, TransientError } from '../../src/errors';
import { resumeActionNotes } from '../../src/requests/action-notes';
import { recordEvent } from '../../src/requests/events';
import { resumeFailureNotes } from '../../src/story/hooks';
import { agentToken, createHarness, insertRequest, type Harness } from '../support/harness';

/**
 * Issue 13: the ticket's outbox. An action writes its note to the database and answers; the
 * engine posts it, retrying transient refusals; recovery writes the notes a crash kept from
 * being written. The desk here is a list the engine's `postNote` hook appends to.
 */
const flow: StepDefinition[] = [
  { key: 'create-repo', title: 'Create the repository', kind: 'auto', run: async () => ({}) },
  { key: 'import', title: 'Import into staging', kind: 'manual', instructions: () => ({ text: '1. Import', html: '<ol><li>Import</li></ol>' }) },
];

describe('the ticket outbox', () => {
  let h: Harness;
  afterEach(() => h?.handle.close());

  /** A harness whose desk refuses the first `refusals` posts with a transient error. */
  function withDesk(refusals = 0, workflows: () => StepDefinition[] = () => flow) {
    const posted: NoteRow[] = [];
    let calls = 0;
    h = createHarness({
      workflows,
      hooks: {
        postNote: async (note) => {
          if (++calls <= refusals) throw new TransientError('Zendesk PUT /tickets answered 409 DatabaseConflict');
          posted.push(note);
        },
      },
    });
    return { posted, calls: () => calls };
  }
  const call = async (path: string, body: unknown = {}) =>
    h.app.request(`/api${path}`, { method: 'POST', headers: { authorization: `Bearer ${await agentToken()}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  /** Runs due work, moving the clock past each backoff, until nothing is left. */
  async function drain() {
    for (let i = 0; i < 50; i++) {
      await h.engine.runDue();
      const next = await h.engine.nextDueAt();
      if (next === undefined) return;
      h.clock.now = Math.max(h.clock.now, next);
    }
    throw new Error(`the engine kept finding work: ${JSON.stringify(await notes())}`);
  }
  const notes = () => h.handle.db.select().from(ticketNotes);

  it('an action answers before its note is posted; refusals are retried and the note is posted once', async () => {
    const desk = withDesk(3);
    const req = await insertRequest(h, { ticketId: 77 });
    expect((await call(`/requests/${req.id}/approve`)).status).toBe(200);
    // Answered: the note is owed, not posted, and Zendesk was not called.
    expect(desk.calls()).toBe(0);
    expect(await notes()).toEqual([expect.objectContaining({ ticketId: 77, requestId: req.id, status: 'pending', public: false })]);

    await drain();
    expect(desk.calls()).toBe(4);
    expect(desk.posted).toHaveLength(1);
    expect(desk.posted[0]!.html).toContain('<strong>Approved</strong> by Ada Agent');
    expect(desk.posted[0]!.marker).toMatch(new RegExp(`^\\[orc-marker ${req.id}/action\\.\\d+\\]$`));
    expect(await notes()).toEqual([expect.objectContaining({ status: 'done', attempts: 4 })]);
  });

  it("posts a ticket's notes in the order they were owed, one at a time", async () => {
    const desk = withDesk(2);
    const req = await insertRequest(h, { ticketId: 78 });
    await call(`/requests/${req.id}/approve`);
    await h.engine.runDue();
    // The approval's note is backing off; the step's work went on, and the "mark done" note waits behind it.
    expect((await call(`/requests/${req.id}/steps/import/complete`, { note: 'Imported by hand' })).status).toBe(200);
    await drain();
    expect(desk.posted.map((n) => n.html.match(/<strong>([^<]+)<\/strong>/)?.[1])).toEqual(['Approved', 'Marked done: Import into staging']);
  });

  it('a note Zendesk refuses for good is failed, logged, and does not hold the next one back', async () => {
    const posted: string[] = [];
    h = createHarness({
      workflows: () => flow,
      hooks: {
        postNote: async (note) => {
          if (note.html.includes('Approved')) throw new PermanentError('Zendesk ticket 79 does not exist');
          posted.push(note.html);
        },
      },
    });
    const req = await insertRequest(h, { ticketId: 79 });
    await call(`/requests/${req.id}/approve`);
    await h.engine.runDue();
    await call(`/requests/${req.id}/steps/import/complete`, { note: 'x' });
    await drain();
    expect((await notes()).map((n) => [n.status, n.error])).toEqual([['failed', 'Zendesk ticket 79 does not exist'], ['done', null]]);
    expect(posted).toHaveLength(1);
    expect(h.logs.some((l) => l.includes('ticket note not posted'))).toBe(true);
  });

  it("recovery owes the note of an action whose event was written and whose note was not (a crash between), and never an old database's actions", async () => {
    const desk = withDesk();
    const old = await insertRequest(h, { ticketId: 80, courseNumber: '8.80' });
    // An action recorded before the outbox existed: never told on recovery.
    await recordEvent(h.handle.db, h.clock.now, { requestId: old.id, ticketId: 80, actor: { id: 'agent:1', name: 'Grace' }, action: 'approved', detail: {} });
    expect(await resumeActionNotes(h.handle.db, 'UTC')).toBe(0);

    const req = await insertRequest(h, { ticketId: 81 });
    await call(`/requests/${req.id}/approve`);
    await h.engine.runDue();
    // The process died after the skip's event and before its note: only the event is there.
    await recordEvent(h.handle.db, h.clock.now, { requestId: req.id, ticketId: 81, actor: { id: 'agent:1001', name: 'Ada Agent' }, action: 'step_skipped', detail: { step: 'import', note: 'Done elsewhere' } });
    expect(await resumeActionNotes(h.handle.db, 'UTC')).toBe(1);
    expect(await resumeActionNotes(h.handle.db, 'UTC')).toBe(0);
    await drain();
    expect(desk.posted.map((n) => n.ticketId)).toEqual([81, 81]);
    expect(desk.posted[1]!.html).toContain('<strong>Skipped: Import into staging</strong>, by Ada Agent');
    expect(desk.posted[1]!.html).toContain('Done elsewhere');
  });

  it("recovery owes a failed step's note once (a crash after the step failed, before its note was written)", async () => {
    const failing: StepDefinition[] = [{ key: 'hook', title: 'Add the hook', kind: 'auto', run: async () => { throw new PermanentError('GitHub refused the hook (422)'); } }];
    const desk = withDesk(0, () => failing);
    const req = await insertRequest(h, { ticketId: 82 });
    await call(`/requests/${req.id}/approve`);
    await h.engine.runDue();
    // This engine has no failure hook: as if it had died before writing the failure's note.
    expect((await notes()).some((n) => n.html.includes('Failed'))).toBe(false);
    await resumeFailureNotes(h.handle.db, h.clock);
    await resumeFailureNotes(h.handle.db, h.clock);
    await drain();
    const failures = desk.posted.filter((n) => n.html.includes('Failed: Add the hook'));
    expect(failures).toHaveLength(1);
    expect(failures[0]!.html).toContain('GitHub refused the hook (422)');
  });

  it('an engine without a desk neither claims notes nor wakes for them', async () => {
    h = createHarness({ workflows: () => flow });
    const req = await insertRequest(h, { ticketId: 83 });
    await call(`/requests/${req.id}/approve`);
    await h.engine.runDue();
    expect(await notes()).toEqual([expect.objectContaining({ status: 'pending', attempts: 0 })]);
    // Only the manual step's wait is left, and it waits for an agent: nothing is due.
    expect(await h.engine.nextDueAt()).toBeUndefined();
  });
});
