import type { Db } from './types';

/**
 * A value made once per database connection, at its first use: the hot statements' Drizzle
 * prepared queries. Drizzle builds a query's SQL text anew at each call; one prepared with
 * placeholders is built once and only binds its values (on better-sqlite3 and D1 alike).
 */
export function perDb<T>(make: (db: Db) => T): (db: Db) => T {
  const made = new WeakMap<Db, T>();
  return (db) => {
    let value = made.get(db);
    if (value === undefined) {
      value = make(db);
      made.set(db, value);
    }
    return value;
  };
}
