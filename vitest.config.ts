import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests that spawn bin/orcoursetrion.js run dist/cli: built here once, from the current source.
    // Temporary folders go under one folder per run, removed at its end.
    globalSetup: ['test/support/build-cli.ts', 'test/support/temp-dir.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // The machines have 2 cores; more forks only add contention.
    maxWorkers: 2,
  },
});
