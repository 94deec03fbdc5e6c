import { copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/**
 * Two levels below the root, as `src/<dir>/` is: the modules that find files by
 * `new URL('../../migrations', import.meta.url)` (migrations, zendesk-app/dist) find the same
 * files from here.
 */
export const CLI_DIST = join(ROOT, 'dist', 'cli');
/**
 * zod's `locales` namespace (its error messages in 40-odd languages, half of zod's bundled
 * size) reduced to English, the only one set (zod configures `en` itself) and the only one
 * the service uses. A zod that imports another name from it fails this build, not at run time.
 */
const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => (/node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: 'zod-locales', namespace: 'zod-english-only' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, () => ({ contents: "export { default as en } from 'zod/v4/locales/en.js';", resolveDir: ROOT, loader: 'js' }));
  },
};
/**
 * commander's node:child_process, loaded when first used: commander uses it only to run a
 * separate executable as a subcommand (command.js `_executeSubCommand`), which this CLI never
 * declares, yet loading it (with dgram and net's child-process pieces) cost every start ~1.5 ms.
 */
const commanderChildProcessOnUse: Plugin = {
  name: 'commander-child-process-on-use',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) => (/node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'child-process', namespace: 'commander-child-process' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'commander-child-process' }, () => ({
      contents: "let cp; module.exports = new Proxy({}, { get: (_, name) => (cp ??= require('node:child_process'))[name] });",
      loader: 'js',
    }));
  },
};
/**
 * In the CommonJS build, a Node built-in the code imports on use (`await import('node:https')`)
 * is required: esbuild would leave the import(), and Node sets up its ES module loader for it.
 */
const builtinImportAsRequire: Plugin = {
  name: 'builtin-import-as-require',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => (args.kind === 'dynamic-import' ? { path: args.path, namespace: 'builtin-import-as-require' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'builtin-import-as-require' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};
/**
 * Compiles the CLI (`src/cli.ts` and everything it loads) to `dist/cli/` for `bin/orcoursetrion.js`:
 * no TypeScript compiler at run time. One bundle, split at each dynamic `import()`, so a
 * command loads only its own chunk (compiling its code is most of a command's start-up, so
 * the chunks are minified). Dependencies are bundled too (measured: loading every
 * command bundled took 350 ms over `node -e 0`, with node_modules resolved at run time 550 ms);
 * better-sqlite3 stays outside (a native addon), and `require` is given to the CommonJS
 * dependencies that call it. Built into a fresh folder and moved into place, so a CLI started
 * during a build runs the old build or the new one, never half of each.
 */
export async function buildCli(): Promise<Metafile> {
  const staging = `${CLI_DIST}.building-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: ROOT,
    // The engine's worker thread is an entry of its own (engine-thread.js), sharing the CLI's chunks.
    entryPoints: { cli: 'src/cli.ts', 'engine-thread': 'src/engine/engine-thread.ts' },
    outdir: staging,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['better-sqlite3'],
    plugins: [zodEnglishOnly, commanderChildProcessOnUse],
    // Less to parse at every start; identifiers are kept, so stack traces (--verbose) name functions.
    minifyWhitespace: true,
    minifySyntax: true,
    banner: { js: "import { createRequire as __orcRequire } from 'node:module'; const require = __orcRequire(import.meta.url);" },
    metafile: true,
    logLevel: 'warning',
  });
  const actions = await buildActions(staging, result.metafile);
  await writeFile(join(staging, 'meta.json'), JSON.stringify(result.metafile));
  await writeFile(join(staging, 'actions-meta.json'), JSON.stringify(actions));
  await mkdir(dirname(CLI_DIST), { recursive: true });
  await rm(CLI_DIST, { recursive: true, force: true });
  await rename(staging, CLI_DIST);
  return result.metafile;
}

/**
 * The seven GitHub actions' own entry (src/cli-actions.ts) as one CommonJS file,
 * `actions.cjs`, which bin runs for an action's command line: measured against the same code
 * as ES module chunks, a release_xml spent ~30 ms less CPU loading it (one file, no module
 * graph to link). Its one dynamic import left as such is the sandbox lookup (made only
 * without GitHub credentials; it loads zod, the ORM and SQLite): that goes to the ES module
 * build's chunk of src/cli/context.ts, which hands back plain settings. Everything else it
 * imports is in the file. A warning (e.g. import.meta, which CommonJS lacks) fails the build.
 */
async function buildActions(staging: string, esm: Metafile): Promise<Metafile> {
  const context = Object.keys(esm.outputs).find((out) => esm.outputs[out]!.entryPoint === 'src/cli/context.ts');
  if (!context) throw new Error('the CLI build has no chunk for src/cli/context.ts');
  const sandboxLookup: Plugin = {
    name: 'sandbox-lookup-from-esm-build',
    setup(b) {
      b.onResolve({ filter: /^\.\/context$/ }, (args) => (args.importer.endsWith(join('src', 'cli', 'github-action-run.ts')) ? { path: `./${basename(context)}`, external: true } : undefined));
    },
  };
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ['src/cli-actions.ts'],
    outfile: join(staging, 'actions.cjs'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    plugins: [sandboxLookup, commanderChildProcessOnUse, builtinImportAsRequire],
    minifyWhitespace: true,
    minifySyntax: true,
    metafile: true,
    logLevel: 'silent',
  });
  if (result.warnings.length > 0) throw new Error(`the actions' build warned: ${result.warnings.map((w) => `${w.location?.file ?? ''}: ${w.text}`).join('; ')}`);
  return result.metafile;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = performance.now();
  await buildCli();
  process.stderr.write(`built the CLI into dist/cli in ${Math.round(performance.now() - started)} ms\n`);
}
