import { and, eq, inArray } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketNotes } from '../../src/db/schema';
import { openSqlite } from '../../src/db/sqlite';
import { finishAsOperator, startSandbox, type Sandbox } from '../flows/sandbox';
import { launchHelpdeskPage } from './support/chromium';

/**
 * The "every link in a completed new-course ticket answers 200 with HTML", in headless
 * Chromium: the links are the anchors the help desk renders in the ticket's conversation, each is
 * opened as a newcomer would (a main-document load), and so is every link on the pages they open.
 * The 404 pages and the edX-API variant are covered over plain HTTP in test/flows/links.test.ts.
 */

interface Opened {
  status: number;
  type: string;
  title: string;
  heading: string;
  links: string[];
  errors: string[];
}

const COURSES = {
  xml: { org: 'MITx', number: '8.01r', run: '2027_Spring', title: 'Physics I' },
  studio: { org: 'MITx', number: '18.06', run: '2027_Spring', title: 'Linear Algebra' },
};
const keyOf = (c: (typeof COURSES)[keyof typeof COURSES]) => `course-v1:${c.org}+${c.number}+${c.run}`;
const titleOfKey = new Map(Object.values(COURSES).map((c) => [keyOf(c), c.title]));

/**
 * What each page must be about, by the kind of address: its heading names the repository, team,
 * branch, course or panel the link names. An address of a kind not listed fails the test, so a
 * new kind of link needs a row here.
 */
function expectedHeading(url: string, sites: { github: string; studio: string; lms: string }): RegExp | undefined {
  const text = headingText(url, sites);
  // A team's page shows its name; its address, the slug GitHub makes of it (lower case, dashes).
  if (text?.startsWith('Team ')) return new RegExp(`^${literal(text).replace(/-/g, '[- ]')}$`, 'i');
  return text === undefined ? undefined : new RegExp(`^${literal(text)}$`);
}

const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function headingText(url: string, sites: { github: string; studio: string; lms: string }): string | undefined {
  const u = new URL(url);
  const parts = decodeURIComponent(u.pathname).split('/').filter(Boolean);
  const course = (key: string | undefined) => titleOfKey.get(key ?? '') ?? `(unknown course ${key})`;
  if (u.origin === new URL(sites.github).origin) {
    if (parts[0] === 'orgs' && parts[2] === 'teams' && parts.length === 4) return `Team ${parts[3]}`;
    if (parts[2] === 'settings' && parts[3] === 'hooks') return `Webhooks of ${parts[0]}/${parts[1]}`;
    if (parts[2] === 'commits') return `Commits on ${parts.slice(3).join('/')}`;
    if (parts.length === 2) return `${parts[0]}/${parts[1]}`;
    if (parts.length === 1) return parts[0];
    return undefined;
  }
  if (u.origin === new URL(sites.studio).origin) {
    if (u.pathname === '/home') return 'Studio home';
    const kinds: Record<string, string> = { course: 'Course outline', 'settings/advanced': 'Advanced settings', course_team: 'Course team', import: 'Course import', export: 'Course export', course_rerun: 'Re-run', export_git: 'Export to git' };
    const kind = Object.keys(kinds).find((k) => parts.slice(0, -1).join('/') === k);
    return kind ? `${kinds[kind]}: ${course(parts.at(-1))}` : undefined;
  }
  if (u.origin === new URL(sites.lms).origin) {
    const panels: Record<string, string> = { gitimport: 'Sysadmin: git import', gitlogs: 'Sysadmin: git logs', courses: 'Sysadmin: courses' };
    if (parts[0] === 'sysadmin' && parts.length === 2) return panels[parts[1]!];
    if (parts[0] === 'courses' && parts.length === 3) {
      const suffix: Record<string, string> = { about: '', course: ': Course home', instructor: ': Instructor dashboard' };
      return parts[2]! in suffix ? `${course(parts[1])}${suffix[parts[2]!]}` : undefined;
    }
  }
  return undefined;
}

