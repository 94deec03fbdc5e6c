import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import * as schema from '../../src/db/schema';
import { openSqlite } from '../../src/db/sqlite';
import { carriedTeam } from '../../src/requests/course-team';
import { validateDraft } from '../../src/requests/draft';
import { decidePlan } from '../../src/workflows/plan';

const handle = openSqlite(':memory:');
afterAll(() => handle.close());
const config = parseConfig({ ORC_DATABASE: ':memory:', ORC_GH_OAUTH2_TOKEN: 'ghp_unused', ORC_APP_SHARED_SECRET: 'course-team-test-secret-0123456789abcdef' });
const publish = validateDraft({ type: 'publish', kind: 'xml', courseNumber: '18.01', term: '2027_Spring' }).fields!;
const plan = decidePlan(publish, config);
// GitHub is never asked while our records name the team.
const github = { teamMembers: () => Promise.reject(new Error('GitHub was asked although our records name the team')) };
const row = (id: number, type: 'new' | 'team', members: string[], remove: string[] | undefined, day: number) => ({
  id, type, status: 'completed' as const, courseNumber: '18.01', params: {}, plan: { ...plan, members, remove }, requestedAt: 1, updatedAt: Date.UTC(2027, 0, day), completedAt: Date.UTC(2027, 0, day),
});

describe('the course team carried forward after team changes', () => {
  it('applies every completed team change since the last whole team, in order, and names the latest as the source', async () => {
    await handle.db.insert(schema.requests).values([
      row(1, 'new', ['ada', 'grace'], undefined, 3),
      row(2, 'team', ['alan'], ['Grace'], 5),
      row(3, 'team', ['grace'], ['ada'], 7),
    ]);
    expect(await carriedTeam({ db: handle.db, github, timeZone: 'UTC' }, publish, plan, undefined)).toEqual({
      members: ['alan', 'grace'],
      source: { from: 'request', requestId: 3, ticketId: null, completedOn: '2027-01-07' },
    });
  });
});
