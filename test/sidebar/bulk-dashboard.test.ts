import { eq } from 'drizzle-orm';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchHelpdeskPage } from './support/chromium';
import { requests, seedRequest, startSidebarService, steps, type SidebarService } from './support/service';

/** The nav-bar dashboard's request table in headless Chromium: filters, checkboxes, bulk approve. */
describe('nav bar: bulk actions on the dashboard', () => {
  let service: SidebarService;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    service = await startSidebarService();
    ({ browser, page } = await launchHelpdeskPage());
  });
  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  const app = (): FrameLocator => page.frameLocator('iframe.app-frame');
  const row = (id: number) => app().locator(`tr[data-request-id="${id}"]`);
  const statusOf = async (id: number) => (await service.handle.db.select().from(requests).where(eq(requests.id, id)))[0]!.status;

  it('filters the open requests, approves the chosen ones each as if alone, and names the one refused', async () => {
    const day = 24 * 3600_000;
    const physics = (await seedRequest(service.handle, { ticketId: 201, requestedAt: Date.now() - 3 * day - 3600_000, desiredCompletion: '2020-01-31' })).id;
    const chemistry = (await seedRequest(service.handle, { ticketId: 202, courseNumber: '5.111', params: { courseTitle: 'Chemical Science' } })).id;
    const failed = (await seedRequest(service.handle, { ticketId: 203, courseNumber: '18.06', status: 'failed', params: { courseTitle: 'Linear Algebra' } })).id;
    await service.handle.db.insert(steps).values({ requestId: failed, key: 'create-repo', position: 0, title: 'Create the repository', kind: 'auto', status: 'failed', attempts: 1, error: 'GitHub answered 403', updatedAt: Date.now() });
    const otherTerm = (await seedRequest(service.handle, { ticketId: 204, courseNumber: '7.012', term: '2026_Fall', params: { courseTitle: 'Biology' } })).id;

    await page.goto(`${service.url}/helpdesk/dashboard`);
    await expect.poll(() => row(physics).textContent()).toContain('Physics I');
    // Each row: title, age, overdue flag and current step, with counts that agree in number.
    expect(await row(physics).textContent()).toContain('Overdue');
    expect(await row(physics).locator('.requests__age').textContent()).toBe('3 days');
    expect(await row(failed).textContent()).toContain('Create the repository (Failed, 1 attempt)');
    expect(await row(chemistry).textContent()).toContain('not started');

    await app().getByLabel('Term').selectOption('2027_Spring');
    await expect.poll(() => row(otherTerm).count()).toBe(0);
    await app().getByLabel('Overdue only').check();
    await expect.poll(() => app().locator('tr[data-request-id]').count()).toBe(1);
    await app().getByLabel('Overdue only').uncheck();
    await expect.poll(() => app().locator('tr[data-request-id]').count()).toBe(3);

    await app().getByLabel('Select every request shown').check();
    await app().getByRole('button', { name: 'Approve (3)' }).click();
    const outcome = app().locator('[role=status]').filter({ hasText: 'approved' });
    await expect.poll(() => outcome.textContent()).toContain('2 requests approved, 1 request not:');
    expect(await outcome.textContent()).toContain(`#203 18.06: Request ${failed} is failed; only a request pending approval can be approved`);

    expect(await statusOf(physics)).not.toBe('pending_approval');
    expect(await statusOf(chemistry)).not.toBe('pending_approval');
    expect(await statusOf(failed)).toBe('failed');
    expect(await statusOf(otherTerm)).toBe('pending_approval'); // filtered out: never sent
    // The refused one stays selected, so the agent sees what is left.
    expect(await row(failed).getByRole('checkbox').isChecked()).toBe(true);
    await expect.poll(() => row(physics).textContent()).not.toContain('not started');
  }, 60_000); // a browser on a busy 2-core machine: each wait above is for a state, this is only the ceiling
});
