import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runZendeskSetup } from '../../src/cli/zendesk-setup';
import { silentLogger } from '../../src/log';
import { createZendeskAdapter } from '../../src/integrations/zendesk/adapter';
import { createZendeskSimulator } from '../../src/simulators/zendesk/simulator';
import { mountSimulators } from '../support/msw';

export const ZENDESK_URL = 'https://acme.zendesk.test';
export const EMAIL = 'orc-bot@acme.test';
export const TOKEN = 'zd-token-5f1c9a7e3b2d';

export interface Delivered {
  url: string;
  headers: Headers;
  body: string;
}

/**
 * A simulated Zendesk account behind msw (so node-zendesk's real HTTP code runs), a temp
 * database path, and the env `zendesk setup` reads. Webhook deliveries are captured.
 */
export function zendeskWorld() {
  const delivered: Delivered[] = [];
  const sim = createZendeskSimulator({
    email: EMAIL,
    token: TOKEN,
    deliver: async (url, init) => {
      delivered.push({ url, headers: new Headers(init.headers), body: String(init.body) });
      return new Response(null, { status: 202 });
    },
  });
  const server = mountSimulators({ [ZENDESK_URL]: sim });
  const dir = mkdtempSync(join(tmpdir(), 'orc-zendesk-'));
  const env = {
    ORC_ZENDESK_URL: ZENDESK_URL,
    ORC_ZENDESK_EMAIL: EMAIL,
    ORC_ZENDESK_TOKEN: TOKEN,
    ORC_PUBLIC_URL: 'https://orc.example.edu',
    ORC_DATABASE: join(dir, 'orc.db'),
  };
  const waits: number[] = [];
  const adapter = (token = TOKEN) =>
    createZendeskAdapter({
      config: { ...env, ORC_ZENDESK_TOKEN: token },
      logger: silentLogger,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
  return {
    sim,
    env,
    delivered,
    waits,
    adapter,
    close() {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `zendesk setup` and captures its output. */
export async function runSetup(env: Record<string, string | undefined>, flags: { dryRun?: boolean; json?: boolean; d1Sql?: string } = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runZendeskSetup({
    env,
    dryRun: flags.dryRun ?? false,
    json: flags.json ?? false,
    d1Sql: flags.d1Sql,
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { code, stdout, stderr };
}
