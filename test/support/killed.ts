import { events } from '../../src/db/schema';
import type { Db } from '../../src/db/types';

/** What a SIGKILL leaves: the statements before it happened, the next one never did. */
export class Killed extends Error {}

/**
 * The database of a process killed right after an action's state change: every insert into the
 * audit log (the action's next write) throws Killed; everything else goes through.
 */
export const killedBeforeEvent = (db: Db): Db =>
  new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== 'insert') return Reflect.get(target, prop, receiver);
      return (table: unknown) => {
        if (table === events) throw new Killed('killed between the state change and the audit event');
        return target.insert(table as typeof events);
      };
    },
  });
