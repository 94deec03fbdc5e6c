import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { courseKey } from '../../src/courses/naming';
import { buildCourseTarball } from '../../src/integrations/edx/course-tarball';
import { EdxImportFailed, EdxPermanentError, EdxTransientError } from '../../src/integrations/edx/errors';
import { useEdx } from './harness';

const KEY = courseKey('MITx', '8.01r', '2027_Spring');
const course = { org: 'MITx', number: '8.01r', run: '2027_Spring', title: 'Mechanics <&> "Waves"' };

describe('course tarball import', () => {
  const edx = useEdx({ sim: { importPolls: 3 } });

  it('uploads the initial course, polls until Succeeded, heartbeating on every poll', async () => {
    const { client, sim, sleeps } = edx.h;
    sim.addRun(course);
    let beats = 0;
    const result = await client.importCourseTarball(KEY, await buildCourseTarball(course), { pollIntervalMs: 2000, heartbeat: async () => void beats++ });
    expect(result.state).toBe('Succeeded');
    expect(sim.findRun(KEY)!.imports).toEqual([
      {
        filename: '8.01r-2027_Spring.tar.gz',
        files: [
          'course/course.xml',
          'course/course/2027_Spring.xml',
          'course/policies/2027_Spring/policy.json',
          'course/policies/2027_Spring/grading_policy.json',
          'course/about/overview.html',
        ],
      },
    ]);
    expect(sleeps).toEqual([2000, 2000, 2000]);
    expect(beats).toBe(4);
  });

  it('re-importing is safe: a second import succeeds again', async () => {
    const { client, sim } = edx.h;
    sim.addRun(course);
    const archive = await buildCourseTarball(course);
    await client.importCourseTarball(KEY, archive);
    await client.importCourseTarball(KEY, archive);
    expect(sim.findRun(KEY)!.imports).toHaveLength(2);
    expect(sim.state.runs).toHaveLength(1);
  });

  it('a task that ends Failed is a permanent EdxImportFailed', async () => {
    const { client, sim } = edx.h;
    sim.addRun(course);
    const broken = { filename: 'broken.tar.gz', data: new Uint8Array(gzipSync(Buffer.from('not a tar'))) };
    await expect(client.importCourseTarball(KEY, broken)).rejects.toBeInstanceOf(EdxImportFailed);
    expect(sim.findRun(KEY)!.imports).toEqual([]);
  });

  it('gives up transiently after the timeout', async () => {
    const { client, sim } = edx.h;
    sim.addRun(course);
    const err = await client.importCourseTarball(KEY, await buildCourseTarball(course), { timeoutMs: 3000, pollIntervalMs: 2000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EdxTransientError);
    expect(String(err)).toContain('still "In Progress" after 3 s');
  });

  it('rides out a couple of 502s while polling, but not the upload', async () => {
    const { client, sim } = edx.h;
    sim.addRun(course);
    sim.faults.next({ method: 'GET', path: /import/, status: 502, count: 2 });
    await expect(client.importCourseTarball(KEY, await buildCourseTarball(course))).resolves.toMatchObject({ state: 'Succeeded' });

    sim.faults.next({ method: 'POST', path: /import/, status: 502 });
    await expect(client.importCourseTarball(KEY, await buildCourseTarball(course))).rejects.toBeInstanceOf(EdxTransientError);
  });

  it('refuses a file that is not .tar.gz before uploading, and a missing run answers 404', async () => {
    const { client, sim } = edx.h;
    await expect(client.importCourseTarball(KEY, { filename: 'course.zip', data: new Uint8Array(1) })).rejects.toBeInstanceOf(EdxPermanentError);
    expect(sim.state.requests).toEqual([]);
    await expect(client.importCourseTarball(KEY, await buildCourseTarball(course))).rejects.toThrow(/404.*does not exist/);
  });
});
