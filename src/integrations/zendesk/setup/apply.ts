import type { Db } from '../../../db/types';
import { PermanentError } from '../../../errors';
import type { AdminOperations } from '../admin';
import { storeObjects, type StoredObject } from '../../../db/zendesk-objects';
import { type DesiredObject, desiredObjects } from './desired';
import { type AccountSnapshot, type Action, planFor, planSetup, systemFieldIds } from './plan';

export async function readAccount(admin: AdminOperations): Promise<AccountSnapshot> {
  const [ticketFields, ticketForms, macros, triggers, webhooks] = await Promise.all([
    admin.listTicketFields(),
    admin.listTicketForms(),
    admin.listMacros(),
    admin.listTriggers(),
    admin.listWebhooks(),
  ]);
  return { ticketFields, ticketForms, macros, triggers, webhooks };
}

export class SetupConflict extends PermanentError {
  constructor(conflicts: Array<Extract<Action, { type: 'conflict' }>>) {
    super(`cannot set up Zendesk: ${conflicts.map((c) => `${c.title} (${c.kind} ${c.id}): ${c.reason}`).join('; ')}`);
    this.name = 'SetupConflict';
  }
}

export interface SetupOutcome {
  actions: Action[];
  /** zendesk_objects keys written (new or changed ids, the webhook secret). */
  stored: string[];
}

/** Sends one planned action and returns the object's id. */
async function perform(admin: AdminOperations, desired: DesiredObject, action: Action): Promise<string> {
  if (action.type === 'unchanged' || action.type === 'conflict') return action.id;
  const id = action.type === 'update' ? action.id : undefined;
  switch (desired.kind) {
    case 'ticket_field':
      return String((id ? await admin.updateTicketField(Number(id), desired.payload) : await admin.createTicketField(desired.payload)).id);
    case 'ticket_form':
      return String((id ? await admin.updateTicketForm(Number(id), desired.payload) : await admin.createTicketForm(desired.payload)).id);
    case 'macro':
      return String((id ? await admin.updateMacro(Number(id), desired.payload) : await admin.createMacro(desired.payload)).id);
    case 'trigger':
      return String((id ? await admin.updateTrigger(Number(id), desired.payload) : await admin.createTrigger(desired.payload)).id);
    case 'webhook':
      if (id) {
        await admin.updateWebhook(id, desired.payload);
        return id;
      }
      return (await admin.createWebhook(desired.payload)).id;
  }
}

/**
 * Makes the account match the plan, in dependency order, then reads the webhook's signing
 * secret back and stores every id (and the secret) in zendesk_objects. Refuses to change
 * anything when an object is in a state setup cannot fix (SetupConflict). Re-running after a
 * failure part-way is safe: made objects are found again by title.
 */
export async function applySetup(deps: { admin: AdminOperations; db: Db; publicUrl: string; now: () => number }): Promise<SetupOutcome> {
  const snapshot = await readAccount(deps.admin);
  const conflicts = planSetup(snapshot, deps.publicUrl).filter((a): a is Extract<Action, { type: 'conflict' }> => a.type === 'conflict');
  if (conflicts.length > 0) throw new SetupConflict(conflicts);

  const actions: Action[] = [];
  const rows: StoredObject[] = [];
  const objects = desiredObjects(deps.publicUrl, systemFieldIds(snapshot));
  for (let next = objects.next(); !next.done; ) {
    const { desired, action } = planFor(snapshot, next.value);
    const id = await perform(deps.admin, desired, action);
    actions.push(action);
    rows.push({ key: desired.key, kind: desired.kind, zendeskId: id, title: desired.title, secret: null });
    next = objects.next(id);
  }
  const webhook = rows.find((r) => r.key === 'webhook');
  if (webhook) webhook.secret = await deps.admin.getWebhookSigningSecret(webhook.zendeskId);
  const stored = await storeObjects(deps.db, rows, deps.now());
  return { actions, stored };
}
