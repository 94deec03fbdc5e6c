import type { AgentChild, EndUserChild, FormCondition, MacroPayload, TicketFieldPayload, TicketFormPayload, TriggerPayload, WebhookPayload } from '../admin';
import { type Decision, type FieldKey, FIELDS, fieldNeed, fieldSpec, fieldTitle, managedTitle, requestTypeValues } from '../../../courses/request-fields';
import { fieldObjectKey } from '../../../db/zendesk-objects';

/**
 * What the account should hold, object by object, in the order objects can be made: fields,
 * then the form and macros (which name field ids), the webhook, then the triggers (which name
 * the form, fields and webhook). Each stage builds its objects from the ids known so far.
 */

export type DesiredObject =
  | { kind: 'ticket_field'; key: string; title: string; payload: TicketFieldPayload }
  | { kind: 'ticket_form'; key: string; title: string; payload: TicketFormPayload }
  | { kind: 'macro'; key: string; title: string; payload: MacroPayload }
  | { kind: 'webhook'; key: string; title: string; payload: WebhookPayload }
  | { kind: 'trigger'; key: string; title: string; payload: TriggerPayload };

export type ObjectKind = DesiredObject['kind'];

interface DesiredContext {
  publicUrl: string;
  /** The Zendesk id of a managed object by key (a placeholder while planning one not made yet). */
  numericId(key: string): number;
  webhookId(): string;
  /** The account's system Subject and Description fields, which a form must list to show them. */
  systemFieldIds: number[];
}

export const FORM_TITLE = managedTitle('Course request');
export const WEBHOOK_TITLE = managedTitle('Course request events');
export const UPDATED_TRIGGER_TITLE = managedTitle('Course request updated');
/** The "updated" trigger's condition for a requester's edit or reply (doctor checks it is there). */
export const REQUESTER_UPDATE_CONDITION = { field: 'role', operator: 'is', value: 'end_user' } as const;
export const WEBHOOK_PATH = '/webhooks/zendesk';

/** The trigger bodies carry ids only: the service re-reads the ticket through the API. */
export const triggerBody = (event: 'created' | 'updated') => JSON.stringify({ ticket_id: '{{ticket.id}}', event });

const fieldId = (ctx: DesiredContext, key: FieldKey) => ctx.numericId(fieldObjectKey(key));
const customField = (ctx: DesiredContext, key: FieldKey) => `custom_fields_${fieldId(ctx, key)}`;

function fields(): DesiredObject[] {
  return FIELDS.map((field) => ({
    kind: 'ticket_field',
    key: fieldObjectKey(field.key),
    title: fieldTitle(field),
    payload: {
      type: field.type,
      title: fieldTitle(field),
      title_in_portal: field.name,
      description: field.description,
      active: true,
      visible_in_portal: field.requesterFacing,
      editable_in_portal: field.requesterFacing,
      ...('options' in field && { custom_field_options: field.options.map((o) => ({ name: o.name, value: o.tag })) }),
      ...('pattern' in field && { regexp_for_validation: field.pattern }),
    },
  }));
}

/**
 * The form's conditions, one per request type, from the catalogue's `shownFor`: a field shows
 * only for the types it applies to. Requesters must fill in the required ones; agents never
 * must (NO_STATUSES), so an agent can still reply to, or reject, a request that lacks them:
 * intake names what is missing on the ticket.
 */
export function formConditions(ctx: Pick<DesiredContext, 'numericId'>): Pick<TicketFormPayload, 'agent_conditions' | 'end_user_conditions'> {
  const typeField = fieldSpec('request_type');
  const parent = ctx.numericId(fieldObjectKey('request_type'));
  const endUser: FormCondition<EndUserChild>[] = [];
  const agent: FormCondition<AgentChild>[] = [];
  for (const type of requestTypeValues()) {
    const value = typeField.options?.find((o) => o.value === type)?.tag ?? type;
    const children = FIELDS.flatMap((f) => {
      const need = fieldNeed(f, type);
      return need === 'required' || need === 'optional' ? [{ id: ctx.numericId(fieldObjectKey(f.key)), required: need === 'required', requesterFacing: f.requesterFacing }] : [];
    });
    endUser.push({ parent_field_id: parent, value, child_fields: children.filter((c) => c.requesterFacing).map((c) => ({ id: c.id, is_required: c.required })) });
    agent.push({ parent_field_id: parent, value, child_fields: children.map((c) => ({ id: c.id, is_required: false, required_on_statuses: { type: 'NO_STATUSES' } })) });
  }
  return { agent_conditions: agent, end_user_conditions: endUser };
}

