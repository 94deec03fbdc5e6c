import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { sandboxState } from '../db/schema';
import type { Db } from '../db/types';

/**
 * Where a running sandbox's simulators listen, recorded in its database, so a command run beside
 * it (`orcoursetrion request`, `rollover`) works on the same GitHub, Zendesk and edX the help desk
 * shows instead of on a throwaway copy.
 */
const endpointsSchema = z.object({
  /** The service (its help desk is at `${service}/helpdesk`). */
  service: z.string().url(),
  /** The settings pointing clients at its simulators (loopback URLs and the sandbox's fixed credentials). */
  env: z.record(z.string(), z.string()),
});
export type SandboxEndpoints = z.infer<typeof endpointsSchema>;

const KEY = 'endpoints';

export async function announceSandbox(db: Db, endpoints: SandboxEndpoints, now: number): Promise<void> {
  const row = { key: KEY, data: JSON.stringify(endpoints), updatedAt: now };
  await db.insert(sandboxState).values(row).onConflictDoUpdate({ target: sandboxState.key, set: row });
}

/** A sandbox that stops cleanly says so; one that was killed leaves its record, which `runningSandbox` finds silent. */
export async function withdrawSandbox(db: Db): Promise<void> {
  await db.delete(sandboxState).where(eq(sandboxState.key, KEY));
}

/** The sandbox recorded in this database, when its service and simulated Zendesk both answer. */
export async function runningSandbox(db: Db, fetchFn: typeof fetch = fetch): Promise<SandboxEndpoints | undefined> {
  const [row] = await db.select({ data: sandboxState.data }).from(sandboxState).where(eq(sandboxState.key, KEY));
  if (!row) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(row.data);
  } catch {
    return undefined;
  }
  const parsed = endpointsSchema.safeParse(data);
  if (!parsed.success) return undefined;
  const { service, env } = parsed.data;
  const zendeskAuth = `Basic ${Buffer.from(`${env.ORC_ZENDESK_EMAIL}/token:${env.ORC_ZENDESK_TOKEN}`).toString('base64')}`;
  const answers = async (url: string, headers: Record<string, string> = {}) => {
    try {
      const res = await fetchFn(url, { headers, signal: AbortSignal.timeout(3000) });
      await res.body?.cancel();
      return res.ok;
    } catch {
      return false;
    }
  };
  const [healthy, zendesk] = await Promise.all([answers(`${service}/healthz`), answers(`${env.ORC_ZENDESK_URL}/api/v2/users/me.json`, { authorization: zendeskAuth })]);
  return healthy && zendesk ? parsed.data : undefined;
}
