#!/usr/bin/env node
// Runs the compiled CLI (dist/cli, built by `npm run build`, which `npm install` runs as prepare):
// no TypeScript compiler at run time. In development, `npx tsx src/cli.ts` runs the source.
let cli;
try {
  cli = await import('../dist/cli/cli.js');
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('dist/cli/cli.js')) throw err;
  process.stderr.write('orcoursetrion: the CLI is not built (dist/cli is missing); run `npm run build` (npm install does it)\n');
  process.exit(1);
}
process.exitCode = await cli.main(process.argv.slice(2));
