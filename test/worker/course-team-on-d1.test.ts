import { join } from 'node:path';
import type { D1Database } from '@cloudflare/workers-types/latest';
import { drizzle } from 'drizzle-orm/d1';
import { migrate } from 'drizzle-orm/d1/migrator';
import { getPlatformProxy } from 'wrangler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import * as schema from '../../src/db/schema';
import type { Db } from '../../src/db/types';
import { carriedTeam } from '../../src/requests/course-team';
import { validateDraft } from '../../src/requests/draft';
import { decidePlan } from '../../src/workflows/plan';
import { ROOT } from './local-wrangler';

/** The carried team's query (SQLite's JSON1 over the stored plan) on D1 itself, as the Worker runs it. */

let proxy: Awaited<ReturnType<typeof getPlatformProxy<{ DB: D1Database }>>>;
let db: Db;
beforeAll(async () => {
  proxy = await getPlatformProxy<{ DB: D1Database }>({ configPath: join(ROOT, 'wrangler.toml'), persist: false });
  db = drizzle(proxy.env.DB, { schema }) as unknown as Db;
  await migrate(drizzle(proxy.env.DB), { migrationsFolder: join(ROOT, 'migrations') });
}, 60_000);
afterAll(() => proxy?.dispose());

describe('the course team carried forward, on D1', () => {
  it('takes the latest completed request with a team, passing over one recorded without members', async () => {
    const config = parseConfig({ ORC_DATABASE: ':memory:', ORC_GH_OAUTH2_TOKEN: 'ghp_unused', ORC_APP_SHARED_SECRET: 'course-team-on-d1-secret-0123456789abcdef' });
    const fields = validateDraft({ type: 'rerun', kind: 'xml', courseNumber: '18.01', term: '2027_Spring', newTerm: '2027_Fall' }).fields!;
    const plan = decidePlan(fields, config);
    const row = (id: number, members: string[], completedAt: number) => ({ id, type: 'new' as const, status: 'completed' as const, courseNumber: '18.01', params: {}, plan: { ...plan, members }, requestedAt: 1, updatedAt: completedAt, completedAt });
    await db.insert(schema.requests).values([row(1, ['ada', 'grace'], Date.UTC(2027, 0, 3)), row(2, [], Date.UTC(2027, 0, 4))]);
    // GitHub is never asked: our records answer.
    const github = { teamMembers: () => Promise.reject(new Error('GitHub was asked although our records name the team')) };
    expect(await carriedTeam({ db, github, timeZone: 'UTC' }, fields, plan, undefined)).toEqual({ members: ['ada', 'grace'], source: { from: 'request', requestId: 1, ticketId: null, completedOn: '2027-01-03' } });
  });
});
