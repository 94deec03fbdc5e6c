import { FIELDS } from '../../courses/request-fields';
import { type FieldValues, type HelpdeskTicket, type HelpdeskTicketField, type HelpdeskTicketStore, type NewHelpdeskTicket, helpdeskField } from './ticket-store';

/** The catalogue's fields with made-up ids, as `zendesk setup` would create them. */
export function catalogueFields(firstId = 9000): HelpdeskTicketField[] {
  return FIELDS.map((f, i) => helpdeskField(f, firstId + i));
}

/** Tickets in memory: for tests, and for a sandbox that has no Zendesk simulator. */
export function createMemoryTicketStore(options: { fields?: HelpdeskTicketField[]; clock?: () => number; onCreate?(ticket: HelpdeskTicket): Promise<void> } = {}): HelpdeskTicketStore & { add(ticket: Omit<HelpdeskTicket, 'createdAt'>): HelpdeskTicket } {
  const fields = options.fields ?? catalogueFields();
  const clock = options.clock ?? Date.now;
  const tickets = new Map<number, HelpdeskTicket>();
  const merge = (current: FieldValues, values: FieldValues): FieldValues => {
    const byId = new Map(current.map((f) => [f.id, f.value]));
    for (const v of values) byId.set(v.id, v.value);
    return [...byId].map(([id, value]) => ({ id, value }));
  };
  const add = (ticket: Omit<HelpdeskTicket, 'createdAt'>): HelpdeskTicket => {
    const stored = { ...ticket, createdAt: new Date(clock()).toISOString() };
    tickets.set(stored.id, stored);
    return stored;
  };
  return {
    add,
    ticketFields: async () => fields,
    listTickets: async () => [...tickets.values()].sort((a, b) => b.id - a.id),
    getTicket: async (id) => tickets.get(id),
    async setFields(id, values) {
      const ticket = tickets.get(id);
      if (!ticket) return undefined;
      const updated = { ...ticket, customFields: merge(ticket.customFields, values) };
      tickets.set(id, updated);
      return updated;
    },
    async createTicket(input: NewHelpdeskTicket) {
      const id = Math.max(0, ...tickets.keys()) + 1;
      const ticket = add({ id, subject: input.subject, description: input.description, status: 'new', requester: input.requester, customFields: input.customFields });
      await options.onCreate?.(ticket);
      return ticket;
    },
  };
}