function formAndMacros(ctx: DesiredContext): DesiredObject[] {
  const decisionTag = (decision: Decision) => fieldSpec('decision').options?.find((o) => o.value === decision)?.tag ?? decision;
  const macro = (decision: Decision, name: string): DesiredObject => ({
    kind: 'macro',
    key: `macro:${decision}`,
    title: managedTitle(name),
    payload: { title: managedTitle(name), active: true, actions: [{ field: customField(ctx, 'decision'), value: decisionTag(decision) }] },
  });
  return [
    {
      kind: 'ticket_form',
      key: 'form',
      title: FORM_TITLE,
      payload: {
        name: FORM_TITLE,
        display_name: 'Course request',
        active: true,
        end_user_visible: true,
        ticket_field_ids: [...ctx.systemFieldIds, ...FIELDS.map((f) => fieldId(ctx, f.key))],
        ...formConditions(ctx),
      },
    },
    macro('approve', 'Approve course request'),
    macro('reject', 'Reject course request'),
  ];
}

function webhook(ctx: DesiredContext): DesiredObject[] {
  return [
    {
      kind: 'webhook',
      key: 'webhook',
      title: WEBHOOK_TITLE,
      payload: {
        name: WEBHOOK_TITLE,
        status: 'active',
        endpoint: `${ctx.publicUrl}${WEBHOOK_PATH}`,
        http_method: 'POST',
        request_format: 'json',
        subscriptions: ['conditional_ticket_events'],
      },
    },
  ];
}

function triggers(ctx: DesiredContext): DesiredObject[] {
  const onForm = { field: 'ticket_form_id', operator: 'is', value: ctx.numericId('form') };
  const notify = (event: 'created' | 'updated') => [{ field: 'notification_webhook', value: [ctx.webhookId(), triggerBody(event)] }];
  const created = managedTitle('Course request created');
  const updated = UPDATED_TRIGGER_TITLE;
  return [
    {
      kind: 'trigger',
      key: 'trigger:created',
      title: created,
      payload: {
        title: created,
        active: true,
        conditions: { all: [{ field: 'update_type', operator: 'is', value: 'Create' }, onForm], any: [] },
        actions: notify('created'),
      },
    },
    {
      kind: 'trigger',
      key: 'trigger:updated',
      title: updated,
      payload: {
        title: updated,
        active: true,
        conditions: {
          all: [{ field: 'update_type', operator: 'is', value: 'Change' }, onForm],
          // Status or decision moved, the agent added a missing rejection reason, or the
          // requester edited or replied (intake validates again).
          any: [
            { field: 'status', operator: 'changed' },
            { field: customField(ctx, 'decision'), operator: 'changed' },
            { field: customField(ctx, 'rejection_reason'), operator: 'changed' },
            { ...REQUESTER_UPDATE_CONDITION },
          ],
        },
        actions: notify('updated'),
      },
    },
  ];
}

/** The stages in dependency order; a stage may name ids made by earlier ones. */
const STAGES: ReadonlyArray<(ctx: DesiredContext) => DesiredObject[]> = [fields, formAndMacros, webhook, triggers];

/** Placeholder for an id not made yet: only ever seen in a dry-run plan, never sent. */
export const NOT_YET_CREATED = 0;

/**
 * Yields every desired object in dependency order; the caller sends back the object's
 * Zendesk id (found, created or updated), which later objects then refer to. The planner
 * drives it synchronously, the applier with a Zendesk call between steps.
 */
export function* desiredObjects(publicUrl: string, systemFieldIds: number[]): Generator<DesiredObject, void, string | undefined> {
  const known = new Map<string, string>();
  const ctx: DesiredContext = {
    publicUrl,
    systemFieldIds,
    numericId: (key) => Number(known.get(key) ?? NOT_YET_CREATED),
    webhookId: () => known.get('webhook') ?? String(NOT_YET_CREATED),
  };
  for (const stage of STAGES) {
    for (const object of stage(ctx)) {
      const id = yield object;
      if (id !== undefined) known.set(object.key, id);
    }
  }
}
