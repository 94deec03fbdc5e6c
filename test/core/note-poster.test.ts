import { afterEach, describe, expect, it } from 'vitest';
import { ticketNotes } from '../../src/db/schema';
import type { StoryComment, TicketDesk } from '../../src/story/desk';
import { notePoster, oweComment } from '../../src/story/outbox';
import { createHarness, insertRequest, type Harness } from '../support/harness';

/**
 * A note owed before its request finished (the plan note, with status open) can be posted after
 * the request's last step solved the ticket: its post failed once and backed off. It must not
 * reopen the ticket; its text is still posted.
 */
describe('posting an owed ticket note', () => {
  let h: Harness;
  afterEach(() => h?.handle.close());

  async function post(requestStatus: 'pending_approval' | 'in_progress' | 'completed' | 'rejected' | 'cancelled') {
    h = createHarness({ workflows: () => [] });
    const request = await insertRequest(h, { ticketId: 42, status: requestStatus });
    await oweComment(h.handle.db, h.clock.now, { ticketId: 42, requestId: request.id, html: '<p>plan</p>', public: false, marker: `[orc-marker ${request.id}/plan.x]`, status: 'open' });
    const [note] = await h.handle.db.select().from(ticketNotes);
    const posted: StoryComment[] = [];
    const desk = { post: async (_ticketId: number, comment: StoryComment) => void posted.push(comment) } as unknown as TicketDesk;
    await notePoster(desk, h.handle.db)(note!);
    return posted;
  }

  it('sets the status it was owed with while its request is under way', async () => {
    // Never over a ticket found solved when it is written (a note racing the last step).
    expect(await post('pending_approval')).toEqual([expect.objectContaining({ html: '<p>plan</p>', status: 'open', keepSolved: true })]);
    h.handle.close();
    expect(await post('in_progress')).toEqual([expect.objectContaining({ status: 'open' })]);
  });

  it.each(['completed', 'rejected', 'cancelled'] as const)('posts the text without the status once its request is %s', async (status) => {
    expect(await post(status)).toEqual([expect.objectContaining({ html: '<p>plan</p>', status: undefined })]);
  });
});
