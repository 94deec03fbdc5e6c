import { many, noContent, one, type ZendeskHttp } from './client';
import {
  macroSchema,
  signingSecretSchema,
  ticketFieldSchema,
  ticketFormSchema,
  triggerSchema,
  webhookSchema,
  webhookTestSchema,
  wrapped,
} from './schemas';

/** The account objects `zendesk setup` manages: list, create, update (no deletes). */

export interface TicketFieldPayload {
  type: string;
  title: string;
  title_in_portal: string;
  description: string;
  active: boolean;
  visible_in_portal: boolean;
  editable_in_portal: boolean;
  custom_field_options?: Array<{ name: string; value: string }>;
  /** For `regexp` fields only: the pattern a value must match. */
  regexp_for_validation?: string;
}

/**
 * A ticket form condition (https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_forms/):
 * while `parent_field_id` holds `value`, the child fields show. Agent conditions also say on
 * which ticket statuses a child is required; end-user ones only whether it is.
 */
export interface FormCondition<Child> {
  parent_field_id: number;
  value: string;
  child_fields: Child[];
}
export interface EndUserChild {
  id: number;
  is_required: boolean;
}
export interface AgentChild extends EndUserChild {
  required_on_statuses: { type: 'NO_STATUSES' | 'ALL_STATUSES' } | { type: 'SOME_STATUSES'; statuses: string[] };
}

export interface TicketFormPayload {
  name: string;
  display_name: string;
  active: boolean;
  end_user_visible: boolean;
  ticket_field_ids: number[];
  agent_conditions: FormCondition<AgentChild>[];
  end_user_conditions: FormCondition<EndUserChild>[];
}

export interface RuleAction {
  field: string;
  value: unknown;
}

export interface RuleCondition {
  field: string;
  operator: string;
  value?: unknown;
}

export interface MacroPayload {
  title: string;
  active: boolean;
  actions: RuleAction[];
}

export interface TriggerPayload {
  title: string;
  active: boolean;
  conditions: { all: RuleCondition[]; any: RuleCondition[] };
  actions: RuleAction[];
}

export interface WebhookPayload {
  name: string;
  status: 'active' | 'inactive';
  endpoint: string;
  http_method: 'POST';
  request_format: 'json';
  subscriptions: string[];
}

export function createAdminOperations({ client }: ZendeskHttp) {
  return {
    listTicketFields: () => many('GET ticket_fields', ticketFieldSchema, client.ticketfields.list()),
    createTicketField: (field: TicketFieldPayload) =>
      one('POST ticket_field', wrapped('ticket_field', ticketFieldSchema), client.ticketfields.create({ ticket_field: field })),
    updateTicketField: (id: number, field: TicketFieldPayload) =>
      one(`PUT ticket_field ${id}`, wrapped('ticket_field', ticketFieldSchema), client.ticketfields.update(id, { ticket_field: field })),

    listTicketForms: () => many('GET ticket_forms', ticketFormSchema, client.ticketforms.list()),
    createTicketForm: (form: TicketFormPayload) =>
      one('POST ticket_form', wrapped('ticket_form', ticketFormSchema), client.ticketforms.create({ ticket_form: form })),
    updateTicketForm: (id: number, form: TicketFormPayload) =>
      one(`PUT ticket_form ${id}`, wrapped('ticket_form', ticketFormSchema), client.ticketforms.update(id, { ticket_form: form })),

    // `listByParams({})` lists inactive macros too (`list()` is active only), so a deactivated one is found and re-enabled.
    listMacros: () => many('GET macros', macroSchema, client.macros.listByParams({})),
    // `post`, not `macros.create`: its type (and JSDoc) want the macro unwrapped, which Zendesk refuses (422).
    createMacro: (macro: MacroPayload) => one('POST macro', wrapped('macro', macroSchema), client.macros.post(['macros'], { macro })),
    updateMacro: (id: number, macro: MacroPayload) => one(`PUT macro ${id}`, wrapped('macro', macroSchema), client.macros.update(id, { macro })),

    listTriggers: () => many('GET triggers', triggerSchema, client.triggers.list()),
    createTrigger: (trigger: TriggerPayload) => one('POST trigger', wrapped('trigger', triggerSchema), client.triggers.create({ trigger })),
    updateTrigger: (id: number, trigger: TriggerPayload) =>
      one(`PUT trigger ${id}`, wrapped('trigger', triggerSchema), client.triggers.update(id, { trigger })),

    listWebhooks: () => many('GET webhooks', webhookSchema, client.webhooks.list()),
    createWebhook: (webhook: WebhookPayload) => one('POST webhook', wrapped('webhook', webhookSchema), client.webhooks.create({ webhook })),
    /** Zendesk answers 204; the subscriptions of a webhook cannot change, so they are not sent. */
    updateWebhook: (id: string, webhook: WebhookPayload) => {
      const { subscriptions: _fixed, ...changeable } = webhook;
      return noContent(client.webhooks.update(id, { webhook: changeable }));
    },
    /**
     * Zendesk sends one signed request to `endpoint` and reports the endpoint's answer (status, body).
     * `post`, not `webhooks.test`: that one builds `/api/v2//webhooks/test` (a leading slash in its path).
     */
    testWebhook: async (id: string, request: { endpoint: string; payload: string }) =>
      (await one(`POST webhooks/test ${id}`, webhookTestSchema, client.webhooks.post(['webhooks', 'test', `?webhook_id=${encodeURIComponent(id)}`], { request: { ...request, http_method: 'POST', request_format: 'json' } }))).response,
    getWebhookSigningSecret: async (id: string) =>
      (await one(`GET webhook ${id} signing_secret`, signingSecretSchema, client.webhooks.getSigningSecret(id))).signing_secret.secret,
  };
}

export type AdminOperations = ReturnType<typeof createAdminOperations>;
