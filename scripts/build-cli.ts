import { execFile } from 'node:child_process';
import { copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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
/** Imports an ES module chunk for actions.cjs (see buildActions). */
const IMPORT_ESM = 'import-esm.cjs';
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
  // Made in place: the cache is keyed by the file's path too (V8 keeps it for stack traces).
  // Only a speed-up: a build that cannot make it says so and goes on (bin compiles as usual).
  await writeActionsCodeCache(join(CLI_DIST, 'actions.cjs')).catch((err: unknown) => process.stderr.write(`warning: ${err instanceof Error ? err.message : String(err)}; the CLI's actions will start without V8's code cache\n`));
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
      b.onResolve({ filter: /^\.\/context$/ }, (args) => (args.importer.endsWith(join('src', 'cli', 'github-action-run.ts')) ? { path: 'context', namespace: 'sandbox-lookup' } : undefined));
      // The chunk is imported by import-esm.cjs: bin runs actions.cjs as a vm.Script (with V8's
      // code cache, bin/code-cache.js), where an import() of its own has no module loader.
      b.onLoad({ filter: /.*/, namespace: 'sandbox-lookup' }, () => ({
        contents: `import { join } from 'node:path'; import { pathToFileURL } from 'node:url';
export const sandboxOfSettings = async (...args) => (await require('./${IMPORT_ESM}')(pathToFileURL(join(__dirname, ${JSON.stringify(basename(context))})).href)).sandboxOfSettings(...args);`,
        loader: 'js',
      }));
      b.onResolve({ filter: new RegExp(`^\\./${IMPORT_ESM.replace('.', '\\.')}$`) }, (args) => ({ path: args.path, external: true }));
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
  await writeFile(join(staging, IMPORT_ESM), "'use strict';\n// import() for actions.cjs, which runs where it has none of its own (scripts/build-cli.ts).\nmodule.exports = (url) => import(url);\n");
  return result.metafile;
}

/**
 * V8's code cache of actions.cjs (`actions.cjs.cache`, read by bin/code-cache.js), made by this
 * Node from a release_xml run in a child process against a loopback stand-in for GitHub that
 * answers 201: the cache holds what such a run compiles (commander, the action, Octokit, the
 * transport), not only the file's top level. Made with the Node that runs the build (npm
 * install's prepare); another Node finds the cache's key different and compiles as usual.
 */
async function writeActionsCodeCache(file: string): Promise<void> {
  const stub = createServer((_req, res) => res.writeHead(201, { 'content-type': 'application/json; charset=utf-8' }).end('{"id":1}'));
  await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
  const loader = join(ROOT, 'bin', 'code-cache.js');
  const script = `const l = require(${JSON.stringify(loader)}).requireWithCodeCache(${JSON.stringify(file)}); l.exports.main(['release_xml', '-c', '8.01', '-t', '2027_Spring']).then((code) => { if (code !== 0) throw new Error('the warm-up run exited ' + code); l.writeCache(); });`;
  const env = { PATH: process.env.PATH ?? '', ORC_GH_OAUTH2_TOKEN: 'code-cache-warm-up', ORC_GH_API_URL: `http://127.0.0.1:${(stub.address() as AddressInfo).port}/`, ORC_PRODUCTION_GITRELOAD: 'https://gitreload.invalid/' };
  try {
    await new Promise<void>((resolve, reject) =>
      execFile(process.execPath, ['-e', script], { env, timeout: 60_000 }, (err, _stdout, stderr) => (err ? reject(new Error(`making the actions' code cache failed: ${stderr.trim() || err.message}`)) : resolve())),
    );
  } finally {
    await new Promise<void>((resolve) => stub.close(() => resolve()));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = performance.now();
  await buildCli();
  process.stderr.write(`built the CLI into dist/cli in ${Math.round(performance.now() - started)} ms\n`);
}
