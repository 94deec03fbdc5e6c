/**
 * The sidebar's first render with data on the local help-desk page, in headless Chromium,
 * measured alone (run nothing else meanwhile: the figures are wall-clock on a 2-core machine).
 *
 *   npx tsx bench/sidebar/index.ts [--runs 20] [--warmup 2] [--fresh 5] [--breakdown]
 *
 * One service on loopback (the browser tests' service: Hono app, SQLite file, engine driver)
 * with one seeded request, one Chromium. The figure is from the top page's navigation start
 * (`/helpdesk/tickets/:id` typed in the address bar) to the app's `orc:first-data-render`
 * mark (set after the sidebar first renders the request and its steps), both read from the
 * browser's performance timeline, so Playwright's polling adds nothing to it. Also given from
 * the iframe's own navigation start (what the browser test logs).
 *
 * - cold: the very first load (fresh server process state, fresh browser context: nothing cached);
 * - fresh context: a new browser context per load (empty HTTP cache, warm server), `--fresh` loads;
 * - warm: the same tab loading the page again, `--runs` loads after `--warmup` loads.
 *
 * `--breakdown` prints, per resource and mark, its median start and end on the top page's clock.
 */
import { parseArgs } from 'node:util';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { ensureAppBuilt, gzippedAssetSizes } from '../../test/sidebar/support/app-build';
import { launchChromium } from '../../test/sidebar/support/chromium';
import { seedRequest, startSidebarService, type SidebarService } from '../../test/sidebar/support/service';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '2' },
    fresh: { type: 'string', default: '5' },
    breakdown: { type: 'boolean', default: false },
  },
});
const RUNS = Number(args.runs);
const WARMUP = Number(args.warmup);
const FRESH = Number(args.fresh);
const TICKET = 101;
const MARK = 'orc:first-data-render';
const TIMEOUT_MS = 15_000;

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}
const ms = (v: number) => `${Math.round(v)} ms`;

interface TimelineEntry {
  frame: 'page' | 'app';
  type: string;
  name: string;
  start: number;
  end: number;
}
interface Sample {
  /** Top page navigation start → first render with data. */
  fromPage: number;
  /** The iframe's navigation start → first render with data. */
  fromFrame: number;
  entries: TimelineEntry[];
}

/** Strips origins, query strings and content hashes so the same resource matches across runs. */
const normalise = (name: string) =>
  name
    .replace(/^https?:\/\/[^/]+/, '')
    .replace(/\?.*$/, '')
    .replace(/-[A-Za-z0-9_-]{8}\.(js|css)$/, '.$1');

const readTimeline = () =>
  ({
    origin: performance.timeOrigin,
    entries: performance.getEntries().map((e) => ({
      type: e.entryType,
      name: e.name,
      start: e.startTime,
      end: 'responseEnd' in e ? (e as PerformanceResourceTiming).responseEnd : e.startTime + e.duration,
    })),
  }) as const;

async function load(page: Page, url: string): Promise<Sample> {
  const framed = page.waitForEvent('framenavigated', { predicate: (f) => f.url().includes('/app/iframe.html'), timeout: TIMEOUT_MS });
  await page.goto(url, { waitUntil: 'commit', timeout: TIMEOUT_MS });
  const frame: Frame = await framed;
  await frame.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0 && document.querySelector('[data-step]') !== null, MARK, { timeout: TIMEOUT_MS });
  const [top, app] = await Promise.all([page.evaluate(readTimeline), frame.evaluate(readTimeline)]);
  const shift = app.origin - top.origin;
  const entries: TimelineEntry[] = [
    ...top.entries.map((e) => ({ frame: 'page' as const, ...e, name: normalise(e.name) })),
    ...app.entries.map((e) => ({ frame: 'app' as const, ...e, name: normalise(e.name), start: e.start + shift, end: e.end + shift })),
  ];
  const mark = app.entries.find((e) => e.name === MARK)!;
  return { fromPage: mark.start + shift, fromFrame: mark.start, entries };
}

