import { describe, expect, it } from 'vitest';
import { courseKey } from '../../src/courses/naming';
import { EdxPermanentError } from '../../src/integrations/edx/errors';
import { CLIENT_SECRET, useEdx } from './harness';

const KEY = courseKey('MITx', '8.01r', '2027_Spring');

describe('edX access token', () => {
  const edx = useEdx({ sim: { tokenTtlSeconds: 3600 } });

  it('is fetched once and reused, also by concurrent calls', async () => {
    const { client, sim } = edx.h;
    await Promise.all([client.findCourseRun(KEY), client.findCourseRun(KEY), client.listCourseRuns()]);
    await client.findCourseRun(KEY);
    expect(sim.state.tokensIssued).toBe(1);
  });

  it('is renewed shortly before it expires, not after', async () => {
    const { client, sim, time } = edx.h;
    await client.listCourseRuns();
    time.now += 3540_000 - 1;
    await client.listCourseRuns();
    expect(sim.state.tokensIssued).toBe(1);
    time.now += 2;
    await client.listCourseRuns();
    expect(sim.state.tokensIssued).toBe(2);
    // Studio never saw an expired token.
    expect(sim.state.requests.filter((r) => r.status === 401)).toEqual([]);
  });

  it('is refreshed once when Studio answers 401, and the call goes through', async () => {
    const { client, sim } = edx.h;
    await client.listCourseRuns();
    sim.revokeTokens();
    await expect(client.listCourseRuns()).resolves.toEqual([]);
    expect(sim.state.tokensIssued).toBe(2);
    expect(sim.state.requests.filter((r) => r.status === 401)).toHaveLength(1);
  });

  it('a second 401 is permanent and says what to check, without the secret or the token', async () => {
    const { client, sim, logs } = edx.h;
    sim.faults.next({ path: /course_runs/, status: 401, count: 2, body: { detail: 'Invalid token' } });
    const err = await client.listCourseRuns().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EdxPermanentError);
    expect(String(err)).toContain('ORC_EDX_CLIENT_ID');
    expect(sim.state.tokensIssued).toBe(2);
    const tokenLine = logs.find((l) => l.includes('edx token issued'));
    expect(tokenLine).toBeDefined();
    for (const text of [String(err), JSON.stringify(err), ...logs]) {
      expect(text).not.toContain(CLIENT_SECRET);
      expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    }
  });
});

describe('edX access token with wrong credentials', () => {
  const edx = useEdx({ env: { ORC_EDX_CLIENT_SECRET: 'not-the-secret' } });

  it('fails permanently without echoing the secret', async () => {
    const err = await edx.h.client.listCourseRuns().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EdxPermanentError);
    expect(String(err)).toContain('get an edX access token');
    expect(String(err)).toContain('invalid_client');
    expect(String(err)).not.toContain('not-the-secret');
    expect(edx.h.sim.state.requests.filter((r) => r.app === 'studio')).toEqual([]);
  });
});
