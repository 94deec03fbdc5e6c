import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/db/sqlite';
import { FIELDS, type FieldKey } from '../../src/courses/request-fields';
import { loadZendeskIds } from '../../src/db/zendesk-objects';
import { ticketToDraft } from '../../src/integrations/zendesk/ticket-to-draft';
import { validateDraft } from '../../src/requests/draft';
import { runSetup, zendeskWorld } from './world';

let world: ReturnType<typeof zendeskWorld>;
beforeEach(async () => {
  world = zendeskWorld();
  expect((await runSetup(world.env)).code).toBe(0);
});
afterEach(() => world.close());

async function fieldIds() {
  const db = openSqlite(world.env.ORC_DATABASE);
  try {
    return (await loadZendeskIds(db.db)).fields;
  } finally {
    db.close();
  }
}

const everyField = {
  request_type: 'rerun',
  course_number: '8.01r',
  course_title: 'Classical Mechanics',
  course_kind: 'xml',
  term: '2027_Spring',
  new_term: '2027_Fall',
  team_members: 'alice, bob-2',
  team_add: 'carol',
  team_remove: 'dave',
  team: 'physics-801',
  instructor: 'W. Lewin',
  weeks: 14,
  evaluation_criteria: 'problem sets',
  preexisting_resources: 'OCW notes',
  initial_repo: 'mitx/content-mit-801r-2026_Fall',
  description: 'Newtonian mechanics',
  start_date: '2027-01-15',
  desired_completion: '2027-02-01',
  decision: 'reject',
  rejection_reason: 'duplicate of #12',
} satisfies Record<FieldKey, string | number>;

describe('ticketToDraft', () => {
  it('maps every catalogue field of a real (simulated) ticket', async () => {
    const ticketId = world.sim.createTicketAsRequester({ email: 'prof@mit.test', fields: everyField });
    const ticket = await world.adapter().getTicket(ticketId);
    expect(Object.keys(everyField).sort()).toEqual(FIELDS.map((f) => f.key).sort());

    expect(ticketToDraft(ticket, await fieldIds())).toEqual({
      draft: {
        type: 'rerun',
        courseNumber: '8.01r',
        courseTitle: 'Classical Mechanics',
        kind: 'xml',
        term: '2027_Spring',
        newTerm: '2027_Fall',
        teamMembers: 'alice, bob-2',
        teamAdd: 'carol',
        teamRemove: 'dave',
        team: 'physics-801',
        instructor: 'W. Lewin',
        weeks: '14',
        evaluationCriteria: 'problem sets',
        preexistingResources: 'OCW notes',
        initialRepo: 'mitx/content-mit-801r-2026_Fall',
        description: 'Newtonian mechanics',
        startDate: '2027-01-15',
        desiredCompletion: '2027-02-01',
        requester: 'prof@mit.test',
      },
      decision: 'reject',
      rejectionReason: 'duplicate of #12',
    });
    expect(validateDraft(ticketToDraft(ticket, await fieldIds()).draft).problems).toEqual([]);
  });

  it('leaves empty fields out and passes unknown tags through for validation to name', async () => {
    const ticketId = world.sim.createTicketAsRequester({ email: 'prof@mit.test', fields: { request_type: 'orc_type_move', course_number: '  ', decision: null } });
    const { draft, decision } = ticketToDraft(await world.adapter().getTicket(ticketId), await fieldIds());
    expect(draft).toEqual({ type: 'orc_type_move', requester: 'prof@mit.test' });
    expect(decision).toBeUndefined();
    expect(validateDraft(draft).problems.map((p) => p.field)).toContain('type');
  });
});
