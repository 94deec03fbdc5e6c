import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * bin/code-cache.js (CommonJS, as bin is): loading the actions' build with V8's code cache of
 * it. Each load in a fresh Node, as bin does: a process that compiled the source once already
 * has it in V8's own compilation cache and would never read the cached data.
 */
const LOADER = fileURLToPath(new URL('../../bin/code-cache.js', import.meta.url));

function requireWithCodeCache(file: string, writeCache = false): { cacheUsed: boolean; exports: Record<string, unknown> } {
  const script = `const l = require(${JSON.stringify(LOADER)}).requireWithCodeCache(${JSON.stringify(file)}); if (${writeCache}) l.writeCache(); process.stdout.write(JSON.stringify({ cacheUsed: l.cacheUsed, exports: { ...l.exports, twice: l.exports.twice?.(21), main: typeof l.exports.main } }));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { cacheUsed: boolean; exports: Record<string, unknown> };
}
const writeCacheOf = (file: string) => requireWithCodeCache(file, true);

/** A CommonJS file whose export says which version of it ran. */
function moduleFile(version: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'orc-code-cache-')), 'mod.cjs');
  writeFileSync(file, source(version));
  return file;
}
const source = (version: string) => `'use strict';\nconst { basename } = require('node:path');\nmodule.exports = { version: ${JSON.stringify(version)}, name: basename(__filename), twice: (n) => n * 2 };\n`;

describe('requireWithCodeCache', () => {
  it('without a cache compiles the file as require would; with the cache it wrote, uses it', () => {
    const file = moduleFile('one');
    const first = writeCacheOf(file);
    expect(first.cacheUsed).toBe(false);
    expect(first.exports).toEqual({ version: 'one', name: 'mod.cjs', twice: 42, main: 'undefined' });
    const second = requireWithCodeCache(file);
    expect(second.cacheUsed).toBe(true);
    expect(second.exports).toEqual(first.exports);
  });

  it('never uses a stale cache: the file rebuilt with the same length runs its new code', () => {
    const file = moduleFile('one');
    writeCacheOf(file);
    // Same length, other content: V8's own check (the source's length) would accept the cache.
    writeFileSync(file, source('two'));
    const loaded = requireWithCodeCache(file);
    expect(loaded.cacheUsed).toBe(false);
    expect(loaded.exports).toMatchObject({ version: 'two' });
  });

  it('ignores a cache another Node made', () => {
    const file = moduleFile('one');
    writeCacheOf(file);
    const cache = readFileSync(`${file}.cache`);
    const end = cache.indexOf(10);
    const otherNode = cache.toString('latin1', 0, end).replace(process.version, 'v99.0.0');
    writeFileSync(`${file}.cache`, Buffer.concat([Buffer.from(otherNode, 'latin1'), cache.subarray(end)]));
    const loaded = requireWithCodeCache(file);
    expect(loaded.cacheUsed).toBe(false);
    expect(loaded.exports).toMatchObject({ version: 'one' });
  });

  it('falls back silently when V8 rejects the cached data (damaged under the right key)', () => {
    const file = moduleFile('one');
    writeCacheOf(file);
    const cache = readFileSync(`${file}.cache`);
    const end = cache.indexOf(10);
    writeFileSync(`${file}.cache`, Buffer.concat([cache.subarray(0, end + 1), Buffer.alloc(cache.length - end - 1, 0x5a)]));
    const loaded = requireWithCodeCache(file);
    expect(loaded.cacheUsed).toBe(false);
    expect(loaded.exports).toMatchObject({ version: 'one' });
  });

  it('the build made a cache of dist/cli/actions.cjs that this Node uses', () => {
    // vitest's global setup has just built dist/cli with this Node.
    const loaded = requireWithCodeCache(fileURLToPath(new URL('../../dist/cli/actions.cjs', import.meta.url)));
    expect(loaded.cacheUsed).toBe(true);
    expect(loaded.exports.main).toBe('function');
  });
});
