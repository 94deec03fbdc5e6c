import { describe, expect, it } from 'vitest';
import { RepoNotFound } from '../../src/integrations/github/errors';
import { client, useSimulator } from './setup';

const h = useSimulator();
const files = {
  'course.xml': '<course url_name="2026_Fall" org="MITx" course="8.01r"/>\n',
  'chapter/week1.xml': '<chapter>é</chapter>\n',
  'static/image.jpg': 'JPEG',
};
const xmlOnly = (p: string) => p.endsWith('.xml');

describe('reading a branch as one archive', () => {
  it('gives every path, with the text of the files asked for, in two round trips (redirect included)', async () => {
    h.sim.seed.repo('mitx', 'course', { files });
    h.sim.stats.reset();
    const read = await (await client()).readRepoFiles('mitx', 'course', 'main', xmlOnly);
    expect(Object.fromEntries(read)).toEqual({ 'course.xml': files['course.xml'], 'chapter/week1.xml': files['chapter/week1.xml'], 'static/image.jpg': undefined });
    expect(h.sim.stats.requests.map((r) => `${r.method} ${r.path.replace(/\?.*/, '')} ${r.status}`)).toEqual([
      'GET /repos/mitx/course/tarball/main 302',
      expect.stringMatching(/^GET \/_codeload\/mitx\/course\/legacy\.tar\.gz\/main 200$/),
    ]);
  });

  it('reads another branch, and sees a push', async () => {
    h.sim.seed.repo('mitx', 'course', { files });
    const gh = await client();
    h.sim.seed.push('mitx', 'course', { 'about/overview.html': '<p>x</p>' });
    expect([...(await gh.readRepoFiles('mitx', 'course', 'main', () => true)).keys()].sort()).toEqual(['about/overview.html', 'chapter/week1.xml', 'course.xml', 'static/image.jpg']);
  });

  it('a missing repository, branch or empty repository is RepoNotFound', async () => {
    h.sim.seed.repo('mitx', 'course', { files }).repo('mitx', 'empty');
    const gh = await client();
    await expect(gh.readRepoFiles('mitx', 'nope', 'main', xmlOnly)).rejects.toBeInstanceOf(RepoNotFound);
    await expect(gh.readRepoFiles('mitx', 'course', 'no-such-branch', xmlOnly)).rejects.toBeInstanceOf(RepoNotFound);
    await expect(gh.readRepoFiles('mitx', 'empty', 'main', xmlOnly)).rejects.toBeInstanceOf(RepoNotFound);
  });

  it('retries a 502 and gets the archive', async () => {
    h.sim.seed.repo('mitx', 'course', { files });
    h.sim.fail({ method: 'GET', path: /\/tarball\//, status: 502, times: 1 });
    expect((await (await client()).readRepoFiles('mitx', 'course', 'main', xmlOnly)).get('course.xml')).toBe(files['course.xml']);
  });

  it('an archive link is refused without its token', async () => {
    h.sim.seed.repo('mitx', 'course', { files });
    const res = await h.sim.fetch(new Request('https://github.test/api/v3/_codeload/mitx/course/legacy.tar.gz/main?token=guess'));
    expect(res.status).toBe(404);
  });
});
