import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { courseKey } from '../../src/courses/naming';
import { buildCourseTarball } from '../../src/integrations/edx/course-tarball';
import { EdxImportFailed, EdxPermanentError, EdxTransientError } from '../../src/integrations/edx/errors';
import { GITRELOAD, HOOK_SECRET, LMS_PROD, useEdx } from './harness';

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

describe('git import through the gitreload hooks', () => {
  const edx = useEdx({ sim: { gitreload: { secret: HOOK_SECRET, branches: ['master', 'live'] } } });
  const repo = 'mitx/content-mit-801r-2027_Spring';

  it('posts a signed push event to staging (gitreload) and production (edx-sysadmin) and records the answer', async () => {
    const { client, sim, prod } = edx.h;
    const staging = await client.triggerGitImport({ environment: 'staging', repo, branch: 'master' });
    expect(staging).toEqual({ environment: 'staging', hook: `${GITRELOAD}/`, status: 200, message: 'Triggered reloading branch master of content-mit-801r-2027_Spring' });
    const production = await client.triggerGitImport({ environment: 'production', repo, branch: 'live' });
    expect(production.message).toBe('Triggered reloading branch live of content-mit-801r-2027_Spring');

    expect(sim.state.gitImports).toEqual([
      { via: 'gitreload', url: `${GITRELOAD}/`, repoName: 'content-mit-801r-2027_Spring', sshUrl: `git@github.test:${repo}.git`, branch: 'master' },
    ]);
    expect(prod.state.gitImports).toEqual([
      { via: 'edx-sysadmin', url: `${LMS_PROD}/sysadmin/api/gitreload/`, repoName: 'content-mit-801r-2027_Spring', sshUrl: `git@github.test:${repo}.git`, branch: 'live' },
    ]);
  });

  it('a hook that refuses the branch is a permanent error with its message', async () => {
    const err = await edx.h.client.triggerGitImport({ environment: 'staging', repo, branch: 'feature' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EdxPermanentError);
    expect(String(err)).toMatch(/400 .*Branch feature is not the checked-out branch/);
    expect(edx.h.sim.state.gitImports).toEqual([]);
  });
});

describe('git import with a wrong hook secret and credentials in the hook URL', () => {
  const edx = useEdx({ env: { ORC_GITRELOAD_SECRET: 'wrong-secret-value', ORC_STAGING_GITRELOAD: 'https://deploy:hunter22@gr.test/' } });

  it('is refused (403), and neither secret appears in the error', async () => {
    const err = await edx.h.client.triggerGitImport({ environment: 'staging', repo: 'mitx/x', branch: 'master' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EdxPermanentError);
    expect(String(err)).toContain('403');
    expect(String(err)).not.toMatch(/hunter22|wrong-secret-value|deploy:/);
    expect(edx.h.sim.state.gitImports).toEqual([]);
  });
});
