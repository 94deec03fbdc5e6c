import { eq } from 'drizzle-orm';
import { zendeskObjects } from '../db/schema';
import type { Db } from '../db/types';
import type { Clock } from '../engine/types';

/**
 * The webhook signing secrets accepted now: ORC_ZENDESK_WEBHOOK_SECRET if set, and the one
 * `zendesk setup` read back from Zendesk and stored. Cached briefly: the intake path reads it
 * on every delivery.
 */
export function webhookSecretSource(db: Db, clock: Clock, fromEnv: string | undefined, ttlMs = 5_000): () => Promise<string[]> {
  let cached: { at: number; secrets: string[] } | undefined;
  return async () => {
    const now = clock();
    if (cached && now - cached.at < ttlMs) return cached.secrets;
    const [row] = await db.select({ secret: zendeskObjects.secret }).from(zendeskObjects).where(eq(zendeskObjects.key, 'webhook'));
    const secrets = [...new Set([fromEnv, row?.secret ?? undefined].filter((s): s is string => typeof s === 'string' && s.length > 0))];
    cached = { at: now, secrets };
    return secrets;
  };
}