describe('every link in a completed new-course ticket, in headless Chromium', () => {
  let sb: Sandbox;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ({ browser, page } = await launchHelpdeskPage());
  });
  afterAll(async () => {
    await browser?.close();
    await sb?.close();
  });

  /** Opens `url` as the main document and reads what a reader sees; console errors while it loads are kept. */
  async function open(url: string): Promise<Opened> {
    const errors: string[] = [];
    const onConsole = (m: { type(): string; text(): string }) => void (m.type() === 'error' && errors.push(m.text()));
    const onError = (e: Error) => void errors.push(e.message);
    const onResponse = (r: { status(): number; url(): string }) => void (r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));
    page.on('console', onConsole);
    page.on('pageerror', onError);
    page.on('response', onResponse);
    try {
      const res = await page.goto(url, { waitUntil: 'load' });
      if (!res) throw new Error(`${url}: no main-document response`);
      return {
        status: res.status(),
        type: (await res.allHeaders())['content-type'] ?? '',
        title: await page.title(),
        heading: (await page.locator('h1').first().textContent())?.trim() ?? '',
        links: await page.locator('a[href]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href)),
        errors,
      };
    } finally {
      page.off('console', onConsole);
      page.off('pageerror', onError);
      page.off('response', onResponse);
    }
  }

  it('new XML and Studio courses done by hand: each link of the conversation, and each link on its page, is an HTML page about what it names', async () => {
    sb = await startSandbox();
    const env = sb.service.config;
    const sites = { github: env.ORC_GH_API_URL!.replace(/\/api\/v3\/$/, ''), studio: env.ORC_EDX_STUDIO_URL!, lms: env.ORC_EDX_STAGING_URL! };
    const xml = await sb.fileAndApprove({ request_type: 'new', course_number: '8.01r', course_title: 'Physics I: <Classical> Mechanics', course_kind: 'xml', term: '2027_Spring', team_members: 'ada grace' });
    expect(await finishAsOperator(sb, xml.ticketId, COURSES.xml)).toBe('completed');
    const studio = await sb.fileAndApprove({ request_type: 'new', course_number: '18.06', course_title: 'Linear Algebra', course_kind: 'studio', term: '2027_Spring', team_members: 'ada' });
    expect(await finishAsOperator(sb, studio.ticketId, COURSES.studio)).toBe('completed');

    // The links as the help desk renders each ticket's conversation, once the whole story is
    // there: the ticket solved and every comment the service owes it posted (its outbox is empty).
    const ticketLinks = new Set<string>();
    const database = openSqlite(env.ORC_DATABASE);
    const owed = (ticketId: number) => database.db.select({ id: ticketNotes.id }).from(ticketNotes).where(and(eq(ticketNotes.ticketId, ticketId), inArray(ticketNotes.status, ['pending', 'running'])));
    for (const { ticketId } of [xml, studio]) {
      await sb.until(`ticket ${ticketId} to be solved and owed nothing`, async () => (sb.sims.zendesk.ticket(ticketId).status === 'solved' && (await owed(ticketId)).length === 0 ? true : undefined), 60_000);
      const shown = sb.sims.zendesk.comments(ticketId).filter((c) => c.html_body.replace(/<[^>]*>/g, '').trim() !== '').length;
      await page.goto(`${sb.service.url}/helpdesk/tickets/${ticketId}`);
      await expect.poll(() => page.locator('.conversation > .comment').count(), { timeout: 15_000 }).toBe(shown);
      for (const href of await page.locator('.conversation a[href]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href))) ticketLinks.add(href);
    }
    database.close();
    // The kinds of link the tickets must hold, so that a ticket without links cannot pass.
    for (const expected of [
      `${sites.github}/mitx/content-mit-801r-2027_Spring`,
      `${sites.github}/mitx/content-mit-801r-2027_Spring/settings/hooks`,
      `${sites.lms}/sysadmin/gitimport/`,
      `${sites.lms}/sysadmin/gitlogs/`,
      `${sites.lms}/courses/course-v1:MITx+8.01r+2027_Spring/course/`,
      `${sites.lms}/courses/course-v1:MITx+8.01r+2027_Spring/instructor#view-membership`,
      `${sites.studio}/home`,
      `${sites.studio}/course/course-v1:MITx+18.06+2027_Spring`,
      `${sites.studio}/course_team/course-v1:MITx+18.06+2027_Spring`,
      `${sites.studio}/settings/advanced/course-v1:MITx+18.06+2027_Spring`,
      `${sites.studio}/import/course-v1:MITx+18.06+2027_Spring`,
    ]) {
      expect([...ticketLinks].map(decodeURI)).toContain(expected);
    }

    // Each link, then each link on the pages they open (one level), as the main document.
    const opened = new Map<string, Opened>();
    const visit = async (url: string) => {
      const doc = url.replace(/#.*$/, '');
      if (opened.has(doc)) return;
      const seen = await open(url);
      const want = expectedHeading(doc, sites);
      expect(want, `a kind of page this test does not know: ${doc}`).toBeDefined();
      expect({ url: doc, status: seen.status, type: seen.type, heading: seen.heading, errors: seen.errors }).toEqual({ url: doc, status: 200, type: 'text/html; charset=UTF-8', heading: expect.stringMatching(want!), errors: [] });
      expect(seen.title).toMatch(new RegExp(`^${literal(seen.heading)} · (GitHub|Studio|LMS)$`));
      opened.set(doc, seen);
    };
    for (const link of ticketLinks) await visit(link);
    for (const [, seen] of [...opened]) for (const link of seen.links) await visit(link);
    expect(opened.size).toBeGreaterThan(ticketLinks.size);

    // The pages show what the service did, and requester text only as text.
    const repo = `${sites.github}/mitx/content-mit-801r-2027_Spring`;
    await page.goto(repo);
    expect(await page.locator('main').textContent()).toContain('course.xml');
    expect(await page.locator('main').textContent()).toContain('Physics I: <Classical> Mechanics');
    expect(await page.locator('classical').count()).toBe(0);
    expect(opened.get(repo)!.links).toContain(`${sites.github}/orgs/mitx/teams/content-mit-801r-2027_spring`);
    await page.goto(`${sites.github}/orgs/mitx/teams/content-mit-801r-2027_spring`);
    expect(await page.locator('main li').allTextContents()).toEqual(expect.arrayContaining(['ada', 'grace']));
    await page.goto(`${repo}/settings/hooks`);
    const hooks = (await page.locator('main').textContent()) ?? '';
    expect(hooks).toContain(env.ORC_STAGING_GITRELOAD);
    expect(hooks).not.toContain(env.ORC_GITRELOAD_SECRET!);
  }, 180_000);
});
