import { FIELDS, type FieldKey, fieldTitle } from '../../courses/request-fields';
import type { ZendeskSimulator } from '../../simulators/zendesk/simulator';
import { type FieldValues, type HelpdeskTicket, type HelpdeskTicketField, type HelpdeskTicketStore, helpdeskField } from './ticket-store';

/**
 * The sandbox's help desk: tickets live in the Zendesk simulator, so a ticket filed on the
 * local page fires the same trigger and signed webhook a real Zendesk would, and the service's
 * intake reads it back through the API.
 */
export function simulatorTicketStore(sim: ZendeskSimulator, requesterEmail = 'requester@sandbox.test'): HelpdeskTicketStore {
  const managed = () => {
    const byTitle = new Map(sim.admin.ticketFields().map((f) => [f.title, f]));
    return FIELDS.flatMap((spec) => {
      const field = byTitle.get(fieldTitle(spec));
      return field ? [{ spec, id: Number(field.id) }] : [];
    });
  };
  /** Form values (by field id, dropdowns as tags) to the simulator's (by key, dropdowns as values). */
  const byKey = (values: FieldValues) => {
    const out: Partial<Record<FieldKey, string | number | null>> = {};
    const fields = managed();
    for (const { id, value } of values) {
      const f = fields.find((m) => m.id === id);
      if (!f) continue;
      const option = 'options' in f.spec ? f.spec.options.find((o) => o.tag === value) : undefined;
      out[f.spec.key] = option ? option.value : value;
    }
    return out;
  };
  const toTicket = (id: number): HelpdeskTicket | undefined => {
    if (!sim.ticketIds().includes(id)) return undefined;
    const t = sim.ticket(id);
    const customFields = t.custom_fields.map((f) => ({ id: f.id, value: typeof f.value === 'string' || typeof f.value === 'number' ? f.value : null }));
    const requester = t.requesterEmail ?? requesterEmail;
    const comments = sim.comments(id).map((c) => ({
      author: c.author_id === sim.apiUserId ? 'Orcoursetrion' : c.author_id === t.requester_id ? requester : 'Agent',
      public: c.public,
      html: c.html_body,
      createdAt: c.created_at,
    }));
    return { id: t.id, subject: t.subject, description: t.description, status: t.status, requester: { email: requester }, customFields, createdAt: t.created_at, comments };
  };

  return {
    async ticketFields(): Promise<HelpdeskTicketField[]> {
      return managed().map(({ spec, id }) => helpdeskField(spec, id));
    },
    listTickets: async () => sim.ticketIds().reverse().flatMap((id) => toTicket(id) ?? []),
    getTicket: async (id) => toTicket(id),
    async setFields(id, values) {
      if (!toTicket(id)) return undefined;
      sim.updateAsAgent(id, { fields: byKey(values) });
      return toTicket(id);
    },
    async createTicket(input) {
      const id = sim.createTicketAsRequester({ email: input.requester.email, name: input.requester.name, subject: input.subject, description: input.description, fields: byKey(input.customFields) });
      return toTicket(id)!;
    },
  };
}
