import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../../src/server';
import { serviceComments } from './support/invariants';
import { api, createWorld, driveTicket, sleep, startInProcess, ticketView, type TicketView, type World } from './support/world';

/**
 * `<script>`, quotes and markdown/HTML in every ticket field: the HTML the service writes
 * (ticket comments, the API's instruction HTML for the sidebar) must show them as text.
 */
// Under 100 characters: the longest some fields (instructor) accept.
const HOSTILE = `<script>alert("x")</script>"q"'a'**b**[l](javascript:x)<img src=x onerror=alert(1)>&<b>bold</b>`;

/** Fits fields of at most 50 characters (term), so validation quotes it back rather than only its length. */
const SHORT = `<script>alert(1)</script>"'**b**`;

/** Live markup a hostile value could smuggle in (escaped text like &lt;script&gt; is fine). */
function expectInert(html: string, where: string): void {
  expect(html, where).not.toMatch(/<script|<img|<b>bold|href\s*=\s*["']?javascript:/i);
}
const escapedScript = /&lt;script&gt;|&#60;script&#62;/;

describe('injection: hostile ticket fields are escaped wherever the service writes HTML', () => {
  let world: World;
  let service: RunningService;

  beforeAll(async () => {
    world = await createWorld();
    ({ service } = await startInProcess(world));
  }, 30_000);
  afterAll(async () => {
    await service?.close();
    await world?.close();
  });

  it('a valid request with hostile title, description and instructor: notes, instructions and the final comment', async () => {
    const ticketId = world.sims.zendesk.createTicketAsRequester({
      email: 'prof@mit.test',
      subject: HOSTILE,
      fields: { request_type: 'new', course_kind: 'xml', course_number: '5.01x', course_title: HOSTILE, term: '2027_Spring', team_members: 'ada', instructor: HOSTILE, description: HOSTILE, weeks: 12 },
    });
    // Collect the sidebar's instruction HTML as each manual step waits.
    const instructionHtml: string[] = [];
    const collecting = (async () => {
      for (let i = 0; i < 1000; i++) {
        const view: TicketView | undefined = await ticketView(world, ticketId);
        for (const s of view?.steps ?? []) if (s.instructions?.html) instructionHtml.push(s.instructions.html);
        if (view?.request.status === 'completed' || view?.request.status === 'failed') return;
        await sleep(30);
      }
    })();
    const view = await driveTicket(world, ticketId);
    await collecting;
    expect(view.request.status).toBe('completed');

    expect(instructionHtml.length).toBeGreaterThan(0);
    instructionHtml.forEach((h, i) => expectInert(h, `instructions ${i}`));
    const comments = serviceComments(world.sims, ticketId);
    comments.forEach((c, i) => expectInert(c.html_body, `comment ${i}`));
    // The hostile value was really shown (escaped), not silently dropped.
    expect(comments.some((c) => escapedScript.test(c.html_body))).toBe(true);
    // The API's JSON carries the raw value (the sidebar renders it as text); only HTML is escaped.
    const raw = await api(world, `/tickets/${ticketId}`);
    expect(raw.text).toContain('\\"q\\"');
  }, 60_000);

  it('an invalid request with hostile values in every field: the public reply names them, escaped', async () => {
    const ticketId = world.sims.zendesk.createTicketAsRequester({
      email: 'prof@mit.test',
      subject: HOSTILE,
      fields: { request_type: 'rerun', course_kind: 'xml', course_number: SHORT, course_title: HOSTILE, term: SHORT, new_term: SHORT, team_members: SHORT, instructor: HOSTILE, description: HOSTILE, weeks: SHORT },
    });
    const end = Date.now() + 20_000;
    let replies: ReturnType<typeof serviceComments> = [];
    while (Date.now() < end) {
      replies = serviceComments(world.sims, ticketId).filter((c) => c.public);
      if (replies.length > 0) break;
      await sleep(50);
    }
    expect(replies.length).toBeGreaterThan(0);
    for (const c of serviceComments(world.sims, ticketId)) expectInert(c.html_body, 'reply');
    // The reply quotes the bad course number back, escaped.
    expect(replies.some((c) => escapedScript.test(c.html_body)), replies.map((c) => c.html_body).join('\n')).toBe(true);
    const view = await ticketView(world, ticketId);
    expect(view?.request.status).toBe('waiting_on_requester');
    for (const s of view?.steps ?? []) if (s.instructions?.html) expectInert(s.instructions.html, `plan step ${s.key}`);
  }, 30_000);
});
