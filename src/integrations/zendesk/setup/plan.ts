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

export type Action = Target & { note?: string } &
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

/** Arrays whose order means nothing: a form's conditions and their children, matched by identity. */
const UNORDERED = new Set(['agent_conditions', 'end_user_conditions', 'child_fields']);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const identity = (v: unknown) => {
  const o = isRecord(v) ? v : {};
  return JSON.stringify([String(o['parent_field_id'] ?? ''), String(o['value'] ?? ''), String(o['id'] ?? '')]);
};

/**
 * Canonical form for comparing: Zendesk echoes ids as numbers or strings depending on the
 * object (unverified for rule conditions), sends null for empty text, and may list conditions
 * in its own order (unverified).
 */
function canonical(value: unknown, key = ''): unknown {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const items = value.map((v) => canonical(v));
    return UNORDERED.has(key) ? items.sort((a, b) => identity(a).localeCompare(identity(b))) : items;
  }
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, canonical(v, k)]),
    );
  }
  return value;
}

/**
 * What the account holds, cut to the shape of what setup sends: Zendesk adds to what it echoes
 * (option ids, timestamps, read-only extras), and those are no difference.
 */
function project(current: unknown, shape: unknown): unknown {
  if (Array.isArray(shape) && Array.isArray(current)) return current.map((c, i) => project(c, shape[i]));
  if (isRecord(shape) && isRecord(current)) return Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, project(current[k], v)]));
  return current;
}

const differs = (key: string, desired: unknown, current: unknown) => {
  const want = canonical(desired, key);
  return JSON.stringify(want) !== JSON.stringify(project(canonical(current, key), want));
};

/**
 * Zendesk sets a field's type when the field is made and never changes it. A field an earlier
 * version made as plain text, which now asks for a checked format (`regexp`), stays text: the
 * form then does not check the format (intake still does), and the plan says so.
 */
export function fitToAccount(desired: DesiredObject, current: Current | undefined): { desired: DesiredObject; note?: string } {
  if (desired.kind !== 'ticket_field' || !current || desired.payload.type !== 'regexp' || current.body['type'] !== 'text') return { desired };
  const { regexp_for_validation: _pattern, ...payload } = desired.payload;
  return {
    desired: { ...desired, payload: { ...payload, type: 'text' } },
    note: 'kept as a text field (Zendesk cannot change a field\'s type), so the form does not check its format; intake still does',
  };
}

/** Compares one desired object with what the account holds. Pure. */
export function planObject(desired: DesiredObject, current: Current | undefined): Action {
  const target = { kind: desired.kind, key: desired.key, title: desired.title };
  if (!current) return { ...target, type: 'create' };
  const changes = Object.entries(desired.payload)
    .filter(([k, v]) => differs(k, v, current.body[k]))
    .map(([k]) => k);
  const blocked = changes.map((k) => IMMUTABLE[desired.kind]?.[k]).find(Boolean);
  if (blocked) return { ...target, type: 'conflict', id: current.id, reason: blocked };
  if (changes.length === 0) return { ...target, type: 'unchanged', id: current.id };
  return { ...target, type: 'update', id: current.id, changes };
}

/** One object's action against the account, and the payload to send for it (fitted to what Zendesk allows). */
export function planFor(snapshot: AccountSnapshot, wanted: DesiredObject): { desired: DesiredObject; action: Action } {
  const current = findCurrent(snapshot, wanted);
  const { desired, note } = fitToAccount(wanted, current);
  return { desired, action: { ...planObject(desired, current), ...(note && { note }) } };
}

export const systemFieldIds = (snapshot: AccountSnapshot): number[] =>
  ['subject', 'description'].flatMap((type) => snapshot.ticketFields.filter((f) => f.type === type).map((f) => f.id).slice(0, 1));

/** The whole plan: what setup would do to this account. Objects to be created have no id yet. Pure. */
export function planSetup(snapshot: AccountSnapshot, publicUrl: string): Action[] {
  const actions: Action[] = [];
  const objects = desiredObjects(publicUrl, systemFieldIds(snapshot));
  for (let next = objects.next(); !next.done; ) {
    const { action } = planFor(snapshot, next.value);
    actions.push(action);
    next = objects.next(action.type === 'create' ? undefined : action.id);
  }
  return actions;
}
