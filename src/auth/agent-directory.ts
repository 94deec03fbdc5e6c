import { AppError, isTransient } from '../errors';
import type { Actor } from '../requests/events';

/** What the directory needs to know of a Zendesk user (GET /api/v2/users/{id}). */
export interface AgentRecord {
  name?: string;
  email?: string;
  role: string;
  active: boolean;
  suspended: boolean;
}

/** Who a sidebar token's `sub` is, for the audit log. */
export interface AgentDirectory {
  /** The agent, or an AppError: 403 when `sub` is no active agent, 503 when Zendesk does not answer. */
  agent(sub: string): Promise<Actor>;
}

export interface ZendeskAgentDirectoryDeps {
  lookup(userId: number): Promise<AgentRecord | undefined>;
  clock: () => number;
  /** How long an answer is trusted (default 5 min): a renamed or demoted agent shows within it. */
  ttlMs?: number;
  /** Most agents remembered (default 500); the least recently used goes first. */
  maxEntries?: number;
}

const isUserId = (sub: string) => /^[1-9]\d{0,17}$/.test(sub);
const badSub = () => new AppError(401, 'unauthorized', 'The token\'s sub must be a Zendesk user id');

const notAnAgent = (sub: string, why: string) =>
  new AppError(403, 'not_an_agent', `The token's user (Zendesk user ${sub}) ${why}: only active Zendesk agents and admins may use the app`);

/**
 * The actor is the Zendesk user the token's `sub` names, as Zendesk describes them: the app's
 * JavaScript writes the claims, so a name or email in them is whatever the browser said and is
 * never recorded. Answers are cached (bounded in size and time) so a busy sidebar costs
 * Zendesk one lookup per agent per TTL; concurrent calls for one agent share a lookup.
 */
export function zendeskAgentDirectory(deps: ZendeskAgentDirectoryDeps): AgentDirectory {
  const ttlMs = deps.ttlMs ?? 5 * 60_000;
  const maxEntries = deps.maxEntries ?? 500;
  const cache = new Map<string, { expiresAt: number; actor: Promise<Actor> }>();

  async function resolve(sub: string): Promise<Actor> {
    let user: AgentRecord | undefined;
    try {
      user = await deps.lookup(Number(sub));
    } catch (err) {
      if (isTransient(err)) throw new AppError(503, 'zendesk_unavailable', 'Zendesk did not answer who the agent is; try again in a moment');
      throw err;
    }
    if (!user || !user.active) throw notAnAgent(sub, 'does not exist');
    if (user.suspended) throw notAnAgent(sub, 'is suspended');
    if (user.role !== 'agent' && user.role !== 'admin') throw notAnAgent(sub, `is an ${user.role}`);
    return { id: `agent:${sub}`, name: user.name || user.email || `Zendesk user ${sub}` };
  }

  return {
    agent(sub) {
      if (!isUserId(sub)) return Promise.reject(badSub());
      const now = deps.clock();
      const hit = cache.get(sub);
      cache.delete(sub);
      if (hit && hit.expiresAt > now) {
        cache.set(sub, hit);
        return hit.actor;
      }
      const actor = resolve(sub);
      const entry = { expiresAt: now + ttlMs, actor };
      cache.set(sub, entry);
      // A refusal is remembered like an answer (it would be the same for the TTL); an outage is not.
      actor.catch((err: unknown) => {
        if (!(err instanceof AppError && err.status === 403) && cache.get(sub) === entry) cache.delete(sub);
      });
      while (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
      return actor;
    },
  };
}

/**
 * Without Zendesk credentials the service cannot ask who `sub` is: the actor is recorded by id
 * alone, never under the name the browser wrote into the claims.
 */
export const idOnlyAgentDirectory: AgentDirectory = {
  agent: async (sub) => {
    if (!isUserId(sub)) throw badSub();
    return { id: `agent:${sub}`, name: `Zendesk user ${sub}` };
  },
};
