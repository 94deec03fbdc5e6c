import type { Browser, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { courseRepoFiles, startSandbox, type Sandbox } from '../flows/sandbox';
import { launchHelpdeskPage } from './support/chromium';

/**
 * The help desk's new-ticket page shows the service's own findings (what intake would reply:
 * GitHub users that do not exist, a course check's problems) on the fields they name, from the
 * real service in sandbox mode (its simulated GitHub knows ada and grace, not "nosuchuser99").
 */
describe('the help desk marks the fields the service finds problems in, in headless Chromium', () => {
  let sb: Sandbox;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    sb = await startSandbox();
    ({ browser, page } = await launchHelpdeskPage());
  });
  afterAll(async () => {
    await browser?.close();
    await sb?.close();
  });

  const sidebar = (): FrameLocator => page.frameLocator('iframe.app-frame');
  const box = (name: string) => page.locator('.field').filter({ has: page.getByLabel(name, { exact: true }) });
  const findings = () => page.locator('.service-findings');

  it('an unknown GitHub username is marked on Team members with the service\'s message, the save waits, and fixing it clears the mark', async () => {
    await page.goto(`${sb.service.url}/helpdesk/new`);
    await page.getByLabel('Request type').selectOption({ label: 'New course' });
    await page.getByLabel('Course number').fill('8.01r');
    await page.getByLabel('Course title').fill('Physics I');
    await page.getByLabel('Course kind').selectOption({ label: 'XML' });
    await page.getByLabel('Term', { exact: true }).fill('2027_Spring');
    await page.getByLabel('Team members').fill('ada nosuchuser99');
    // Nothing is said before submit.
    expect(await findings().isHidden()).toBe(true);
    const before = sb.sims.zendesk.ticketIds().length;

    await page.getByRole('button', { name: 'Submit' }).click();
    await expect.poll(() => box('Team members').getAttribute('data-marked-by'), { timeout: 15_000 }).toBe('orcoursetrion');
    expect(await box('Team members').getAttribute('class')).toContain('field--invalid');
    expect(await page.getByLabel('Team members').getAttribute('aria-invalid')).not.toBeNull();
    expect(await box('Team members').locator('.field__problem').textContent()).toBe('Team members not GitHub users: nosuchuser99; check the spelling of each username');
    // Only the field named is marked; the notice says whose findings these are and what Zendesk does.
    expect(await page.locator('.field--invalid').count()).toBe(1);
    const notice = (await findings().textContent()) ?? '';
    expect(notice).toContain("Orcoursetrion's findings");
    expect(notice).toContain('Zendesk itself accepts such a ticket from a requester');
    expect(await findings().locator('li').count()).toBe(0);
    // The app's ticket.save hook refuses (the agent's new-ticket page): no ticket.
    await expect.poll(() => page.locator('.save-status--refused').textContent()).toContain('Team members: not GitHub users: nosuchuser99');
    expect(sb.sims.zendesk.ticketIds()).toHaveLength(before);

    // Changing the marked field asks the service again: fixed, the mark and the notice go.
    await page.getByLabel('Team members').fill('ada grace');
    await expect.poll(() => box('Team members').getAttribute('class'), { timeout: 15_000 }).not.toContain('field--invalid');
    expect(await box('Team members').locator('.field__problem').isHidden()).toBe(true);
    await expect.poll(() => findings().isHidden()).toBe(true);
    await expect.poll(() => sidebar().locator('[data-check]').getAttribute('data-check'), { timeout: 15_000 }).toBe('valid');

    await page.getByRole('button', { name: 'Submit' }).click();
    await page.waitForURL(/\/helpdesk\/tickets\/\d+$/);
    const ticketId = Number(/(\d+)$/.exec(page.url())![1]);
    await sb.until('intake to record the request', async () => ((await sb.api(`/tickets/${ticketId}`)).body.request?.status === 'pending_approval' ? true : undefined));
  }, 90_000);

  it('a problem naming no field of the form (the course check of the repository) is listed above the form', async () => {
    const files: Record<string, string> = courseRepoFiles('2027_Spring', '18.02', 'Calculus II');
    delete files['static/images_course_image.jpg'];
    sb.sims.github.seed.repo('mitx', 'content-mit-1802-2027_Spring', { files });
    await page.goto(`${sb.service.url}/helpdesk/new`);
    await page.getByLabel('Request type').selectOption({ label: 'Publish to production' });
    await page.getByLabel('Course number').fill('18.02');
    await page.getByLabel('Course kind').selectOption({ label: 'XML' });
    await page.getByLabel('Term', { exact: true }).fill('2027_Spring');
    await page.getByLabel('Team members').fill('ada');
    await page.getByRole('button', { name: 'Submit' }).click();

    await expect.poll(() => findings().locator('li').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const listed = await findings().locator('li').allTextContents();
    expect(listed.filter((l) => !l.endsWith('(a warning: it does not block)'))).toEqual([expect.stringMatching(/^Course repository the course image is missing; add static\/images_course_image\.jpg/)]);
    expect(await page.locator('.field--invalid').count()).toBe(0);
    // The app's ticket.save refusal names the blocking problem by the form's words, and no warning.
    await expect.poll(() => page.locator('.save-status--refused').textContent()).toContain('Course repository: the course image is missing');
    expect(await page.locator('.save-status--refused').textContent()).not.toContain('is used by no subsection');
  }, 60_000);
});
