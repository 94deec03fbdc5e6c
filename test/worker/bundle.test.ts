import { readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tempDir, wrangler } from './local-wrangler';

const metafileSchema = z.object({
  inputs: z.record(z.string(), z.unknown()),
  outputs: z.record(z.string(), z.object({ bytes: z.number(), imports: z.array(z.object({ path: z.string(), external: z.boolean().optional() })) })),
});

// Node-only code that must stay out of the Worker: native SQLite, the Node HTTP server and
// driver, and the modules that read migrations from the file system.
const NODE_ONLY = [/node_modules\/better-sqlite3\//, /node_modules\/@hono\/node-server\//, /drizzle-orm\/better-sqlite3\//, /src\/db\/sqlite\.ts$/, /src\/db\/readiness\.ts$/, /src\/server\.ts$/, /src\/engine\/node-driver\.ts$/, /src\/cli/];

describe('Worker bundle (wrangler deploy --dry-run)', () => {
  let out: Awaited<ReturnType<typeof tempDir>>;
  let metafile: z.infer<typeof metafileSchema>;
  let script: Buffer;

  beforeAll(async () => {
    out = await tempDir('orc-worker-bundle-');
    await wrangler(['deploy', '--dry-run', '--outdir', join(out.path, 'dist'), '--metafile', join(out.path, 'meta.json')]);
    metafile = metafileSchema.parse(JSON.parse(await readFile(join(out.path, 'meta.json'), 'utf8')));
    script = await readFile(join(out.path, 'dist', 'worker.js'));
  }, 60_000);
  afterAll(() => out?.remove());

  it('contains the app, engine and D1 driver and no Node-only module', () => {
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.some((p) => p.endsWith('src/worker.ts'))).toBe(true);
    expect(inputs.some((p) => p.endsWith('src/engine/claim.ts'))).toBe(true);
    expect(inputs.some((p) => /drizzle-orm\/d1\//.test(p))).toBe(true);
    expect(inputs.filter((p) => NODE_ONLY.some((re) => re.test(p)))).toEqual([]);
  });

  it('imports nothing at run time but Node built-ins (served by nodejs_compat)', () => {
    const external = Object.values(metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
    const builtIn = (p: string) => builtinModules.includes(p.replace(/^node:/, '')) || p.startsWith('cloudflare:');
    expect(external.length).toBeGreaterThan(0);
    expect(external.filter((p) => !builtIn(p))).toEqual([]);
  });

  it('is at most 1 MiB gzipped (the Workers free plan limit is 3 MiB)', () => {
    const gzipped = gzipSync(script).length;
    console.log(`worker bundle: ${(script.length / 1024).toFixed(0)} KiB, ${(gzipped / 1024).toFixed(0)} KiB gzipped`);
    expect(gzipped).toBeLessThanOrEqual(1024 * 1024);
  });
});
