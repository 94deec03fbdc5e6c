'use strict';
// Loads a CommonJS file (dist/cli/actions.cjs) with V8's code cache of it, so a start skips most
// of compiling it (measured on release_xml: ~13 ms of ~65 over `node -e 0` plus its round trip).
// Node 20 has no module compile cache of its own (module.enableCompileCache is Node 22).
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { createRequire, wrap } = require('node:module');
const { dirname } = require('node:path');
const vm = require('node:vm');
const { crc32 } = require('node:zlib');

/**
 * What a cache was made from: the file's CRC-32, size and path, and the Node that compiled it.
 * V8 checks only the source's length and its own version, so a cache is used only under this
 * key: a rebuilt file (even of the same length), a moved one (V8 keeps the path the cache was
 * made at for stack traces) or another Node compiles as usual.
 */
const keyOf = (file, source) => JSON.stringify([crc32(source), source.length, file, process.version, process.arch]);

/** The cache's bytes when its first line is this key (`<file>.cache`: key, newline, V8's data). */
function cachedDataFor(cacheFile, key) {
  let cache;
  try {
    cache = readFileSync(cacheFile);
  } catch {
    return undefined; // none: compile as usual
  }
  const end = cache.indexOf(10);
  return end > 0 && cache.toString('utf8', 0, end) === key ? cache.subarray(end + 1) : undefined;
}

/**
 * Runs `file` as a CommonJS module, compiled with `<file>.cache` when that was made from this
 * file by this Node; a cache V8 rejects is ignored (V8 compiles the source instead). Returns its
 * exports, whether the cache was used, and `writeCache()`, which stores what V8 has compiled so far.
 */
function requireWithCodeCache(file) {
  const source = readFileSync(file);
  const key = keyOf(file, source);
  const cachedData = cachedDataFor(`${file}.cache`, key);
  // No import() works in this script (Node's loader is not attached to a vm.Script; with a
  // cache, not even vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER): the build routes the actions'
  // one import() through dist/cli/import-esm.cjs, an ordinary CommonJS file.
  const script = new vm.Script(wrap(source.toString('utf8')), { filename: file, cachedData });
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, createRequire(file), mod, file, dirname(file));
  return {
    exports: mod.exports,
    cacheUsed: cachedData !== undefined && !script.cachedDataRejected,
    // Written aside and moved into place: a start reading it meanwhile finds the old one or none.
    writeCache: () => {
      writeFileSync(`${file}.cache.${process.pid}`, Buffer.concat([Buffer.from(`${key}\n`, 'utf8'), script.createCachedData()]));
      renameSync(`${file}.cache.${process.pid}`, `${file}.cache`);
    },
  };
}

module.exports = { requireWithCodeCache };
