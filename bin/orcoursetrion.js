#!/usr/bin/env node
// Runs the compiled CLI (dist/cli, built by `npm run build`, which `npm install` runs as prepare):
// no TypeScript compiler at run time. Tests and benches run the source through tsx.
import { readFileSync } from 'node:fs';

/** Exits once the output is flushed. */
async function exit(code) {
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))));
  process.exit(code);
}

const argv = process.argv.slice(2);
// `--version` alone, answered as commander would (src/cli.ts declares it) without loading the
// CLI: loading commander and declaring every command was most of its time.
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
  await exit(0);
}
let cli;
try {
  cli = await import('../dist/cli/cli.js');
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('dist/cli/cli.js')) throw err;
  process.stderr.write('orcoursetrion: the CLI is not built (dist/cli is missing); run `npm run build` (npm install does it)\n');
  process.exit(1);
}
const code = await cli.main(argv);
// The command is done (`serve` never returns here: a signal ends it). Exit now, once the output
// is flushed: Node's fetch keeps its connections open after the last answer, and waiting for
// them to close held each GitHub action ~0.5-1 s past its work, or longer against GitHub itself.
await exit(code);
