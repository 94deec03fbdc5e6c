import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerGithubActions } from '../../src/cli/github-actions';
import { registerRequestCommand } from '../../src/cli/request';
import { registerRolloverCommand } from '../../src/cli/rollover';
import { captured } from '../cli/io';
import { startSandbox, type Sandbox } from '../flows/sandbox';
import { launchHelpdeskPage } from './support/chromium';

/**
 * A newcomer's sandbox (the real `npm start` start-up, simulators on loopback) with the command
 * line beside it on the same database, driven in headless Chromium through the help desk.
 */
describe('the sandbox with the command line beside it, in headless Chromium', () => {
  const database = join(mkdtempSync(join(tmpdir(), 'orc-sandbox-story-')), 'orc.db');
  let sb: Sandbox | undefined;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ({ browser, page } = await launchHelpdeskPage());
  });
  afterAll(async () => {
    await browser?.close();
    await sb?.close();
  });

  const sidebar = (): FrameLocator => page.frameLocator('iframe.app-frame');
  const cli = (register: (c: ReturnType<typeof captured>) => void) => {
    const c = captured({ ORC_DATABASE: database });
    register(c);
    return c;
  };
  const requestOf = async (ticketId: number) => (await sb!.api(`/tickets/${ticketId}`)).body.request;
  /** On the ticket's page: presses the sidebar's Mark done on each manual step as it starts waiting, until the request completes. */
  async function markDoneUntilCompleted(ticketId: number) {
    for (;;) {
      const view = await sb!.until('an agent step or the end', async () => {
        const r = await sb!.api(`/tickets/${ticketId}`);
        return ['waiting_on_agent', 'completed'].includes(r.body.request.status) ? r.body : undefined;
      });
      if (view.request.status === 'completed') return;
      const waiting: string = view.steps.find((s: { status: string }) => s.status === 'waiting').key;
      await sidebar().locator(`[data-step="${waiting}"]`).getByRole('button', { name: 'Mark done' }).click();
      await sb!.until(`${waiting} to be done`, async () => {
        const r = await sb!.api(`/tickets/${ticketId}`);
        return r.body.steps.find((s: { key: string }) => s.key === waiting).status === 'done' ? true : undefined;
      });
    }
  }

  it('with no sandbox running, says how to start one and records nothing', async () => {
    const c = cli((c) => registerRequestCommand(c.program, c.cli));
    expect(await c.run(['request', 'new', '--course', '8.01r', '--term', '2027_Spring', '--title', 'Physics I', '--member', 'ada'])).toBe(1);
    expect(c.io.err).toContain('start it with `npm start` in another terminal, with the same ORC_DATABASE');
    expect(c.io.err).toContain(database);
  });

  it('files from the CLI beside the running sandbox (ticket number and link), approves in the help desk, restarts mid-story and finishes', async () => {
    sb = await startSandbox({ ORC_DATABASE: database });
    const c = cli((c) => registerRequestCommand(c.program, c.cli));
    expect(await c.run(['request', 'new', '--course', '8.01r', '--term', '2027_Spring', '--title', 'Physics I', '--member', 'ada', 'grace'])).toBe(0);
    expect(c.io.err).toContain(`working on the sandbox running at ${sb.service.url}`);
    const [, ticket, link] = /^Ticket #(\d+): (\S+)$/m.exec(c.io.out) ?? [];
    const ticketId = Number(ticket);
    expect(link).toBe(`${sb.service.url}/helpdesk/tickets/${ticketId}`);
    expect(sb.sims.zendesk.ticketIds()).toContain(ticketId);

    // The link the CLI printed opens the ticket in the help desk, with the request in its sidebar.
    await page.goto(link!);
    await expect.poll(() => sidebar().locator('.summary__title').textContent(), { timeout: 15_000 }).toContain('8.01r');
    await sidebar().getByRole('button', { name: 'Approve' }).click();
    await sb.until('the first manual step', async () => ((await requestOf(ticketId)).status === 'waiting_on_agent' ? true : undefined));
    expect(sb.sims.github.read.repo('mitx', 'content-mit-801r-2027_Spring')).toBeDefined();

    // Stopped and started again on the same database: the help desk shows the same ticket, waiting.
    await sb.close();
    sb = undefined;
    sb = await startSandbox({ ORC_DATABASE: database });
    await page.goto(`${sb.service.url}/helpdesk/tickets/${ticketId}`);
    await markDoneUntilCompleted(ticketId);
    expect(sb.sims.zendesk.ticket(ticketId).status).toBe('solved');
  }, 120_000);

  it('publish: the quality check misses the course image until the course-staff panel pushes it; then approved in the help desk and done', async () => {
    const publish = { request_type: 'publish', course_number: '8.01r', course_title: 'Physics I', course_kind: 'xml', term: '2027_Spring', team_members: 'ada grace' };
    const { ticketId, view } = await sb!.file(publish, 'waiting_on_requester');
    expect(view.request.problems.map((p: { message: string }) => p.message).join(' ')).toContain('the course image is missing; add static/images_course_image.jpg');

    await page.goto(`${sb!.service.url}/helpdesk/course-staff?repo=mitx/content-mit-801r-2027_Spring`);
    const form = page.getByRole('form', { name: 'Add the course image' });
    await form.getByLabel('Image').setInputFiles({ name: 'card.jpg', mimeType: 'image/jpeg', buffer: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 0xff, 0xd9]) });
    await form.getByRole('button', { name: 'Push' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/^Pushed static\/images_course_image\.jpg to mitx\/content-mit-801r-2027_Spring \(branch main, commit [0-9a-f]{7}\)\.$/);
    const repo = sb!.sims.github.read.repo('mitx', 'content-mit-801r-2027_Spring')!;
    expect(repo.files).toHaveProperty('static/images_course_image.jpg');
    expect(repo.files['about/overview.html']).toBeDefined();

    // The requester says it is done on the ticket: intake checks again, and the request waits for approval.
    sb!.sims.zendesk.editAsRequester(ticketId, { comment: 'The course image is in the repository now.' });
    await sb!.until('the publish request to pass its check', async () => ((await requestOf(ticketId)).status === 'pending_approval' ? true : undefined));
    expect((await requestOf(ticketId)).problems).toEqual([]);

    // Approved in the help desk and followed to the end: the course is published.
    await page.goto(`${sb!.service.url}/helpdesk/tickets/${ticketId}`);
    await sidebar().getByRole('button', { name: 'Approve' }).click();
    await markDoneUntilCompleted(ticketId);
    expect(sb!.sims.zendesk.ticket(ticketId).status).toBe('solved');
    const published = sb!.sims.github.read.repo('mitx', 'content-mit-801r-2027_Spring')!;
    expect(published.hooks.map((h) => h.url)).toContain(sb!.service.config.ORC_PRODUCTION_GITRELOAD);
    expect(Object.keys(published.branches)).toContain(sb!.service.config.ORC_PRODUCTION_GITRELOAD_BRANCH);
  }, 90_000);

  it('/helpdesk/ (with the slash) opens the help desk, whose tab has an icon', async () => {
    await page.goto(`${sb!.service.url}/helpdesk/`);
    expect(new URL(page.url()).pathname).toBe('/helpdesk');
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('Tickets');
    const icon = await page.locator('link[rel="icon"]').getAttribute('href');
    const res = await fetch(new URL(icon!, page.url()));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    expect(await res.text()).toContain('<svg');

    // A ticket filed with a blank description shows no empty reply card.
    const blank = sb!.sims.zendesk.createTicketAsRequester({ email: 'prof@mit.test', subject: 'No description', description: '', fields: {} });
    await sb!.until('the intake reply', () => (sb!.sims.zendesk.comments(blank).length > 1 ? true : undefined));
    await page.goto(`${sb!.service.url}/helpdesk/tickets/${blank}`);
    await expect.poll(() => page.locator('.conversation .comment').count()).toBeGreaterThan(0);
    expect(await page.locator('.conversation .comment-body').evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()))).not.toContain('');
  });

  it('runs the 2015 actions and a rollover on the running sandbox, finding the course made in the help desk', async () => {
    const action = cli((c) => registerGithubActions(c.program, { env: c.cli.env, stdout: c.cli.stdout, stderr: c.cli.stderr }));
    expect(await action.run(['create_xml_repo', '-c', '6.0001', '-t', '2027_Spring', '-m', 'ada'])).toBe(0);
    expect(action.io.err).toContain('working on the GitHub of the sandbox');
    expect(sb!.sims.github.read.repo('mitx', 'content-mit-60001-2027_Spring')).toBeDefined();

    const rollover = cli((c) => registerRolloverCommand(c.program, c.cli));
    expect(await rollover.run(['rollover', '--from', '2027_Spring', '--to', '2027_Fall', '--all', '--dry-run'])).toBe(0);
    expect(rollover.io.out).toContain('8.01r');
  });
});
