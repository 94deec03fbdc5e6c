import { AppError } from '../errors';
import { cancelRequest } from '../requests/actions';
import { openStore } from '../rollover/runtime';
import { cliActor, cliSettings, runCommand } from './context';
import type { CliIo } from './io';

/** Cancelling writes to the database and tells the ticket; no GitHub or edX call, no sidebar. */
const CANCEL_USE = { sidebar: false, github: false, edx: false };

/**
 * `orcoursetrion request cancel ID --reason TEXT`: the sidebar's Cancel, as `cli:<user>`. The
 * request is cancelled at once; the service's engine tells the ticket (reason, what to undo)
 * at its next wake-up. Errors are the API's: 400 names the field, 409 says the request's state.
 */
export async function cancelFromCli(io: CliIo, id: string | undefined, o: { reason?: string; json?: boolean; verbose?: boolean }): Promise<void> {
  await runCommand('request', io, o.verbose, async () => {
    if (!id || !/^\d{1,15}$/.test(id)) throw new AppError(400, 'invalid_id', `ID must be the request's number, e.g. orcoursetrion request cancel 42 --reason "..." (got "${(id ?? '').slice(0, 40)}")`, { field: 'id' });
    const settings = await cliSettings(io, { verbose: o.verbose, useSandbox: true, use: CANCEL_USE });
    const store = await openStore({ config: settings.config, log: settings.log });
    try {
      const request = await cancelRequest(store.requestDeps, Number(id), o.reason, cliActor(io.env), 'cli');
      io.stdout(
        settings.scrub(
          o.json
            ? JSON.stringify({ ok: true, id: request.id, status: request.status, reason: request.reason }) + '\n'
            : `Cancelled request ${request.id}: ${request.reason}. The service tells the ticket, with what to undo, at its next wake-up.\n`,
        ),
      );
      return 0;
    } finally {
      await store.close();
    }
  });
}
