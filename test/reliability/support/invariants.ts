import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { TOLD_ACTIONS } from '../../../src/requests/action-notes';
import type { SimulatorServers } from '../../support/simulator-servers';
import type { TicketView } from './world';

const MARKER = /\[orc-marker [^\]]+\]/g;

/** The service's comments on a ticket (not the requester's, not the agent macro's). */
export function serviceComments(sims: SimulatorServers, ticketId: number) {
  return sims.zendesk.comments(ticketId).filter((c) => c.author_id === sims.zendesk.apiUserId);
}

/** No marker twice and no body twice: a resumed or retried step never posts its comment again. */
export function expectNoDuplicateComments(sims: SimulatorServers, ticketId: number): void {
  const comments = serviceComments(sims, ticketId);
  const markers = comments.flatMap((c) => c.html_body.match(MARKER) ?? []);
  expect(markers.length, 'every service comment carries a marker').toBeGreaterThanOrEqual(comments.length);
  expect(markers.filter((m, i) => markers.indexOf(m) !== i), `duplicate markers on ticket ${ticketId}`).toEqual([]);
  const bodies = comments.map((c) => c.html_body);
  expect(bodies.filter((b, i) => bodies.indexOf(b) !== i), `duplicate comment bodies on ticket ${ticketId}`).toEqual([]);
}

/** The plan note (issue 13): on the ticket once, whatever agents, conflicts and crashes did meanwhile. */
export function expectPlanNote(sims: SimulatorServers, ticketId: number): void {
  const plans = serviceComments(sims, ticketId).filter((c) => !c.public && c.html_body.includes('Course request is valid'));
  const seen = sims.zendesk.comments(ticketId).map((c) => `${c.author_id}${c.public ? ' public' : ''}: ${c.plain_body.slice(0, 60)}`);
  expect(plans, `the plan note on ticket ${ticketId}; its comments:\n${seen.join('\n')}`).toHaveLength(1);
}

/**
 * Every agent action on the ticket's request (issue 13) is on the ticket exactly once: one
 * internal note carrying the marker of its audit event, naming who acted. Returns how many.
 */
export function expectActionNotesOnce(sims: SimulatorServers, dbPath: string, ticketId: number): number {
  const db = new Database(dbPath, { readonly: true });
  let events: { id: number; request_id: number; action: string; actor: string; actor_name: string | null }[];
  try {
    events = db
      .prepare(`SELECT id, request_id, action, actor, actor_name FROM events WHERE ticket_id = ? AND action IN (${TOLD_ACTIONS.map(() => '?').join(', ')}) ORDER BY id`)
      .all(ticketId, ...TOLD_ACTIONS) as typeof events;
  } finally {
    db.close();
  }
  const comments = serviceComments(sims, ticketId);
  for (const event of events) {
    const notes = comments.filter((c) => c.html_body.includes(`[orc-marker ${event.request_id}/action.${event.id}]`));
    expect(notes.map((n) => n.public), `one internal note for ${event.action} (event ${event.id}) on ticket ${ticketId}`).toEqual([false]);
    // A rule is named as such (its actor name quotes it); anyone else by name.
    expect(notes[0]!.html_body).toContain(event.actor.startsWith('rule:') ? event.actor.slice('rule:'.length) : (event.actor_name ?? event.actor));
  }
  return events.length;
}

export interface XmlCourse {
  courseNumber: string;
  term: string;
  members: string[];
}

export const repoNameOf = (c: Pick<XmlCourse, 'courseNumber' | 'term'>) => `content-mit-${c.courseNumber.replace(/\./g, '')}-${c.term}`;

/**
 * A finished new-XML-course request left exactly one repo, with the deploy team and a course
 * team of exactly the requested members, one staging hook, and no duplicate ticket comment.
 */
export function expectNewXmlCourseOnce(sims: SimulatorServers, view: TicketView, ticketId: number, course: XmlCourse): void {
  const detail = view.steps.map((s) => `${s.key}:${s.status}:${s.error ?? ''}`).join(', ');
  expect(view.request.status, detail).toBe('completed');
  expect(view.steps.every((s) => s.status === 'done' || s.status === 'skipped'), detail).toBe(true);
  const name = repoNameOf(course);
  const gh = sims.github.read;
  expect(gh.repoNames('mitx').filter((n) => n.toLowerCase() === name.toLowerCase())).toEqual([name]);
  const repo = gh.repo('mitx', name)!;
  const teamSlug = name.toLowerCase();
  expect(repo.teams).toEqual({ [teamSlug]: 'push', 'mitx-content-deployment': 'push' });
  expect(gh.team('mitx', teamSlug)?.members).toEqual([...course.members].sort());
  expect(gh.teamNames('mitx').filter((t) => t.toLowerCase().startsWith(teamSlug))).toHaveLength(1);
  expect(repo.hooks.map((h) => h.url)).toEqual([sims.env.ORC_STAGING_GITRELOAD]);
  expect(Object.keys(repo.files)).toEqual(expect.arrayContaining(['course.xml', `course/${course.term}.xml`, `policies/${course.term}/policy.json`]));
  expectNoDuplicateComments(sims, ticketId);
  expectPlanNote(sims, ticketId);
  const ticket = sims.zendesk.ticket(ticketId);
  expect(ticket.status).toBe('solved');
}
