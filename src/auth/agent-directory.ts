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

/**
 * Settled answers by `sub`, plain data only: a Worker keeps one per isolate (it must not carry
 * promises or I/O objects from one request into the next), Node one per process.
 */
export type AgentCache = Map<string, { expiresAt: number; actor?: Actor; refusal?: string }>;

export interface ZendeskAgentDirectoryDeps {
  lookup(userId: number): Promise<AgentRecord | undefined>;
  clock: () => number;
  /** Where answers are kept; default a new one (kept as long as the directory). */
  cache?: AgentCache;
  /** How long an answer is trusted (default 5 min): a renamed or demoted agent shows within it. */
  ttlMs?: number;
  /** Most agents remembered (default 500); the least recently used goes first. */
  maxEntries?: number;
}

const isUserId = (sub: string) => /^[1-9]\d{0,17}$/.test(sub);
const badSub = () => new AppError(401, 'unauthorized', 'The token\'s sub must be a Zendesk user id');

const notAnAgent = (sub: string, why: string) =>
  new AppError(403, 'not_an_agent', `The token's user (Zendesk user ${sub}) ${why}: only active Zendesk agents and admins may use the app`);

/** Why Zendesk's answer does not make `sub` an agent; undefined when it does. */
function refusalOf(user: AgentRecord | undefined): string | undefined {
  if (!user || !user.active) return 'does not exist';
  if (user.suspended) return 'is suspended';
  if (user.role !== 'agent' && user.role !== 'admin') return `is an ${user.role}`;
  return undefined;
}

/**
 * The actor is the Zendesk user the token's `sub` names, as Zendesk describes them: the app's
 * JavaScript writes the claims, so a name or email in them is whatever the browser said and is
 * never recorded. Answers are cached (bounded in size and time) so a polling sidebar costs
 * Zendesk one lookup per agent per TTL; concurrent calls for one agent share a lookup.
 */
export function zendeskAgentDirectory(deps: ZendeskAgentDirectoryDeps): AgentDirectory {
  const ttlMs = deps.ttlMs ?? 5 * 60_000;
  const maxEntries = deps.maxEntries ?? 500;
  const cache: AgentCache = deps.cache ?? new Map();
  const pending = new Map<string, Promise<Actor>>();

  function remember(sub: string, answer: { actor?: Actor; refusal?: string }) {
    cache.delete(sub);
    cache.set(sub, { expiresAt: deps.clock() + ttlMs, ...answer });
    while (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
  }

  async function lookUp(sub: string): Promise<Actor> {
    let user: AgentRecord | undefined;
    try {
      user = await deps.lookup(Number(sub));
    } catch (err) {
      // An outage is not remembered: the next call asks again.
      if (isTransient(err)) throw new AppError(503, 'zendesk_unavailable', 'Zendesk did not answer who the agent is; try again in a moment');
      throw err;
    }
    const refusal = refusalOf(user);
    if (refusal !== undefined) {
      remember(sub, { refusal });
      throw notAnAgent(sub, refusal);
    }
    const actor = { id: `agent:${sub}`, name: user?.name || user?.email || `Zendesk user ${sub}` };
    remember(sub, { actor });
    return actor;
  }

  return {
    async agent(sub) {
      if (!isUserId(sub)) throw badSub();
      const hit = cache.get(sub);
      if (hit && hit.expiresAt > deps.clock()) {
        // Most recently used goes last, so eviction drops the least recently used.
        cache.delete(sub);
        cache.set(sub, hit);
        if (hit.actor) return hit.actor;
        throw notAnAgent(sub, hit.refusal ?? 'is not an agent');
      }
      let inFlight = pending.get(sub);
      if (!inFlight) {
        inFlight = lookUp(sub).finally(() => pending.delete(sub));
        pending.set(sub, inFlight);
      }
      return inFlight;
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
