import type { ZendeskMacro, ZendeskTicketField, ZendeskTicketForm, ZendeskTrigger, ZendeskWebhook } from '../schemas';
import { type DesiredObject, desiredObjects, type ObjectKind } from './desired';

/** The managed part of a Zendesk account, as listed before planning. */
export interface AccountSnapshot {
  ticketFields: ZendeskTicketField[];
  ticketForms: ZendeskTicketForm[];
  macros: ZendeskMacro[];
  triggers: ZendeskTrigger[];
  webhooks: ZendeskWebhook[];
}

interface Target {
  kind: ObjectKind;
  key: string;
  title: string;
}

export type Action = Target &
  (
    | { type: 'create' }
    | { type: 'update'; id: string; changes: string[] }
    | { type: 'unchanged'; id: string }
    | { type: 'conflict'; id: string; reason: string }
  );

/** Properties Zendesk will not change on an existing object: a difference needs a person. */
const IMMUTABLE: Partial<Record<ObjectKind, Record<string, string>>> = {
  ticket_field: { type: 'a field\'s type cannot change: rename or delete the existing field in Admin Center, then run setup again' },
  webhook: { subscriptions: 'a webhook\'s connection method cannot change: delete the existing webhook in Admin Center, then run setup again' },
};

interface Current {
  id: string;
  body: Record<string, unknown>;
}

/** An existing object is ours if its title (name, for forms and webhooks) is the desired one; the oldest wins. */
export function findCurrent(snapshot: AccountSnapshot, desired: DesiredObject): Current | undefined {
  const byTitle = <T extends { id: number | string }>(list: T[], title: (o: T) => string) => {
    const found = list.find((o) => title(o) === desired.title);
    return found && { id: String(found.id), body: { ...found } };
  };
  switch (desired.kind) {
    case 'ticket_field':
      return byTitle(snapshot.ticketFields, (o) => o.title);
    case 'ticket_form':
      return byTitle(snapshot.ticketForms, (o) => o.name);
    case 'macro':
      return byTitle(snapshot.macros, (o) => o.title);
    case 'webhook':
      return byTitle(snapshot.webhooks, (o) => o.name);
    case 'trigger':
      return byTitle(snapshot.triggers, (o) => o.title);
  }
}

/**
 * Canonical form for comparing: Zendesk echoes ids as numbers or strings depending on the
 * object (unverified for rule conditions), adds `id`s to options, and sends null for empty text.
 */
function canonical(value: unknown): unknown {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== 'id')
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

/** Compares one desired object with what the account holds. Pure. */
export function planObject(desired: DesiredObject, current: Current | undefined): Action {
  const target = { kind: desired.kind, key: desired.key, title: desired.title };
  if (!current) return { ...target, type: 'create' };
  const changes = Object.entries(desired.payload)
    .filter(([k, v]) => JSON.stringify(canonical(v)) !== JSON.stringify(canonical(current.body[k])))
    .map(([k]) => k);
  const blocked = changes.map((k) => IMMUTABLE[desired.kind]?.[k]).find(Boolean);
  if (blocked) return { ...target, type: 'conflict', id: current.id, reason: blocked };
  if (changes.length === 0) return { ...target, type: 'unchanged', id: current.id };
  return { ...target, type: 'update', id: current.id, changes };
}

export const systemFieldIds = (snapshot: AccountSnapshot): number[] =>
  ['subject', 'description'].flatMap((type) => snapshot.ticketFields.filter((f) => f.type === type).map((f) => f.id).slice(0, 1));

/** The whole plan: what setup would do to this account. Objects to be created have no id yet. Pure. */
export function planSetup(snapshot: AccountSnapshot, publicUrl: string): Action[] {
  const actions: Action[] = [];
  const objects = desiredObjects(publicUrl, systemFieldIds(snapshot));
  for (let next = objects.next(); !next.done; ) {
    const action = planObject(next.value, findCurrent(snapshot, next.value));
    actions.push(action);
    next = objects.next(action.type === 'create' ? undefined : action.id);
  }
  return actions;
}
