import { serve } from '@hono/node-server';
import { parseConfig } from '../../src/config';
import { openSqlite } from '../../src/db/sqlite';
import { createZendeskAdapter } from '../../src/integrations/zendesk/adapter';
import { applySetup } from '../../src/integrations/zendesk/setup/apply';
import { createZendeskSimulator } from '../../src/simulators/zendesk/simulator';
import { silentLogger } from '../../src/log';

export const ZENDESK_EMAIL = 'bench@zendesk.test';
export const ZENDESK_TOKEN = 'bench-zendesk-token';

/** How the remote Zendesk answers the engine: after `ms`, or not until `release()` (held). */
export type ZendeskPace = { ms: number } | 'held';

/**
 * The Zendesk the engine re-reads tickets from while the intake is under load: the simulator,
 * served from the load generator's process (not the service's), at a remote API's pace. Its
 * tickets are off the course-request form, so intake reads each one and ignores it: the
 * engine's per-delivery path (claim, read, finish) without validation.
 */
export async function remoteZendesk(options: { tickets: number }) {
  const sim = createZendeskSimulator({ email: ZENDESK_EMAIL, token: ZENDESK_TOKEN });
  const ticketIds = Array.from({ length: options.tickets }, (_, i) =>
    sim.createTicketAsRequester({ email: `requester${i}@example.edu`, fields: {}, onForm: false, subject: `Printer ${i} is jammed` }),
  );
  let pace: ZendeskPace = { ms: 100 };
  const held: (() => void)[] = [];
  let reads = 0;
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve(
      {
        fetch: async (request: Request) => {
          reads++;
          const current = pace;
          await new Promise<void>((r) => (current === 'held' ? held.push(r) : setTimeout(r, current.ms)));
          return sim.fetch(request);
        },
        port: 0,
        hostname: '127.0.0.1',
      },
      () => resolve(s),
    );
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const env = { ORC_ZENDESK_URL: url, ORC_ZENDESK_EMAIL: ZENDESK_EMAIL, ORC_ZENDESK_TOKEN: ZENDESK_TOKEN };

  return {
    env,
    ticketIds,
    reads: () => reads,
    setPace(next: ZendeskPace) {
      pace = next;
    },
    /** Answers every held read now and stops holding (before the service is stopped, so its workers finish). */
    release() {
      if (pace === 'held') pace = { ms: 0 };
      held.splice(0).forEach((r) => r());
    },
    /**
     * Runs the real `zendesk setup` against this account into a fresh database file (as an
     * operator would before the first start), so the engine's ticket reads take the real path.
     */
    async setUp(database: string) {
      const saved = pace;
      pace = { ms: 0 };
      const handle = openSqlite(database);
      try {
        const config = parseConfig({ ...env, ORC_DATABASE: database, ORC_GH_OAUTH2_TOKEN: 'unused', ORC_APP_SHARED_SECRET: 'unused-0123456789abcdef0123456789abcdef' });
        await applySetup({ admin: createZendeskAdapter({ config, logger: silentLogger }).admin, db: handle.db, publicUrl: 'http://127.0.0.1:1', now: Date.now });
      } finally {
        handle.close();
        pace = saved;
      }
    },
    close() {
      this.release();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}
