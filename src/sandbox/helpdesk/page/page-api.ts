import * as z from 'zod/mini';

/** The help-desk page's own JSON API (routes.ts), checked as it arrives. */

const fieldValue = z.union([z.string(), z.number(), z.null()]);
export const ticketFieldSchema = z.object({
  id: z.number(),
  key: z.string(),
  title: z.string(),
  type: z.enum(['text', 'textarea', 'tagger', 'date', 'integer', 'regexp']),
  description: z.string(),
  options: z.optional(z.array(z.object({ name: z.string(), value: z.string() }))),
  pattern: z.optional(z.string()),
});
export type TicketField = z.infer<typeof ticketFieldSchema>;
export const ticketSchema = z.object({
  id: z.number(),
  subject: z.string(),
  description: z.string(),
  status: z.string(),
  requester: z.object({ name: z.optional(z.string()), email: z.string() }),
  customFields: z.array(z.object({ id: z.number(), value: fieldValue })),
  createdAt: z.string(),
  comments: z.optional(z.array(z.object({ author: z.string(), public: z.boolean(), html: z.string(), createdAt: z.string() }))),
});
export type Ticket = z.infer<typeof ticketSchema>;
export const configSchema = z.object({
  basePath: z.string(),
  appUrl: z.string(),
  settings: z.record(z.string(), z.string()),
  currentUser: z.object({ id: z.number(), name: z.string(), email: z.string() }),
});
export type PageConfig = z.infer<typeof configSchema>;
const proxyAnswerSchema = z.object({ status: z.number(), contentType: z.string(), body: z.string() });
const errorSchema = z.object({ error: z.object({ message: z.string() }) });

export function createPageApi(basePath: string) {
  async function call<T>(schema: z.ZodMiniType<T>, path: string, init: RequestInit = {}): Promise<T> {
    const res = await fetch(`${basePath}/api${path}`, { ...init, headers: { 'content-type': 'application/json' } });
    const body: unknown = await res.json();
    if (!res.ok) {
      const err = errorSchema.safeParse(body);
      throw new Error(err.success ? err.data.error.message : `HTTP ${res.status}`);
    }
    return schema.parse(body);
  }
  return {
    fields: async () => (await call(z.object({ fields: z.array(ticketFieldSchema) }), '/ticket-fields')).fields,
    tickets: async () => (await call(z.object({ tickets: z.array(ticketSchema) }), '/tickets')).tickets,
    ticket: async (id: number) => (await call(z.object({ ticket: ticketSchema }), `/tickets/${id}`)).ticket,
    setFields: async (id: number, customFields: { id: number; value: string | number | null }[]) =>
      (await call(z.object({ ticket: ticketSchema }), `/tickets/${id}/fields`, { method: 'PUT', body: JSON.stringify({ customFields }) })).ticket,
    create: async (input: { subject: string; description: string; requester: { name?: string; email: string }; customFields: { id: number; value: string | number | null }[] }) =>
      (await call(z.object({ ticket: ticketSchema }), '/tickets', { method: 'POST', body: JSON.stringify(input) })).ticket,
    zafRequest: (options: unknown) => call(proxyAnswerSchema, '/zaf-request', { method: 'POST', body: JSON.stringify(options) }),
  };
}
export type PageApi = ReturnType<typeof createPageApi>;
