#!/usr/bin/env node
// Runs the compiled CLI (dist/cli, built by `npm run build`, which `npm install` runs as prepare):
// no TypeScript compiler at run time. Tests and benches run the source through tsx.
// CommonJS (bin/package.json): an ES module entry costs every start ~15 ms of loader set-up,
// which an action's command line (dist/cli/actions.cjs) never needs.
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { requireWithCodeCache } = require('./code-cache');

/** Exits once the output is flushed. */
async function exit(code) {
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))));
  process.exit(code);
}

/** The 2015 tool's seven actions (src/cli/github-actions.ts GITHUB_ACTIONS; a test keeps the two equal). */
const ACTIONS = new Set(['create_export_repo', 'rerun_studio', 'release_studio', 'create_xml_repo', 'rerun_xml', 'release_xml', 'put_team']);

async function run(argv) {
  // `--version` alone, answered as commander would (src/cli.ts declares it) without loading the
  // CLI: loading commander and declaring every command was most of its time.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`${JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).version}\n`);
    return exit(0);
  }
  let cli;
  try {
    // An action's command line runs on the actions' own build (src/cli-actions.ts as one CommonJS
    // file): the same program with only those commands, which starts faster than the full CLI,
    // with V8's code cache of it made by the build (bin/code-cache.js).
    cli = ACTIONS.has(argv[0]) ? requireWithCodeCache(join(__dirname, '..', 'dist', 'cli', 'actions.cjs')).exports : await import('../dist/cli/cli.js');
  } catch (err) {
    if (!['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND', 'ENOENT'].includes(err?.code) || !/dist\/cli\/(cli\.js|actions\.cjs)/.test(String(err.message))) throw err;
    process.stderr.write('orcoursetrion: the CLI is not built (dist/cli is missing); run `npm run build` (npm install does it)\n');
    process.exit(1);
  }
  const code = await cli.main(argv);
  // The command is done (`serve` never returns here: a signal ends it). Exit now, once the output
  // is flushed: Node's fetch keeps its connections open after the last answer, and waiting for
  // them to close held each GitHub action ~0.5-1 s past its work, or longer against GitHub itself.
  await exit(code);
}

run(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
