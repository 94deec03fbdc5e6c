import { afterEach, describe, expect, it } from 'vitest';
import { edxSites, githubPage, lmsPage, studioPage } from '../../src/instructions/sites';
import { startSandbox, type Sandbox } from './sandbox';

/**
 * Every link the service writes into a ticket (instructions, step reports, the final reply)
 * opens a page of the simulated GitHub, Studio or LMS in the sandbox, and so do the links on
 * those pages; an address naming nothing answers an HTML 404. Plain HTTP, as a browser asks.
 */

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const hrefsIn = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => unescape(m[1]!));
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

/** Follows a request to its end, doing each manual step's edX work in the simulated Studio/LMS first, as an operator would. */
async function finishAsOperator(sb: Sandbox, ticketId: number, course: { org: string; number: string; run: string; title: string }) {
  for (;;) {
    const view = await sb.until('an agent step or the end', async () => {
      const r = await sb.api(`/tickets/${ticketId}`);
      return ['waiting_on_agent', 'completed', 'failed'].includes(r.body.request.status) ? r.body : undefined;
    });
    if (view.request.status !== 'waiting_on_agent') return view.request.status as string;
    const waiting: string = view.steps.find((s: { status: string }) => s.status === 'waiting').key;
    // The steps that make the course exist: Studio's "New course", and the git import into staging.
    if (['create-studio-course', 'staging-import'].includes(waiting) && !sb.sims.edx.findRun(`course-v1:${course.org}+${course.number}+${course.run}`)) sb.sims.edx.addRun(course);
    expect((await sb.api(`/requests/${view.request.id}/steps/${waiting}/complete`, { body: { note: 'done as instructed' } })).status).toBe(200);
  }
}

describe('every link in a completed ticket opens a page', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.close());

  it('without edX APIs: the instructions\' Studio, LMS and sysadmin links and the replies\' links, XML and Studio', async () => {
    sb = await startSandbox();
    const env = sb.service.config;
    const xml = await sb.fileAndApprove({ request_type: 'new', course_number: '8.01r', course_title: 'Physics I: <Classical> Mechanics', course_kind: 'xml', term: '2027_Spring', team_members: 'ada grace' });
    expect(await finishAsOperator(sb, xml.ticketId, { org: 'MITx', number: '8.01r', run: '2027_Spring', title: 'Physics I' })).toBe('completed');
    const studio = await sb.fileAndApprove({ request_type: 'new', course_number: '18.06', course_title: 'Linear Algebra', course_kind: 'studio', term: '2027_Spring', team_members: 'ada' });
    expect(await finishAsOperator(sb, studio.ticketId, { org: 'MITx', number: '18.06', run: '2027_Spring', title: 'Linear Algebra' })).toBe('completed');

    const links = ticketLinks(sb, [xml.ticketId, studio.ticketId]);
    const github = env.ORC_GH_API_URL!.replace(/\/api\/v3\/$/, '');
    // The kinds of link the tickets must hold, so that a ticket without links cannot pass.
    for (const expected of [
      `${github}/mitx/content-mit-801r-2027_Spring`,
      `${github}/mitx/content-mit-801r-2027_Spring/settings/hooks`,
      `${env.ORC_EDX_STAGING_URL}/sysadmin/gitimport/`,
      `${env.ORC_EDX_STAGING_URL}/sysadmin/gitlogs/`,
      `${env.ORC_EDX_STAGING_URL}/courses/course-v1:MITx+8.01r+2027_Spring/course/`,
      `${env.ORC_EDX_STAGING_URL}/courses/course-v1:MITx+8.01r+2027_Spring/instructor#view-membership`,
      `${env.ORC_EDX_STUDIO_URL}/home`,
      `${env.ORC_EDX_STUDIO_URL}/course/course-v1:MITx+18.06+2027_Spring`,
      `${env.ORC_EDX_STUDIO_URL}/course_team/course-v1:MITx+18.06+2027_Spring`,
      `${env.ORC_EDX_STUDIO_URL}/settings/advanced/course-v1:MITx+18.06+2027_Spring`,
      `${env.ORC_EDX_STUDIO_URL}/import/course-v1:MITx+18.06+2027_Spring`,
    ]) {
      expect(links).toContain(expected);
    }
    const pages = await expectPagesBehind(links);

    // The pages show what the service did, and requester text only as text.
    const repoPage = pages.get(`${github}/mitx/content-mit-801r-2027_Spring`)!;
    expect(repoPage).toContain('course.xml');
    expect(repoPage).toContain('Physics I: &lt;Classical&gt; Mechanics');
    expect(repoPage).not.toContain('<Classical>');
    expect(repoPage).toContain('/orgs/mitx/teams/content-mit-801r-2027_spring');
    expect(pages.get(`${github}/orgs/mitx/teams/content-mit-801r-2027_spring`)).toMatch(/ada[\s\S]*grace/);
    const hooksPage = pages.get(`${github}/mitx/content-mit-801r-2027_Spring/settings/hooks`)!;
    expect(hooksPage).toContain(env.ORC_STAGING_GITRELOAD);
    expect(hooksPage).not.toContain(env.ORC_GITRELOAD_SECRET!);
  }, 120_000);

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
