import { eq, max } from 'drizzle-orm';
import { z } from 'zod';
import { events, requests, sandboxState } from '../db/schema';
import type { Db } from '../db/types';
import type { Clock } from '../engine/types';
import { edxStateToData, loadEdxState } from '../simulators/edx/simulator-persist';
import type { HelpdeskTicketStore } from './helpdesk/ticket-store';
import type { SandboxSimulators } from './simulators';

/**
 * The sandbox's simulated world kept in its own database: GitHub, Zendesk and edX are saved
 * after every change and loaded back at start, so stopping `npm start` and starting it again
 * continues the story where it was (the requests already live in the same file).
 */
export interface WorldStore {
  /** Loads the saved world into the simulators; false when this database has none yet. */
  restore(): Promise<boolean>;
  /** Writes each system whose state changed since the last save. */
  save(): Promise<void>;
}

type System = 'github' | 'zendesk' | 'edx' | 'production-edx';

/** The first problems, one line: where in the saved data, and what was found. */
const unreadable = (err: unknown) =>
  err instanceof z.ZodError ? err.issues.slice(0, 3).map((i) => `${i.path.join('.') || 'data'}: ${i.message}`).join('; ') : err instanceof Error ? err.message : String(err);

export function createWorldStore(db: Db, sims: Pick<SandboxSimulators, 'github' | 'zendesk' | 'edx' | 'productionEdx'>, clock: Clock): WorldStore {
  const dumps: Record<System, () => unknown> = {
    github: () => sims.github.persist.dump(),
    zendesk: () => sims.zendesk.persist.dump(),
    edx: () => edxStateToData(sims.edx.state),
    // The production LMS is an installation of its own (its courses, its imports).
    'production-edx': () => edxStateToData(sims.productionEdx.state),
  };
  const loads: Record<System, (data: unknown) => void> = {
    github: (data) => sims.github.persist.load(data),
    zendesk: (data) => sims.zendesk.persist.load(data),
    edx: (data) => loadEdxState(sims.edx.state, data),
    'production-edx': (data) => loadEdxState(sims.productionEdx.state, data),
  };
  const systems = Object.keys(dumps) as System[];
  const saved = new Map<System, string>();

  return {
    async restore() {
      let restored = false;
      for (const system of systems) {
        const [row] = await db.select({ data: sandboxState.data }).from(sandboxState).where(eq(sandboxState.key, system));
        if (!row) continue;
        try {
          loads[system](JSON.parse(row.data));
        } catch (err) {
          throw new Error(`The sandbox's saved ${system} world in this database cannot be read (${unreadable(err)}); start with a fresh database (move the ORC_DATABASE file away) to begin a new sandbox.`);
        }
        saved.set(system, row.data);
        restored = true;
      }
      // Ticket numbers continue above every ticket the service has recorded, even from a
      // database whose world was never saved, so a new ticket never takes an old request's number.
      const [recorded] = await db.select({ top: max(requests.ticketId) }).from(requests);
      const [logged] = await db.select({ top: max(events.ticketId) }).from(events);
      sims.zendesk.persist.reserveIdsThrough(Math.max(recorded?.top ?? 0, logged?.top ?? 0));
      return restored;
    },
    async save() {
      for (const system of systems) {
        const data = JSON.stringify(dumps[system]());
        if (saved.get(system) === data) continue;
        const row = { key: system, data, updatedAt: clock() };
        await db.insert(sandboxState).values(row).onConflictDoUpdate({ target: sandboxState.key, set: row });
        saved.set(system, data);
      }
    },
  };
}

/** The help desk's tickets, saved after each change the page makes (it calls the simulator directly, not over HTTP). */
export function savingTicketStore(store: HelpdeskTicketStore, world: WorldStore): HelpdeskTicketStore {
  return {
    ...store,
    async setFields(id, values) {
      const ticket = await store.setFields(id, values);
      await world.save();
      return ticket;
    },
    async createTicket(input) {
      const ticket = await store.createTicket(input);
      await world.save();
      return ticket;
    },
  };
}
