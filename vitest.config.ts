import { configDefaults, defineConfig } from 'vitest/config';

/** Both projects' timeouts. */
const timeouts = { testTimeout: 20_000, hookTimeout: 30_000 };

export default defineConfig({
  test: {
    // Tests that spawn bin/orcoursetrion.js run dist/cli: built here once, from the current source.
    // Temporary folders go under one folder per run, removed at its end.
    globalSetup: ['test/support/build-cli.ts', 'test/support/temp-dir.ts'],
    // The machines have 2 cores; more forks only add contention.
    maxWorkers: 2,
    projects: [
      { test: { ...timeouts, name: 'service', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/sidebar/**'] } },
      // Headless Chromium: installed by the project's own global setup, which runs only when one of its tests is queued.
      { test: { ...timeouts, name: 'sidebar', include: ['test/sidebar/**/*.test.ts'], globalSetup: ['test/sidebar/support/install-chromium.ts'] } },
    ],
  },
});
