import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config';
import { seedGithub, startSimulators, withoutZendesk, type SandboxSimulators } from '../../src/sandbox/simulators';

/** Simulated GitHub and edX on loopback (no Zendesk), seeded as the sandbox seeds them, and a fresh database. */
export async function startCliWorld(name: string, sharedSecret: string): Promise<{ sims: SandboxSimulators; env: Record<string, string> }> {
  const sims = await startSimulators();
  const env = { ...withoutZendesk(sims.env), ORC_SANDBOX: '0', ORC_APP_SHARED_SECRET: sharedSecret, ORC_DATABASE: join(mkdtempSync(join(tmpdir(), `orc-${name}-`)), 'orc.db') };
  seedGithub(sims.github, parseConfig(env));
  return { sims, env };
}
