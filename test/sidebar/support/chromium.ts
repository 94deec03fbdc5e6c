import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureAppBuilt } from './app-build';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';
const INSTALL = 'apt-get update && apt-get install -y chromium';

/**
 * Set by the sidebar tests' global setup when its install failed: the tests then say why instead
 * of trying again. Named beside CHROMIUM_PATH, outside ORC_*, which holds only the service's settings.
 */
export const INSTALL_FAILED_ENV = 'CHROMIUM_INSTALL_FAILED';

/**
 * Debian's chromium, never a downloaded browser: CHROMIUM_PATH, else /usr/bin/chromium, else
 * installed with apt-get when running as root (as on CI machines); otherwise the exact command.
 * The tests install it in their global setup (install-chromium.ts), before any test's timeout runs.
 */
export function findChromium(): string {
  const wanted = process.env.CHROMIUM_PATH || DEBIAN_CHROMIUM;
  if (existsSync(wanted)) return wanted;
  if (process.env.CHROMIUM_PATH) throw new Error(`CHROMIUM_PATH is ${process.env.CHROMIUM_PATH}, which does not exist`);
  if (process.getuid?.() !== 0) throw new Error(`Chromium is missing: run \`sudo sh -c '${INSTALL}'\` (or set CHROMIUM_PATH), then run the tests again`);
  if (process.env[INSTALL_FAILED_ENV]) throw new Error(`Chromium is missing: \`${INSTALL}\` failed before the tests (${process.env[INSTALL_FAILED_ENV]})`);
  execFileSync('sh', ['-c', `DEBIAN_FRONTEND=noninteractive ${INSTALL}`], { stdio: 'inherit' });
  if (!existsSync(DEBIAN_CHROMIUM)) throw new Error(`\`${INSTALL}\` did not install ${DEBIAN_CHROMIUM}`);
  return DEBIAN_CHROMIUM;
}

/** Playwright gives every launch a fresh temporary profile (it refuses --user-data-dir), removed on close. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium(),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The help desk's browser: the app built, Chromium launched, one page at the workspace's size. */
export async function launchHelpdeskPage(): Promise<{ browser: Browser; page: Page }> {
  await ensureAppBuilt();
  const browser = await launchChromium();
  const page = await (await browser.newContext({ viewport: { width: 1100, height: 900 } })).newPage();
  return { browser, page };
}
