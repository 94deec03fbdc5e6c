import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { requests, steps, type RequestRow } from '../../../src/db/schema';
import { openSqlite, type SqliteHandle } from '../../../src/db/sqlite';
import { createEngine } from '../../../src/engine/engine';
import { startNodeDriver } from '../../../src/engine/node-driver';
import type { StepDefinition } from '../../../src/engine/types';
import { PermanentError } from '../../../src/errors';
import { createLogger } from '../../../src/log';
import { createMemoryTicketStore } from '../../../src/sandbox/helpdesk/memory-ticket-store';
import { SANDBOX_AGENT } from '../../../src/sandbox/agent';
import { mountHelpdesk } from '../../../src/sandbox/helpdesk/routes';
import { parseGithubConfig } from '../../../src/config';
import { closerFor } from '../../../src/node-server-close';
import { createGithubClient } from '../../../src/integrations/github/client';
import { createGithubSimulator, type GithubSimulator } from '../../../src/simulators/github/simulator';
import { checkRequestCourse } from '../../../src/requests/quality-check';
import { testAgents, testApp } from '../../support/harness';
import { cancellationFlow } from '../../../src/workflows/cancellation';

export const SHARED_SECRET = 'sidebar-test-secret-0123456789abcdef0123456789abcdef';

/** Instructions with a link, code, and things the sanitizer must drop. */
export const IMPORT_HTML =
  '<ol><li>Open <a href="https://studio.example.edu/import/course-v1:MITx+8.01r+2027_Spring">the Studio import page</a>.</li>' +
  '<li>Upload <code>content-mit-801r-2027_Spring.tar.gz</code>.</li><li>Check the outline.</li></ol>' +
  '<img src="x" onerror="window.__pwned=1"><a href="javascript:window.__pwned=1">bad link</a><script>window.__pwned=1</script>';

/** A new-course flow small enough to drive by hand, with a step that fails until told not to. */
export function testFlow(control: { hookFails: boolean }): StepDefinition[] {
  return [
    { key: 'create-repo', title: 'Create the repository', kind: 'auto', run: async () => ({ repo: 'mitx/content-mit-801r-2027_Spring' }) },
    {
      key: 'add-staging-hook',
      title: 'Add the staging gitreload hook',
      kind: 'auto',
      run: async () => {
        if (control.hookFails) throw new PermanentError('GitHub answered 422: a hook for this URL already exists with another secret');
        return { hook: 1 };
      },
    },
    { key: 'import-staging', title: 'Import into staging', kind: 'manual', instructions: () => ({ text: '1. Open the Studio import page\n2. Upload the tarball', html: IMPORT_HTML }) },
    {
      key: 'delete-old-run',
      title: 'Delete the old run from staging',
      kind: 'manual',
      instructions: () => ({ text: '1. Run delete_course', html: '<ol><li>Run <code>./manage.py cms delete_course course-v1:MITx+8.01r+2026_Fall</code></li></ol>', destructive: true }),
    },
    { key: 'notify', title: 'Tell the requester', kind: 'auto', run: async () => ({}) },
  ];
}

export interface SidebarService {
  url: string;
  handle: SqliteHandle;
  control: { hookFails: boolean };
  tickets: ReturnType<typeof createMemoryTicketStore>;
  /** Every token the app's calls carried (minted by the page's proxy from the app's `jwt` options). */
  tokens: string[];
  /** The GitHub the course check reads (in process), seeded with the mitx org. */
  github: GithubSimulator;
  close(): Promise<void>;
}

/**
 * The real service over HTTP (Hono app, SQLite file, engine driver running steps live) with the
 * help-desk page at /helpdesk, a second copy at /helpdesk-forged whose app setting holds a wrong
 * secret (the app itself serves /api/dashboard). Built from createApp because startService
 * cannot take extra routes or workflows yet.
 */
export async function startSidebarService(): Promise<SidebarService> {
  const dir = mkdtempSync(join(tmpdir(), 'orc-sidebar-'));
  const handle = openSqlite(join(dir, 'orcoursetrion.db'));
  const control = { hookFails: true };
  const flow = testFlow(control);
  const rejection: StepDefinition[] = [{ key: 'notify-rejection', title: 'Tell the requester', kind: 'auto', run: async () => ({}) }];
  const workflows = (r: RequestRow) => (r.status === 'rejected' ? rejection : r.status === 'cancelled' ? cancellationFlow({ db: handle.db, clock }, r) : flow);
  const logs: string[] = [];
  const log = createLogger({ level: 'warn', write: (l) => logs.push(l), secrets: [SHARED_SECRET] });
  const clock = Date.now;
  const engine = createEngine({ db: handle.db, clock, log, workflows, hooks: {}, options: { workerId: 'sidebar-test', leaseMs: 30_000, maxAttempts: 3 } });
  const tickets = createMemoryTicketStore();
  const tokens: string[] = [];
  const github = createGithubSimulator({ tokens: { 'sidebar-gh-token': 'orc-bot' } });
  github.seed.user('orc-bot').org('mitx', { admins: ['orc-bot'] });
  const gh = await createGithubClient({ config: parseGithubConfig({ ORC_GH_OAUTH2_TOKEN: 'sidebar-gh-token', ORC_GH_API_URL: 'https://github.test/api/v3/' }), log, fetch: github.clientFetch });
  let wake = () => {};
  const app = testApp({
    handle,
    clock,
    log,
    engine,
    workflows,
    webhookSecret: 'unused-webhook-secret',
    sharedSecret: SHARED_SECRET,
    // The page signs in as the sandbox agent; the service learns its name from (simulated) Zendesk.
    agents: testAgents(clock, SANDBOX_AGENT).agents,
    wake: () => wake(),
    checkCourse: (request) => checkRequestCourse(gh, request),
    extraRoutes: (root) => {
      // The proxy hands the service its requests in process; each token the app asked for is kept.
      const recording: typeof fetch = async (input, init) => {
        const request = new Request(input, init);
        const token = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
        if (token) tokens.push(token);
        return root.fetch(request);
      };
      mountHelpdesk(root, { sharedSecret: SHARED_SECRET, tickets, fetch: recording });
      mountHelpdesk(root, { sharedSecret: 'not-the-shared-secret-not-the-shared-secret', tickets }, '/helpdesk-forged');
    },
  });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const closeServer = closerFor(server);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const driver = startNodeDriver(engine, { concurrency: 2, clock, log, maxSleepMs: 200 });
  wake = driver.wake;
  return {
    url: `http://127.0.0.1:${port}`,
    handle,
    control,
    tickets,
    tokens,
    github,
    async close() {
      await closeServer();
      await driver.stop();
      handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A course request row on a ticket, as intake would write it. */
export async function seedRequest(handle: SqliteHandle, values: Partial<typeof requests.$inferInsert> & { ticketId: number }) {
  const now = Date.now();
  const [row] = await handle.db
    .insert(requests)
    .values({ type: 'new', kind: 'xml', status: 'pending_approval', courseNumber: '8.01r', term: '2027_Spring', params: { courseTitle: 'Physics I' }, requester: 'instructor@example.edu', requestedAt: now, updatedAt: now, ...values })
    .returning();
  return row!;
}

export { requests, steps };
