import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { registerPlanCommand } from '../../src/cli/plan';
import { captured } from '../cli/io';
import { startSandbox, type Sandbox } from './sandbox';

/**
 * A note the outbox gives up on is not lost from sight: the request's view (the sidebar's) and
 * `orcoursetrion plan --request` say how many notes the ticket was never told and why, with each
 * note's first line, and an agent retries them (POST /api/requests/:id/notes/retry), an action
 * told on the ticket like any other. The real service in sandbox mode against the Zendesk simulator.
 */

const course = (courseNumber: string) => ({ request_type: 'new', course_kind: 'xml', course_number: courseNumber, course_title: 'Physics', term: '2027_Spring', team_members: 'ada, grace', instructor: 'ada' });

describe('notes that could not be posted to the ticket', { timeout: 120_000 }, () => {
  let sb: Sandbox;
  afterEach(async () => sb?.close());

  const view = async (ticketId: number) => (await sb.api(`/tickets/${ticketId}`)).body;
  const deliveriesOwed = () => {
    const db = new Database(sb.service.config.ORC_DATABASE, { readonly: true });
    try {
      return (db.prepare(`SELECT count(*) AS n FROM webhook_deliveries WHERE status IN ('pending', 'running')`).get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
  const markerCount = (ticketId: number, marker: string) => sb.sims.zendesk.comments(ticketId).filter((c) => c.html_body.includes(`[orc-marker ${marker}]`)).length;
  /** Files a course and waits until its plan note is on the ticket (nothing is owed any more). */
  async function filed(courseNumber: string) {
    const { ticketId, view: pending } = await sb.file(course(courseNumber));
    const id: number = pending.request.id;
    await sb.until('the plan note on the ticket', () => (sb.sims.zendesk.comments(ticketId).some((c) => c.html_body.includes(`[orc-marker ${id}/plan.`)) ? true : undefined));
    // The note's own update fires a webhook; once it is processed, nothing will read the ticket
    // again, so closing it next cannot be seen by intake (which would cancel the request).
    await sb.sims.zendesk.idle();
    await sb.until('every webhook delivery processed', () => (deliveriesOwed() === 0 ? true : undefined));
    return { ticketId, id };
  }
  const failedNotes = (ticketId: number, count: number) =>
    sb.until(`${count} failed notes`, async () => {
      const v = await view(ticketId);
      return v.failedNotes?.count === count ? v : undefined;
    }, 60_000);

  it('a ticket closed in Zendesk refuses the note for good: the view says so and what to do instead; a retry is refused the same way, once', async () => {
    sb = await startSandbox({ ORC_RETRY_BASE_MS: '20', ORC_RETRY_MAX_MS: '200' });
    const { ticketId, id } = await filed('8.04');
    sb.sims.zendesk.closeTicket(ticketId);
    const putsBefore = sb.sims.zendesk.requests.filter((r) => r.method === 'PUT').length;

    expect((await sb.api(`/requests/${id}/reschedule`, { body: { startAt: '2099-01-05' } })).status).toBe(200);
    const v = await failedNotes(ticketId, 1);
    expect(v.failedNotes.headline).toMatch(new RegExp(`^1 note could not be posted to the ticket: Zendesk ticket ${ticketId} is closed and takes no more comments`));
    expect(v.failedNotes.headline).toContain('create a follow-up ticket');
    expect(v.failedNotes.notes).toEqual([expect.objectContaining({ public: false, firstLine: expect.stringMatching(/^Rescheduled by Sandbox Agent: the work starts on /) })]);
    // Permanent: one PUT, refused with the simulator's 422, not retried with backoff.
    expect(sb.sims.zendesk.requests.filter((r) => r.method === 'PUT').length - putsBefore).toBe(1);

    // The CLI's plan of the request says it too.
    const cli = captured({ ORC_DATABASE: sb.service.config.ORC_DATABASE, ORC_APP_SHARED_SECRET: 'plan-test-shared-secret-0123456789abcdef' });
    registerPlanCommand(cli.program, cli.cli);
    expect(await cli.run(['plan', '--request', String(id)])).toBe(0);
    expect(cli.io.out).toContain(`1 note could not be posted to the ticket: Zendesk ticket ${ticketId} is closed`);
    expect(cli.io.out).toMatch(/internal note of \S+: Rescheduled by Sandbox Agent/);
    expect(cli.io.out).toContain(`Retry them from the ticket's sidebar (Retry) or with POST /api/requests/${id}/notes/retry; or dismiss them with a reason (Dismiss, or POST /api/requests/${id}/notes/dismiss).`);

    // Retrying is accepted (the agent may not know), and Zendesk refuses again: the note and the retry's own note.
    const retried = await sb.api(`/requests/${id}/notes/retry`, { body: {} });
    expect(retried.status).toBe(200);
    expect(retried.body.failedNotes).toBeNull();
    const again = await failedNotes(ticketId, 2);
    expect(again.failedNotes.notes.map((n: { firstLine: string }) => n.firstLine)).toEqual([expect.stringMatching(/^Rescheduled by/), 'Retried 1 note that could not be posted to this ticket, by Sandbox Agent; they come before this one.']);

    // The way out: dismissed with a reason (required), kept in the history, not told on the ticket.
    const unexplained = await sb.api(`/requests/${id}/notes/dismiss`, { body: {} });
    expect(unexplained.status).toBe(400);
    expect(unexplained.body.error).toMatchObject({ code: 'note_required', details: { field: 'note' } });
    const putsBeforeDismiss = sb.sims.zendesk.requests.filter((r) => r.method === 'PUT').length;
    const dismissed = await sb.api(`/requests/${id}/notes/dismiss`, { body: { note: 'ticket closed; told the requester on the follow-up ticket' } });
    expect(dismissed.status).toBe(200);
    expect(dismissed.body.failedNotes).toBeNull();
    expect(dismissed.body.events.find((e: { action: string }) => e.action === 'notes_dismissed')?.detail).toEqual({ notes: 2, note: 'ticket closed; told the requester on the follow-up ticket' });
    expect((await view(ticketId)).failedNotes).toBeNull();
    expect(sb.sims.zendesk.requests.filter((r) => r.method === 'PUT').length).toBe(putsBeforeDismiss);
    expect((await sb.api(`/requests/${id}/notes/dismiss`, { body: { note: 'again' } })).status).toBe(409);
  });

  it('notes Zendesk kept refusing are posted once each when an agent retries them, in their order, then the retry note; a second retry is 409', async () => {
    sb = await startSandbox({ ORC_RETRY_BASE_MS: '20', ORC_RETRY_MAX_MS: '200', ORC_STEP_MAX_ATTEMPTS: '2' });
    const { ticketId, id } = await filed('8.05');
    // Every ticket update conflicts (409, transient) until the note has spent its attempts.
    sb.sims.zendesk.faults.conflictOnTicketUpdate(1_000_000);
    expect((await sb.api(`/requests/${id}/reschedule`, { body: { startAt: '2099-01-05' } })).status).toBe(200);
    const v = await failedNotes(ticketId, 1);
    expect(v.failedNotes.headline).toMatch(/^1 note could not be posted to the ticket: .*409/);
    sb.sims.zendesk.faults.clear();

    const retried = await sb.api(`/requests/${id}/notes/retry`, { body: {} });
    expect(retried.status).toBe(200);
    const events = retried.body.events as { id: number; action: string; detail: Record<string, unknown> }[];
    const rescheduled = events.find((e) => e.action === 'rescheduled')!;
    const retry = events.find((e) => e.action === 'notes_retried')!;
    expect(retry.detail).toMatchObject({ notes: 1, previousError: expect.stringContaining('409') });

    await sb.until('both notes on the ticket', () => (markerCount(ticketId, `${id}/action.${retry.id}`) === 1 ? true : undefined), 60_000);
    expect(markerCount(ticketId, `${id}/action.${rescheduled.id}`)).toBe(1);
    const comments = sb.sims.zendesk.comments(ticketId).map((c) => c.html_body);
    const at = (eventId: number) => comments.findIndex((html) => html.includes(`[orc-marker ${id}/action.${eventId}]`));
    expect(at(rescheduled.id)).toBeLessThan(at(retry.id));
    expect((await view(ticketId)).failedNotes).toBeNull();

    const second = await sb.api(`/requests/${id}/notes/retry`, { body: {} });
    expect(second.status).toBe(409);
    expect(second.body.error.message).toContain('no ticket note that failed to post');
  });
});
