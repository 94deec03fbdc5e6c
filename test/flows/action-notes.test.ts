import { afterEach, describe, expect, it } from 'vitest';
import { TOLD_ACTIONS } from '../../src/requests/action-notes';
import { SANDBOX_AGENT } from '../../src/sandbox/agent';
import { startSandbox, type Sandbox } from './sandbox';

/**
 * Issue 13: every agent action on a request adds exactly one internal note to its ticket (who,
 * what, the note or reason), through the sidebar API and bulk alike; the action's answer does
 * not wait on Zendesk, and notes owed while Zendesk refuses arrive once each when it is back.
 * The real service in sandbox mode: tickets in the simulated Zendesk, actions over HTTP.
 */

/** The sidebar token's agent, as the sandbox's Zendesk knows them (the service looks the name up there). */
const AGENT = SANDBOX_AGENT.name;
const course = (courseNumber: string, extra: Record<string, string> = {}) => ({
  request_type: 'new',
  course_kind: 'xml',
  course_number: courseNumber,
  course_title: 'Physics',
  term: '2027_Spring',
  team_members: 'ada, grace',
  instructor: 'ada',
  ...extra,
});

interface Event {
  id: number;
  action: string;
  actor: string;
  actorName: string | null;
  detail: Record<string, unknown> | null;
}

