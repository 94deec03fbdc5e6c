import type Database from 'better-sqlite3';

/**
 * Keeps a connection's compiled statements by their text. Drizzle's better-sqlite3 session
 * compiles every query anew at each call (its prepareQuery), while the engine runs the same few
 * statements for every item: their parameters are bound, so the text repeats. Up to `size`
 * statements, the least recently used dropped first. A reused reader is put back in object mode
 * (Drizzle switches its typed selects to raw rows and leaves them so); one busy iterating is
 * never handed out twice: a fresh one is compiled.
 */
export function cacheStatements(sqlite: Database.Database, size = 256): void {
  const compile = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, Database.Statement>();
  const prepare = (source: string): Database.Statement => {
    const hit = cache.get(source);
    if (hit && !hit.busy) {
      cache.delete(source);
      cache.set(source, hit);
      if (hit.reader) hit.raw(false).pluck(false).expand(false);
      return hit;
    }
    const stmt = compile(source);
    cache.set(source, stmt);
    if (cache.size > size) cache.delete(cache.keys().next().value as string);
    return stmt;
  };
  sqlite.prepare = prepare as typeof sqlite.prepare;
}
