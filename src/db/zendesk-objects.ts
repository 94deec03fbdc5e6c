import { type FieldIds, type FieldKey, FIELDS } from '../courses/request-fields';
import { PermanentError } from '../errors';
import { perDb } from './per-db';
import { zendeskObjects, type ZendeskObjectRow } from './schema';
import type { Db } from './types';

/**
 * The ids of the objects `zendesk setup` made, as stored in zendesk_objects: our state, kept
 * by the data layer (setup writes it, intake and the ticket story read it), not the adapter. Keys:
 * `field:<catalogue key>`, `form`, `macro:approve`, `macro:reject`, `webhook`,
 * `trigger:created`, `trigger:updated`.
 */

export type StoredObject = Omit<ZendeskObjectRow, 'updatedAt'>;

export const fieldObjectKey = (key: FieldKey) => `field:${key}`;

export async function readStoredObjects(db: Db): Promise<ZendeskObjectRow[]> {
  return await storedObjectsQuery(db).all();
}

/** Every ticket read loads the stored ids: prepared once per connection. */
const storedObjectsQuery = perDb((db) => db.select().from(zendeskObjects).prepare());

/** Writes the rows that differ from what is stored; returns the keys written. */
export async function storeObjects(db: Db, rows: StoredObject[], now: number): Promise<string[]> {
  const stored = new Map((await readStoredObjects(db)).map((r) => [r.key, r]));
  const written: string[] = [];
  for (const row of rows) {
    const old = stored.get(row.key);
    if (old && old.kind === row.kind && old.zendeskId === row.zendeskId && old.title === row.title && old.secret === row.secret) continue;
    const values = { ...row, updatedAt: now };
    await db.insert(zendeskObjects).values(values).onConflictDoUpdate({ target: zendeskObjects.key, set: values });
    written.push(row.key);
  }
  return written;
}

export class ZendeskNotSetUp extends PermanentError {
  constructor(missing: string[]) {
    super(`Zendesk is not set up (no ${missing.join(', ')} in the database): run \`orcoursetrion zendesk setup\``);
    this.name = 'ZendeskNotSetUp';
  }
}

export interface ZendeskIds {
  fields: FieldIds;
  formId: number;
  webhookId?: string;
  /** The webhook signing secret read back by setup; ORC_ZENDESK_WEBHOOK_SECRET is the fallback. */
  webhookSecret?: string;
}

/** What intake needs to read tickets: the field ids and the form. Throws ZendeskNotSetUp. */
export async function loadZendeskIds(db: Db): Promise<ZendeskIds> {
  const rows = new Map((await readStoredObjects(db)).map((r) => [r.key, r]));
  const missing: string[] = [];
  const idOf = (key: string) => {
    const id = Number(rows.get(key)?.zendeskId);
    if (!Number.isInteger(id) || id <= 0) missing.push(key);
    return id;
  };
  const fields = Object.fromEntries(FIELDS.map((f) => [f.key, idOf(fieldObjectKey(f.key))]));
  const formId = idOf('form');
  if (missing.length > 0 || !isFieldIds(fields)) throw new ZendeskNotSetUp(missing);
  const webhook = rows.get('webhook');
  return { fields, formId, webhookId: webhook?.zendeskId, webhookSecret: webhook?.secret ?? undefined };
}

function isFieldIds(value: Record<string, number>): value is FieldIds {
  return FIELDS.every((f) => typeof value[f.key] === 'number');
}
