import { afterEach, describe, expect, it } from 'vitest';
import { edxSites, githubPage, lmsPage, studioPage } from '../../src/instructions/sites';
import { startSandbox, type Sandbox } from './sandbox';

/**
 * Every link the service writes into a ticket (instructions, step reports, the final reply)
 * opens a page of the simulated GitHub, Studio or LMS in the sandbox, and so do the links on
 * those pages; an address naming nothing answers an HTML 404. Plain HTTP, as a browser asks.
 * The new courses done by hand (no edX API) are followed in headless Chromium from the help
 * desk's rendering of the ticket: test/sidebar/ticket-links.test.ts.
 */

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
/** The links of a page or comment: its anchors' targets (not the icon's or a stylesheet's). */
const hrefsIn = (html: string) => [...html.matchAll(/<a\b[^>]*\bhref="([^"]*)"/g)].map((m) => unescape(m[1]!));
const ticketLinks = (sb: Sandbox, ticketIds: number[]) => [...new Set(ticketIds.flatMap((id) => sb.sims.zendesk.comments(id).flatMap((c) => hrefsIn(c.html_body))))];

/** A browser's visit: no Authorization, HTML accepted. */
const visit = (url: string) => fetch(url, { headers: { accept: 'text/html,application/xhtml+xml' } });

/** Opens each link and each link on the pages it finds (one level), expecting HTML pages; returns what was opened. */
async function expectPagesBehind(links: string[]): Promise<Map<string, string>> {
  const opened = new Map<string, string>();
  const open = async (url: string) => {
    if (opened.has(url)) return;
    const res = await visit(url);
    const body = await res.text();
    expect({ url, status: res.status, type: res.headers.get('content-type') }).toEqual({ url, status: 200, type: 'text/html; charset=UTF-8' });
    opened.set(url, body);
  };
  for (const link of links) await open(link);
  for (const [url, body] of [...opened]) for (const href of hrefsIn(body)) await open(new URL(href, url).toString());
  return opened;
}

async function expectNotFoundPage(url: string) {
  const res = await visit(url);
  expect({ url, status: res.status, type: res.headers.get('content-type') }).toEqual({ url, status: 404, type: 'text/html; charset=UTF-8' });
  expect(await res.text()).toContain('Page not found');
}

