import { findChromium, INSTALL_FAILED_ENV } from './chromium';

/**
 * Global setup of the sidebar tests (vitest.config.ts, project "sidebar"; run only when a
 * sidebar test is queued): installs Chromium once, before any test file starts. Installed from
 * a test's beforeAll instead, on a fresh machine apt-get outlasted the 30 s hook timeout and
 * the whole file failed. A failed install is not thrown here (it would stop every project's
 * tests): the sidebar tests report it.
 */
export default function setup(): void {
  try {
    findChromium();
  } catch (err) {
    process.env[INSTALL_FAILED_ENV] = err instanceof Error ? err.message : String(err);
  }
}
