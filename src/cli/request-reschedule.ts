import { AppError } from '../errors';
import { rescheduleRequest } from '../requests/actions';
import { formatInZone, startOfDay } from '../requests/dates';
import { openStore } from '../rollover/runtime';
import { cliActor, cliSettings, runCommand } from './context';
import type { CliIo } from './io';

/** Rescheduling writes to the database only; the engine starts what is due at its next wake-up. */
const RESCHEDULE_USE = { sidebar: false, github: false, edx: false };

/**
 * `orcoursetrion request reschedule ID --start YYYY-MM-DD [--confirm]`: the sidebar's
 * Reschedule, as `cli:<user>`. The day begins at midnight in ORC_TIMEZONE. A day already begun
 * starts the work now, so it needs --confirm (else exit 1 saying so, nothing changed).
 */
export async function rescheduleFromCli(io: CliIo, id: string | undefined, o: { start?: string; confirm?: boolean; json?: boolean; verbose?: boolean }): Promise<void> {
  await runCommand('request reschedule', io, o.verbose, async () => {
    if (!id || !/^\d{1,15}$/.test(id)) throw new AppError(400, 'invalid_id', `ID must be the request's number, e.g. orcoursetrion request reschedule 42 --start 2027-02-01 (got "${(id ?? '').slice(0, 40)}")`, { field: 'id' });
    const settings = await cliSettings(io, { verbose: o.verbose, useSandbox: true, use: RESCHEDULE_USE });
    const startAt = o.start === undefined ? null : startOfDay(o.start, settings.config.ORC_TIMEZONE);
    if (startAt === null) throw new AppError(400, 'invalid_start', `--start: ${o.start === undefined ? 'is required' : `"${o.start.slice(0, 40)}" is not a day`}: give the day to start on as YYYY-MM-DD, e.g. 2027-02-01`, { field: 'start' });
    const store = await openStore({ config: settings.config, log: settings.log });
    try {
      const request = await rescheduleRequest(store.requestDeps, Number(id), startAt, cliActor(io.env), { confirmed: o.confirm === true }).catch((err: unknown) => {
        if (err instanceof AppError && err.code === 'confirm_required') {
          throw new AppError(409, err.code, `${formatInZone(startAt, settings.config.ORC_TIMEZONE)} is in the past: rescheduling to it starts the work now; run again with --confirm to start it now, or pick a later day`);
        }
        throw err;
      });
      const when = request.startAt === null ? 'now' : formatInZone(request.startAt, settings.config.ORC_TIMEZONE);
      io.stdout(o.json ? JSON.stringify({ ok: true, id: request.id, status: request.status, startAt: request.startAt === null ? null : new Date(request.startAt).toISOString() }) + '\n' : `Request ${request.id} starts ${when === 'now' ? 'now' : `on ${when}`} (${request.status.replace(/_/g, ' ')}).\n`);
      return 0;
    } finally {
      await store.close();
    }
  });
}