function summary(label: string, samples: Sample[]): string {
  const page = samples.map((s) => s.fromPage);
  const frame = samples.map((s) => s.fromFrame);
  if (samples.length === 1) return `${label.padEnd(22)} ${ms(page[0]!)} from page navigation (${ms(frame[0]!)} from the iframe's)`;
  return (
    `${label.padEnd(22)} median ${ms(quantile(page, 0.5))}, p95 ${ms(quantile(page, 0.95))}, min ${ms(Math.min(...page))}, max ${ms(Math.max(...page))} (n=${samples.length}) ` +
    `| from the iframe's start: median ${ms(quantile(frame, 0.5))}, p95 ${ms(quantile(frame, 0.95))}`
  );
}

function breakdown(label: string, samples: Sample[]): string[] {
  const byKey = new Map<string, { starts: number[]; ends: number[] }>();
  for (const s of samples) {
    for (const e of s.entries) {
      if (e.type === 'measure') continue;
      const key = `${e.frame.padEnd(4)} ${e.type.padEnd(10)} ${e.name}`;
      const slot = byKey.get(key) ?? { starts: [], ends: [] };
      slot.starts.push(e.start);
      slot.ends.push(e.end);
      byKey.set(key, slot);
    }
  }
  const rows = [...byKey].map(([key, v]) => ({ key, start: quantile(v.starts, 0.5), end: quantile(v.ends, 0.5), n: v.starts.length })).sort((a, b) => a.start - b.start);
  return [`  ${label}: median start → end on the top page's clock (ms)`, ...rows.map((r) => `  ${String(Math.round(r.start)).padStart(6)} → ${String(Math.round(r.end)).padStart(6)}  ${r.key}${r.n === samples.length ? '' : ` (n=${r.n})`}`)];
}

async function main(): Promise<void> {
  await ensureAppBuilt();
  let service: SidebarService | undefined;
  let browser: Browser | undefined;
  try {
    service = await startSidebarService();
    await seedRequest(service.handle, { ticketId: TICKET, desiredCompletion: '2027-01-15' });
    service.tickets.add({ id: TICKET, subject: 'New course 8.01r Physics I', description: '', status: 'open', requester: { name: 'Ines Instructor', email: 'instructor@example.edu' }, customFields: [] });
    const url = `${service.url}/helpdesk/tickets/${TICKET}`;
    browser = await launchChromium();
    const open = async (): Promise<{ context: BrowserContext; page: Page }> => {
      const context = await browser!.newContext({ viewport: { width: 1100, height: 900 } });
      return { context, page: await context.newPage() };
    };

    const first = await open();
    const cold = await load(first.page, url);
    await first.context.close();

    const fresh: Sample[] = [];
    for (let i = 0; i < FRESH; i++) {
      const { context, page } = await open();
      fresh.push(await load(page, url));
      await context.close();
    }

    const { context, page } = await open();
    for (let i = 0; i < WARMUP; i++) await load(page, url);
    const warm: Sample[] = [];
    for (let i = 0; i < RUNS; i++) warm.push(await load(page, url));
    await context.close();

    const sizes = await gzippedAssetSizes();
    const lines = [
      `Sidebar first render with data (ticket #${TICKET}, local help-desk page, headless Chromium, loopback):`,
      summary('cold (first load)', [cold]),
      ...(fresh.length > 0 ? [summary('fresh context', fresh)] : []),
      summary('warm', warm),
      `app assets gzipped: ${(sizes.loaded / 1024).toFixed(1)} KB loaded by the iframe (HTML, JS, CSS), ${(sizes.packaged / 1024).toFixed(1)} KB in assets/ with logos`,
    ];
    if (args.breakdown) lines.push('', ...breakdown('cold', [cold]), '', ...(fresh.length > 0 ? [...breakdown('fresh context', fresh), ''] : []), ...breakdown('warm', warm));
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await browser?.close();
    await service?.close();
  }
}

await main();
