import type { D1Database, Queue } from '@cloudflare/workers-types/latest';

/** What a queue message says: only "look for due work"; the database says what the work is. */
export interface WakeMessage {
  reason: 'new-work' | 'more-work' | 'timer';
}

/**
 * The Worker's bindings (wrangler.toml): D1, the engine's queue, and every ORC_ setting as a
 * plain-text var or secret.
 */
export interface WorkerEnv {
  DB: D1Database;
  ENGINE_QUEUE: Queue<WakeMessage>;
  [setting: string]: unknown;
}

/** The string bindings (vars and secrets), the shape `parseConfig` reads on Node from process.env. */
export function settingsOf(env: WorkerEnv): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (typeof value === 'string') settings[key] = value;
  // wrangler.toml may give the approval rules as a table ([vars.ORC_APPROVAL_RULES]): a JSON var, not a string.
  const rules = env.ORC_APPROVAL_RULES;
  if (typeof rules === 'object' && rules !== null) settings.ORC_APPROVAL_RULES = JSON.stringify(rules);
  return settings;
}
