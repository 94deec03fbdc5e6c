import { mkdir, rm, stat } from 'node:fs/promises';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildApp, isBuildStale } from '../../../zendesk-app/scripts/build';
import { DIST_DIR } from '../../../zendesk-app/scripts/paths';

const LOCK = `${DIST_DIR}.lock`;

/** Builds the app when dist/ is missing or stale, one builder at a time across test workers. */
export async function ensureAppBuilt(): Promise<void> {
  for (;;) {
    try {
      await mkdir(LOCK);
      break;
    } catch {
      // Another worker builds; a lock older than two minutes is left over from a crash.
      const info = await stat(LOCK).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > 120_000) await rm(LOCK, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (await isBuildStale()) await buildApp();
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}

/** Gzipped bytes of what the iframe loads (HTML, scripts, styles) and of every packaged file. */
export async function gzippedAssetSizes(): Promise<{ loaded: number; packaged: number }> {
  const dir = join(DIST_DIR, 'assets');
  let loaded = 0;
  let packaged = 0;
  for (const name of await readdir(dir)) {
    const size = gzipSync(await readFile(join(dir, name)), { level: 9 }).length;
    packaged += size;
    if (/\.(html|js|css)$/.test(name)) loaded += size;
  }
  return { loaded, packaged };
}
