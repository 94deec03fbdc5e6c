import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'vite';
import { APP_DIR, DIST_DIR, HELPDESK_DIST_DIR, HELPDESK_PAGE_DIR, SHARED_COURSES_DIR } from './paths';

/** Written last: its presence means the whole build finished (a half build is rebuilt). */
export const BUILD_STAMP = join(DIST_DIR, '.built');
/** Sources the build reads; a newer file in any of them makes the build stale. */
const SOURCES = [join(APP_DIR, 'src'), join(APP_DIR, 'assets'), join(APP_DIR, 'translations'), join(APP_DIR, 'manifest.json'), join(APP_DIR, 'vite.config.ts'), HELPDESK_PAGE_DIR, SHARED_COURSES_DIR];

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path);
  const times = await Promise.all(entries.map((e) => newestMtime(join(path, e))));
  return Math.max(info.mtimeMs, ...times);
}

/** True when dist/ is missing, half-built, or older than a source file. */
export async function isBuildStale(): Promise<boolean> {
  const built = await stat(BUILD_STAMP).catch(() => undefined);
  if (!built) return true;
  const newest = Math.max(...(await Promise.all(SOURCES.map(newestMtime))));
  return newest > built.mtimeMs;
}

/**
 * Puts the app's script and stylesheet inside iframe.html: the sidebar then needs one request
 * (not three, two of them only found once the HTML arrived) before it can start. The files
 * inlined are removed; a build whose HTML does not name them fails here, not in the browser.
 */
export async function inlineAppAssets(assetsDir: string): Promise<void> {
  const htmlPath = join(assetsDir, 'iframe.html');
  let html = await readFile(htmlPath, 'utf8');
  const inlined: string[] = [];
  const inline = async (pattern: RegExp, wrap: (text: string) => string) => {
    const match = pattern.exec(html);
    if (!match) throw new Error(`iframe.html does not load ${pattern.source}: cannot inline it`);
    const file = match[1]!;
    const text = await readFile(join(assetsDir, file), 'utf8');
    inlined.push(file);
    // A function, not a string: `$&` and friends in the code must stay as they are.
    html = html.replace(match[0], () => wrap(text));
  };
  await inline(/<link rel="stylesheet"[^>]* href="\.\/([^"/]+\.css)">/, (css) => `<style>${css.replace(/<\/(style)/gi, '<\\/$1')}</style>`);
  // `</script` inside the code would end the element; `<\/script` means the same in JS strings and regexes.
  await inline(/<script type="module"[^>]* src="\.\/([^"/]+\.js)"><\/script>/, (js) => `<script type="module">${js.replace(/<\/(script)/gi, '<\\/$1')}</script>`);
  await writeFile(htmlPath, html);
  await Promise.all(inlined.map((file) => rm(join(assetsDir, file))));
}

/**
 * Builds the Zendesk app into dist/ (manifest.json, translations/, assets/) and the local
 * help-desk page's script into dist/helpdesk/ (served by the sandbox, never packaged).
 */
export async function buildApp(): Promise<void> {
  await build({ configFile: join(APP_DIR, 'vite.config.ts') });
  await inlineAppAssets(join(DIST_DIR, 'assets'));
  await cp(join(APP_DIR, 'manifest.json'), join(DIST_DIR, 'manifest.json'));
  await cp(join(APP_DIR, 'translations'), join(DIST_DIR, 'translations'), { recursive: true });
  await build({
    configFile: false,
    root: HELPDESK_PAGE_DIR,
    base: './',
    logLevel: 'warn',
    publicDir: false,
    build: {
      outDir: HELPDESK_DIST_DIR,
      emptyOutDir: true,
      target: 'es2022',
      modulePreload: false,
      rollupOptions: { input: join(HELPDESK_PAGE_DIR, 'host.ts'), output: { entryFileNames: 'host.js', assetFileNames: 'host[extname]' } },
    },
  });
  await mkdir(DIST_DIR, { recursive: true });
  await writeFile(BUILD_STAMP, new Date().toISOString());
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await buildApp();
  process.stdout.write(`Built the Zendesk app into ${DIST_DIR}\n`);
}