describe('every link in a completed ticket opens a page', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.close());

  it('with the edX APIs: new XML and Studio courses, then publish: staging and production links', async () => {
    sb = await startSandbox({ ORC_EDX_API: 'all' });
    const env = sb.service.config;
    const xml = await sb.fileAndApprove({ request_type: 'new', course_number: '8.01r', course_title: 'Physics I', course_kind: 'xml', term: '2027_Spring', team_members: 'ada grace' });
    expect(await sb.followInstructions(xml.ticketId)).toBe(0);
    const studio = await sb.fileAndApprove({ request_type: 'new', course_number: '18.06', course_title: 'Linear <b>Algebra</b>', course_kind: 'studio', term: '2027_Spring', team_members: 'ada' });
    expect(await sb.followInstructions(studio.ticketId)).toBe(0);
    // Course staff add the image the quality check wants, then the course is published.
    sb.sims.github.seed.push('mitx', 'content-mit-801r-2027_Spring', { 'static/images_course_image.jpg': 'JPEG' }, 'Add the course image');
    const publish = await sb.fileAndApprove({ request_type: 'publish', course_number: '8.01r', course_title: 'Physics I', course_kind: 'xml', term: '2027_Spring', team_members: 'ada grace' });
    expect(await sb.followInstructions(publish.ticketId)).toBe(0);
    for (const { ticketId } of [xml, studio, publish]) expect(sb.sims.zendesk.ticket(ticketId).status).toBe('solved');

    const links = ticketLinks(sb, [xml.ticketId, studio.ticketId, publish.ticketId]);
    for (const expected of [
      `${env.ORC_EDX_STAGING_URL}/courses/course-v1:MITx+8.01r+2027_Spring/course/`,
      `${env.ORC_EDX_STAGING_URL}/sysadmin/gitlogs/`,
      `${env.ORC_EDX_PRODUCTION_URL}/courses/course-v1:MITx+8.01r+2027_Spring/course/`,
      `${env.ORC_EDX_PRODUCTION_URL}/courses/course-v1:MITx+8.01r+2027_Spring/about`,
      `${env.ORC_EDX_PRODUCTION_URL}/sysadmin/gitlogs/`,
      `${env.ORC_EDX_STUDIO_URL}/course/course-v1:MITx+18.06+2027_Spring`,
      `${env.ORC_EDX_STUDIO_URL}/settings/advanced/course-v1:MITx+18.06+2027_Spring`,
    ]) {
      expect(links).toContain(expected);
    }
    const pages = await expectPagesBehind(links);
    expect(pages.get(`${env.ORC_EDX_PRODUCTION_URL}/sysadmin/gitlogs/`)).toContain('content-mit-801r-2027_Spring.git');
    const outline = pages.get(`${env.ORC_EDX_STUDIO_URL}/course/course-v1:MITx+18.06+2027_Spring`)!;
    expect(outline).toContain('Linear &lt;b&gt;Algebra&lt;/b&gt;');
    expect(outline).not.toContain('<b>Algebra');

    // Addresses naming nothing: HTML 404s, as the real sites answer.
    const github = env.ORC_GH_API_URL!.replace(/\/api\/v3\/$/, '');
    await expectNotFoundPage(`${github}/mitx/no-such-repo`);
    await expectNotFoundPage(`${github}/mitx/content-mit-801r-2027_Spring/commits/no-such-branch`);
    await expectNotFoundPage(`${github}/orgs/mitx/teams/no-such-team`);
    await expectNotFoundPage(`${env.ORC_EDX_STUDIO_URL}/course/course-v1:MITx+NOPE+2027_Spring`);
    await expectNotFoundPage(`${env.ORC_EDX_STUDIO_URL}/no/such/page`);
    await expectNotFoundPage(`${env.ORC_EDX_STAGING_URL}/courses/course-v1:MITx+NOPE+2027_Spring/about`);
    // The production LMS has only what it imported: the Studio course never went there.
    await expectNotFoundPage(`${env.ORC_EDX_PRODUCTION_URL}/courses/course-v1:MITx+18.06+2027_Spring/course/`);

    // The APIs still answer JSON where the real APIs live.
    const api = await fetch(`${env.ORC_GH_API_URL}repos/mitx/content-mit-801r-2027_Spring`);
    expect(api.status).toBe(401);
    expect(api.headers.get('content-type')).toContain('application/json');
  }, 120_000);

  it('every link builder the instructions use has a page, for a course that exists', async () => {
    sb = await startSandbox();
    const sites = edxSites(sb.service.config);
    const key = 'course-v1:MITx+8.01r+2026_Fall';
    sb.sims.edx.addRun({ org: 'MITx', number: '8.01r', run: '2026_Fall', title: 'Physics I' });
    sb.sims.productionEdx.addRun({ org: 'MITx', number: '8.01r', run: '2026_Fall', title: 'Physics I' });
    sb.sims.github.seed.repo('mitx', 'content-mit-801r-2026_Fall', { files: { 'course.xml': '<course/>' } });
    const repo = 'mitx/content-mit-801r-2026_Fall';
    // One entry per builder: a builder added to sites.ts without a page here fails to typecheck.
    const studio: Record<keyof typeof studioPage, string> = {
      outline: studioPage.outline(sites, key), advancedSettings: studioPage.advancedSettings(sites, key), courseTeam: studioPage.courseTeam(sites, key),
      rerun: studioPage.rerun(sites, key), import: studioPage.import(sites, key), export: studioPage.export(sites, key), exportGit: studioPage.exportGit(sites, key), home: studioPage.home(sites),
    };
    const lms = (env: 'staging' | 'production'): Record<keyof typeof lmsPage, string> => ({
      gitImport: lmsPage.gitImport(sites, env), gitLogs: lmsPage.gitLogs(sites, env), courses: lmsPage.courses(sites, env),
      about: lmsPage.about(sites, env, key), courseware: lmsPage.courseware(sites, env, key), membership: lmsPage.membership(sites, env, key),
    });
    sb.sims.github.seed.team('mitx', 'Physics staff', { members: [] });
    const github: Record<keyof typeof githubPage, string> = {
      repo: githubPage.repo(sites, repo), hooks: githubPage.hooks(sites, repo), commits: githubPage.commits(sites, repo, 'main'), team: githubPage.team(sites, 'mitx', 'physics-staff'),
    };
    await expectPagesBehind([...Object.values(studio), ...Object.values(lms('staging')), ...Object.values(lms('production')), ...Object.values(github)]);

    // A clone URL leads to the repository; Studio without git export has no export-to-git page.
    const clone = await visit(`${githubPage.repo(sites, repo)}.git`);
    expect({ status: clone.status, url: clone.url }).toEqual({ status: 200, url: githubPage.repo(sites, repo) });
    sb.sims.edx.quirks.hideGiturl = true;
    await expectNotFoundPage(studio.exportGit);
  });
});
