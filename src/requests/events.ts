import { asc, eq } from 'drizzle-orm';
import { events, type EventRow } from '../db/schema';
import type { Db } from '../db/types';

/** Who acted: an agent (from the sidebar JWT or a Zendesk macro), the CLI, or the service itself. */
export interface Actor {
  /** "agent:<zendesk user id>", "cli:<os user>", "rule:<approval rule name>", "requester", "system". */
  id: string;
  name?: string;
}

export interface EventEntry {
  requestId?: number | null;
  ticketId?: number | null;
  actor: Actor;
  action: string;
  detail?: Record<string, unknown>;
}

const eventValues = (at: number, entry: EventEntry) => ({
  requestId: entry.requestId ?? null,
  ticketId: entry.ticketId ?? null,
  actor: entry.actor.id,
  actorName: entry.actor.name ?? null,
  action: entry.action,
  detail: entry.detail ?? null,
  at,
});

/** Appends to the audit log (rows are never updated or deleted) and returns the row. */
export async function recordEvent(db: Db, at: number, entry: EventEntry): Promise<EventRow> {
  const [row] = await db.insert(events).values(eventValues(at, entry)).returning();
  return row!;
}

/**
 * Appends an agent's decision or finished step unless its event is there already (the
 * events_action_once index: same request, action, time and step), and returns the row it wrote,
 * if any. The action and a recovery rebuilding its event from the row race safely: one writes.
 */
export async function recordEventOnce(db: Db, at: number, entry: EventEntry): Promise<EventRow | undefined> {
  const [row] = await db.insert(events).values(eventValues(at, entry)).onConflictDoNothing().returning();
  return row;
}

export function eventsOf(db: Db, requestId: number): Promise<EventRow[]> {
  return db.select().from(events).where(eq(events.requestId, requestId)).orderBy(asc(events.at), asc(events.id));
}
