import { openStore } from '../rollover/runtime';
import { bulkBodySchema, runBulk } from '../requests/bulk';
import { cliActor, cliSettings, runCommand } from './context';
import type { CliIo } from './io';
import { VERBS } from './request-actions';

/** Approving and retrying write to the database and tell the tickets; no GitHub or edX call, no sidebar. */
const ACTIONS_USE = { sidebar: false, github: false, edx: false };

/** What `request approve|retry ID...` does (see `registerRequestActions`). */
export async function runRequestAction(io: CliIo, verb: keyof typeof VERBS, ids: number[], o: { json?: boolean; verbose?: boolean }): Promise<void> {
  const { action, done } = VERBS[verb];
  await runCommand(`request ${verb}`, io, o.verbose, async () => {
    const body = bulkBodySchema.parse({ action, ids });
    const settings = await cliSettings(io, { verbose: o.verbose, useSandbox: true, use: ACTIONS_USE });
    const store = await openStore({ config: settings.config, log: settings.log });
    try {
      const results = await runBulk({ ...store.requestDeps, log: settings.log }, body, cliActor(io.env));
      if (o.json) io.stdout(JSON.stringify({ results }) + '\n');
      else io.stdout(results.map((r) => (r.ok ? `${done} request ${r.id}\n` : `request ${r.id}: ${r.error}\n`)).join(''));
      return results.every((r) => r.ok) ? 0 : 1;
    } finally {
      await store.close();
    }
  });
}
