import type { Db } from './types';

const keeping = new WeakSet<Db>();

/** Lets `perDb` keep what it makes for this connection: an in-process SQLite (db/sqlite.ts). */
export function keepPerDb(db: Db): void {
  keeping.add(db);
}

/**
 * A value made once per database connection, at its first use: the hot statements' Drizzle
 * prepared queries. Drizzle builds a query's SQL text anew at each call; one prepared with
 * placeholders is built once and only binds its values. Kept only for connections marked by
 * `keepPerDb`; on D1 it is made at each use, as a plain query is: a D1 statement is a remote
 * object that D1 compiles at each call anyway, and keeping one across a Worker's concurrent
 * calls is not a pattern its local runtime (the tests') has been proven with.
 */
export function perDb<T>(make: (db: Db) => T): (db: Db) => T {
  const made = new WeakMap<Db, T>();
  return (db) => {
    if (!keeping.has(db)) return make(db);
    let value = made.get(db);
    if (value === undefined) {
      value = make(db);
      made.set(db, value);
    }
    return value;
  };
}
