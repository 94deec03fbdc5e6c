import { describe, expect, it } from 'vitest';
import { courseKey } from '../../src/courses/naming';
import { EdxPermanentError } from '../../src/integrations/edx/errors';
import { useEdx } from './harness';

const KEY = courseKey('MITx', '8.01r', '2027_Spring');
const GITURL = 'git@github.test:MITx-Studio2LMS/content-mit-801r-2027_Spring.git';

describe('course team', () => {
  const edx = useEdx();

  it('adds only missing roles with PATCH, keeps everyone else, and a repeat writes nothing', async () => {
    const { client, sim } = edx.h;
    sim.addRun({ org: 'MITx', number: '8.01r', run: '2027_Spring', team: [{ user: 'old-admin', role: 'instructor' }] });
    const members = [
      { user: 'prof-x', role: 'instructor' as const },
      { user: 'ta-1', role: 'staff' as const },
      { user: 'old-admin', role: 'instructor' as const },
    ];
    expect((await client.addCourseTeam(KEY, members)).added).toEqual(members.slice(0, 2));
    expect(sim.findRun(KEY)!.team).toEqual([{ user: 'old-admin', role: 'instructor' }, ...members.slice(0, 2)]);

    const writes = sim.state.requests.filter((r) => r.method !== 'GET').length;
    expect((await client.addCourseTeam(KEY, members)).added).toEqual([]);
    expect(sim.state.requests.filter((r) => r.method !== 'GET').length).toBe(writes);
    expect(sim.state.requests.some((r) => r.method === 'PUT')).toBe(false);
  });

  it('a run that does not exist is a permanent error', async () => {
    await expect(edx.h.client.addCourseTeam(KEY, [{ user: 'prof-x', role: 'staff' }])).rejects.toThrow(/404/);
  });
});

describe('advanced settings', () => {
  const edx = useEdx();

  it('sets giturl, verifies it stuck, and a repeat writes nothing', async () => {
    const { client, sim } = edx.h;
    sim.addRun({ org: 'MITx', number: '8.01r', run: '2027_Spring' });
    expect(await client.setAdvancedSettings(KEY, { giturl: GITURL })).toEqual({ changed: ['giturl'] });
    expect(sim.findRun(KEY)!.advanced.giturl).toBe(GITURL);
    expect(await client.setAdvancedSettings(KEY, { giturl: GITURL })).toEqual({ changed: [] });
    expect(sim.state.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  it('says so when Studio drops giturl (git export disabled)', async () => {
    const { client, sim } = edx.h;
    sim.addRun({ org: 'MITx', number: '8.01r', run: '2027_Spring' });
    sim.quirks.hideGiturl = true;
    const err = await client.setAdvancedSettings(KEY, { giturl: GITURL }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EdxPermanentError);
    expect(String(err)).toContain('ENABLE_EXPORT_GIT');
  });
});
