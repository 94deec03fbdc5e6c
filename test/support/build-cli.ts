import { buildCli } from '../../scripts/build-cli';

/**
 * Vitest's global setup: compiles the CLI once before any test, so the tests that spawn
 * bin/orcoursetrion.js (the crash tests, the CLI process tests) run the source as it is now,
 * never a stale dist/cli. Tests that need no process import src/ directly and do not wait on it.
 */
export default async function setup(): Promise<void> {
  await buildCli();
}
