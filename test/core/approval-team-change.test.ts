import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import { openSqlite, type SqliteHandle } from '../../src/db/sqlite';
import { approvingRule } from '../../src/requests/approval';
import { assessDraft, insertRequest, requestValues } from '../../src/requests/create';
import { requests, type RequestRow } from '../../src/db/schema';
import { eq } from 'drizzle-orm';

/** The approval rules against team changes, over real rows (no network: the facts are passed in). */

const config = parseConfig({ ORC_SANDBOX: '1', ORC_EDX_API: 'all' });
let handle: SqliteHandle;
beforeEach(() => {
  handle = openSqlite(':memory:');
});
afterEach(() => handle.close());

let clock = 1_000;
/** A request as intake would store it; `completed` marks it finished at the next tick. */
async function stored(draft: Record<string, unknown>, completed = false): Promise<RequestRow> {
  const assessment = await assessDraft({ config, externalProblems: async () => [] }, draft);
  expect(assessment.problems).toEqual([]);
  const row = (await insertRequest(handle.db, requestValues(assessment, 'prof@mit.test', ++clock), null, { id: 'test' }))!;
  if (!completed) return row;
  const [done] = await handle.db.update(requests).set({ status: 'completed', completedAt: ++clock }).where(eq(requests.id, row.id)).returning();
  return done!;
}

const course = { courseNumber: '8.09', kind: 'xml', term: '2027_Spring' };
const SAME_TEAM = [{ name: 'same team', when: { type: ['publish' as const], sameTeamAsPrevious: true as const } }];
const ON_TEAM = [{ name: 'course team asks', when: { requesterOnCourseTeam: true as const } }];

describe('approval rules and team changes', () => {
  it('sameTeamAsPrevious does not hold once a team change completed on the run since', async () => {
    await stored({ ...course, type: 'new', courseTitle: 'Waves', teamMembers: 'ada, grace' }, true);
    const publish = await stored({ ...course, type: 'publish', teamMembers: 'grace, ada' });
    expect((await approvingRule(SAME_TEAM, { db: handle.db, request: publish }))?.name).toBe('same team');

    await stored({ ...course, type: 'team', teamAdd: 'ada, grace' }, true);
    expect(await approvingRule(SAME_TEAM, { db: handle.db, request: publish })).toBeUndefined();
  });

  it('requesterOnCourseTeam holds for a team change whose requester the lookup finds on the team, and nothing else', async () => {
    const change = await stored({ ...course, type: 'team', teamAdd: 'katherine' });
    const newCourse = await stored({ ...course, courseNumber: '8.10', type: 'new', courseTitle: 'Waves', teamMembers: 'ada' });
    const yes = async () => true;
    expect((await approvingRule(ON_TEAM, { db: handle.db, request: change, requesterOnCourseTeam: yes }))?.name).toBe('course team asks');
    expect(await approvingRule(ON_TEAM, { db: handle.db, request: change, requesterOnCourseTeam: async () => false })).toBeUndefined();
    // Unknown (the CLI, the plan preview) is not a yes, and the condition is for team changes only.
    expect(await approvingRule(ON_TEAM, { db: handle.db, request: change })).toBeUndefined();
    expect(await approvingRule(ON_TEAM, { db: handle.db, request: newCourse, requesterOnCourseTeam: yes })).toBeUndefined();
  });
});
