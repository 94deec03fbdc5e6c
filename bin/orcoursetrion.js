#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx orcoursetrion` works in a checkout without a build.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
