import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import { courseKey } from '../../src/courses/naming';
import { silentLogger } from '../../src/log';
import { createEdxClient, type EdxClient } from '../../src/integrations/edx/client';
import { buildCourseTarball } from '../../src/integrations/edx/course-tarball';
import { createEdxSimulator, type EdxSimulator } from '../../src/simulators/edx/simulator';
import { edxEnv, useEdx } from './harness';

const course = { org: 'MITx', number: '8.01r', run: '2027_Spring', title: 'Mechanics' };
const KEY = courseKey(course.org, course.number, course.run);

/** Create, team, giturl and import: the calls that carry JSON, multipart and form bodies. */
async function provision(client: EdxClient, sim: EdxSimulator) {
  await client.createCourseRun({ ...course, team: [{ user: 'prof-x', role: 'instructor' }] });
  await client.setAdvancedSettings(KEY, { giturl: 'git@github.test:org/repo.git' });
  await client.importCourseTarball(KEY, await buildCourseTarball(course), { pollIntervalMs: 1 });
  expect(sim.findRun(KEY)).toMatchObject({ advanced: { giturl: 'git@github.test:org/repo.git' }, imports: [{ filename: '8.01r-2027_Spring.tar.gz' }] });
}

describe('the fetch adapter (Workers)', () => {
  const edx = useEdx({ client: { fetch: (input, init) => fetch(input, init) } });

  it('runs the same operations', async () => {
    await provision(edx.h.client, edx.h.sim);
  });
});

describe('the simulator served on loopback ports, as the sandbox does', () => {
  const servers: ServerType[] = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));

  const listen = (app: { fetch: (r: Request) => Response | Promise<Response> }) =>
    new Promise<string>((resolve) => {
      const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve(`http://127.0.0.1:${info.port}`));
      servers.push(server);
    });

  it('answers the real client over HTTP', async () => {
    const sim = createEdxSimulator({ clientSecret: edxEnv.ORC_EDX_CLIENT_SECRET });
    const [studio, lms] = await Promise.all([listen(sim.studio), listen(sim.lms)]);
    const config = parseConfig({ ...edxEnv, ORC_EDX_STUDIO_URL: studio, ORC_EDX_STAGING_URL: lms });
    await provision(createEdxClient({ config, log: silentLogger }), sim);
  });
});
