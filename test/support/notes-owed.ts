import Database from 'better-sqlite3';

/**
 * How many notes the service still owes a ticket (its outbox rows not posted yet, nor given up),
 * read on a read-only connection to the service's database file. Test harnesses poll this.
 */
export function openNotesOwed(path: string): { owed(ticketId: number): number; close(): void } {
  const db = new Database(path, { readonly: true });
  const owed = db.prepare<[number], { n: number }>("SELECT count(*) AS n FROM ticket_notes WHERE ticket_id = ? AND status IN ('pending', 'running')");
  return { owed: (ticketId) => owed.get(ticketId)!.n, close: () => db.close() };
}