describe('every agent action is on the ticket, once', { timeout: 120_000 }, () => {
  let sb: Sandbox;
  afterEach(async () => sb?.close());

  const internalNotes = (ticketId: number) => sb.sims.zendesk.comments(ticketId).filter((c) => !c.public);
  const view = async (ticketId: number) => (await sb.api(`/tickets/${ticketId}`)).body;
  const until = async (ticketId: number, what: string, ok: (v: any) => boolean) =>
    sb.until(what, async () => {
      const v = await view(ticketId);
      return ok(v) ? v : undefined;
    }, 60_000);
  const toldEvents = async (ticketId: number): Promise<Event[]> => (await view(ticketId)).events.filter((e: Event) => (TOLD_ACTIONS as readonly string[]).includes(e.action));

  /** Every told action of the ticket's request has exactly one internal note, carrying its marker; returns them in event order. */
  async function notesOfActions(ticketId: number): Promise<{ event: Event; html: string }[]> {
    const { request } = await view(ticketId);
    const events = await toldEvents(ticketId);
    // Owed notes are posted by the engine, after the action answered: wait until each is there.
    await sb.until('every action note on the ticket', () =>
      events.every((e) => internalNotes(ticketId).some((c) => c.html_body.includes(`[orc-marker ${request.id}/action.${e.id}]`))) ? true : undefined,
    60_000);
    return events.map((event) => {
      const notes = internalNotes(ticketId).filter((c) => c.html_body.includes(`[orc-marker ${request.id}/action.${event.id}]`));
      expect(notes, `one note for ${event.action} #${event.id}`).toHaveLength(1);
      return { event, html: notes[0]!.html_body };
    });
  }

  it('approve, mark done, skip, retry and finish by hand in the sidebar: one internal note each, naming the agent, the step and the note', async () => {
    sb = await startSandbox({ ORC_RETRY_BASE_MS: '20', ORC_RETRY_MAX_MS: '200' });
    // GitHub refuses the staging hook for good: a failed step to retry, then to finish by hand.
    sb.sims.github.fail({ method: 'POST', path: /\/repos\/mitx\/content-mit-803a-2027_Spring\/hooks$/, status: 422, times: 1000, message: 'Validation Failed: hook URL is not allowed' });
    const { ticketId, view: pending } = await sb.file(course('8.03a'));
    const id = pending.request.id;

    expect((await sb.api(`/requests/${id}/approve`, { body: {} })).status).toBe(200);
    const failed = await until(ticketId, 'the hook step to fail', (v) => v.request.status === 'failed');
    expect(failed.steps.find((s: { status: string }) => s.status === 'failed').key).toBe('staging-hook');
    expect((await sb.api(`/requests/${id}/steps/staging-hook/retry`, { body: {} })).status).toBe(200);
    await until(ticketId, 'the retried hook step to fail again', (v) => v.request.status === 'failed');
    const byHand = await sb.api(`/requests/${id}/steps/staging-hook/complete`, { body: { note: 'Added the hook by hand <b>in the UI</b>' } });
    expect(byHand.status).toBe(200);

    const waiting = await until(ticketId, 'a manual step', (v) => v.request.status === 'waiting_on_agent');
    const first = waiting.steps.find((s: { status: string }) => s.status === 'waiting');
    expect((await sb.api(`/requests/${id}/steps/${first.key}/complete`, { body: { note: 'Imported from the admin page' } })).status).toBe(200);
    // Without ORC_EDX_API both edX steps of the flow (staging import, course team) are the agent's.
    const next = await until(ticketId, 'the next manual step', (v) => v.request.status === 'waiting_on_agent' && !v.steps.some((s: { key: string; status: string }) => s.key === first.key && s.status === 'waiting'));
    const second = next.steps.find((s: { status: string }) => s.status === 'waiting');
    expect((await sb.api(`/requests/${id}/steps/${second.key}/skip`, { body: { note: 'The team is added by the department' } })).status).toBe(200);
    await until(ticketId, 'the request to complete', (v) => v.request.status === 'completed');

    const told = await notesOfActions(ticketId);
    expect(told.map((t) => t.event.action)).toEqual(['approved', 'step_retried', 'step_finished_by_hand', 'step_completed', 'step_skipped']);
    for (const { html } of told) expect(html).toContain(AGENT);
    const [approved, retried, finished, completed, skipped] = told.map((t) => t.html);
    expect(approved).toContain(`<strong>Approved</strong> by ${AGENT}`);
    expect(retried).toMatch(/Retried: .*hook/);
    expect(retried).toContain('not allowed');
    expect(finished).toMatch(/Finished by hand: .*hook/);
    // The agent's note is escaped like every value on the ticket.
    expect(finished).toContain('Added the hook by hand &lt;b&gt;in the UI&lt;/b&gt;');
    expect(completed).toContain(`Marked done: ${first.title}`);
    expect(completed).toContain('Imported from the admin page');
    expect(skipped).toContain(`Skipped: ${second.title}`);
    expect(skipped).toContain('The team is added by the department');
    expect((await view(ticketId)).request.status).toBe('completed');
    // Nothing posted twice.
    const markers = internalNotes(ticketId).flatMap((c) => c.html_body.match(/\[orc-marker [^\]]+\]/g) ?? []);
    expect(new Set(markers).size).toBe(markers.length);
  });

  it('bulk approve, run now, reject and cancel: one note each, with the reason; a scheduled request and rescheduling are told too', async () => {
    sb = await startSandbox({ ORC_EDX_API: 'all', ORC_TIMEZONE: 'America/New_York' });
    const a = await sb.file(course('8.04a', { start_date: '2099-01-15' }));
    const b = await sb.file(course('8.04b'));
    const c = await sb.file(course('8.04c'));
    const d = await sb.file(course('8.04d'));
    const bulk = (body: unknown) => sb.api('/requests/bulk', { body });

    expect((await bulk({ action: 'approve', ids: [a.view.request.id, d.view.request.id] })).body.results.every((r: { ok: boolean }) => r.ok)).toBe(true);
    await until(a.ticketId, 'the request to be scheduled', (v) => v.request.status === 'scheduled');
    expect((await sb.api(`/requests/${a.view.request.id}/reschedule`, { body: { startAt: '2099-02-01' } })).status).toBe(200);
    expect((await bulk({ action: 'run-now', ids: [a.view.request.id] })).body.results[0].ok).toBe(true);
    expect((await bulk({ action: 'reject', ids: [b.view.request.id], reason: 'Run it as 8.04 instead' })).body.results[0].ok).toBe(true);
    expect((await bulk({ action: 'cancel', ids: [c.view.request.id, d.view.request.id], reason: 'The department withdrew the course' })).body.results.every((r: { ok: boolean }) => r.ok)).toBe(true);

    const scheduled = (await notesOfActions(a.ticketId)).map((t) => t.html);
    expect(scheduled).toHaveLength(3);
    expect(scheduled[0]).toContain(`<strong>Approved</strong> by ${AGENT}. The work starts on Thursday, January 15, 2099 at 12:00 AM EST`);
    expect(scheduled[1]).toContain(`<strong>Rescheduled</strong> by ${AGENT}: the work starts on Sunday, February 1, 2099 at 12:00 AM EST`);
    expect(scheduled[2]).toContain(`<strong>Started now</strong> by ${AGENT}`);

    const [rejected] = (await notesOfActions(b.ticketId)).map((t) => t.html);
    expect(rejected).toContain(`<strong>Rejected</strong> by ${AGENT}`);
    expect(rejected).toContain('Run it as 8.04 instead');

    // A cancellation is told by its notice: one internal note with who and why (and what to undo).
    for (const { ticketId } of [c, d]) {
      await until(ticketId, 'the cancellation notice', (v) => v.steps.some((s: { key: string; status: string }) => s.key === 'notify-cancellation' && s.status === 'done'));
      const cancelled = internalNotes(ticketId).filter((n) => n.html_body.includes('Request cancelled'));
      expect(cancelled).toHaveLength(1);
      expect(cancelled[0]!.html_body).toContain(`Request cancelled</strong> by ${AGENT}: The department withdrew the course`);
    }
    expect(await notesOfActions(d.ticketId)).toHaveLength(1);
  });

  it('answers actions at once while Zendesk refuses (409, then 503), and every note arrives once when it is back', async () => {
    sb = await startSandbox({ ORC_RETRY_BASE_MS: '20', ORC_RETRY_MAX_MS: '200', ORC_STEP_MAX_ATTEMPTS: '100' });
    const { ticketId, view: pending } = await sb.file(course('8.05a'));
    const id = pending.request.id;
    sb.sims.zendesk.faults.conflictOnTicketUpdate(1_000_000);
    expect((await sb.api(`/requests/${id}/approve`, { body: {} })).status).toBe(200);
    // The request runs to its first manual step (its own notes wait in the steps' retries, not in the action).
    sb.sims.zendesk.faults.clear();
    const waiting = await until(ticketId, 'a manual step', (v) => v.request.status === 'waiting_on_agent');
    sb.sims.zendesk.faults.conflictOnTicketUpdate(8);
    sb.sims.zendesk.faults.serverError(8);
    const first = waiting.steps.find((s: { status: string }) => s.status === 'waiting');
    expect((await sb.api(`/requests/${id}/steps/${first.key}/complete`, { body: { note: 'Done while Zendesk was down' } })).status).toBe(200);
    await sb.followInstructions(ticketId);

    const told = await notesOfActions(ticketId);
    expect(told[0]!.event.action).toBe('approved');
    expect(told.find((t) => t.event.detail?.step === first.key)!.html).toContain('Done while Zendesk was down');
    // Refused posts were retried by the engine: nothing given up, nothing posted twice.
    expect(sb.logs.filter((l) => l.includes('ticket note not posted'))).toEqual([]);
    const markers = sb.sims.zendesk.comments(ticketId).flatMap((c) => c.html_body.match(/\[orc-marker [^\]]+\]/g) ?? []);
    expect(new Set(markers).size).toBe(markers.length);
  });
});
