import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest's global setup: every test's temporary folders (databases, worlds, browser profiles)
 * go under one folder for the run, removed at the end, so runs do not pile up in /tmp.
 * Set before the test workers start, so they and the processes they spawn inherit it.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'orc-test-run-'));
  // Traversable like /tmp itself: some tests run the service as another user inside it.
  chmodSync(dir, 0o755);
  process.env.TMPDIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
