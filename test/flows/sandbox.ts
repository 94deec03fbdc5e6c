import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config';
import { managedTitle } from '../../src/courses/request-fields';
import { createLogger } from '../../src/log';
import { startService, type RunningService } from '../../src/server';
import { bundledEngineThread } from '../support/engine-thread';
import { agentToken, SHARED_SECRET } from '../support/harness';
import { openNotesOwed } from '../support/notes-owed';

export interface Sandbox {
  service: RunningService;
  sims: NonNullable<RunningService['sandbox']>;
  logs: string[];
  api<T = any>(path: string, init?: { method?: string; body?: unknown }): Promise<{ status: number; body: T }>;
  /** Polls until `check` returns a value (not undefined), or fails after `ms`. */
  until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, ms?: number): Promise<T>;
  close(): Promise<void>;
  /** Comments the service still owes the ticket: its outbox (db/schema.ts ticketNotes), posted by the engine after what wrote them. */
  notesOwed(ticketId: number): number;
  /** Files a course-request ticket as a requester and waits for intake to record it. */
  file(fields: Record<string, string | number>, status?: string): Promise<{ ticketId: number; view: any }>;
  /** Files a ticket, waits for it to await approval, approves it with the macro. */
  fileAndApprove(fields: Record<string, string | number>): Promise<{ ticketId: number; pending: any }>;
  /** Marks each manual step done as it starts waiting, until the request ends; returns the count. */
  followInstructions(ticketId: number): Promise<number>;
}

/** The real service on a temp SQLite file, in sandbox mode: simulators on loopback ports. */
export async function startSandbox(env: Record<string, string> = {}): Promise<Sandbox> {
  const dir = mkdtempSync(join(tmpdir(), 'orc-flow-'));
  const logs: string[] = [];
  const config = parseConfig({ ORC_SANDBOX: '1', ORC_DATABASE: join(dir, 'orc.db'), PORT: '0', ORC_APP_SHARED_SECRET: SHARED_SECRET, ORC_LEASE_SECONDS: '5', ...env });
  const service = await startService(config, { log: createLogger({ level: 'debug', write: (l) => logs.push(l), secrets: [SHARED_SECRET] }), spawnEngineThread: bundledEngineThread });
  const sims = service.sandbox!;
  // One read-only connection for the test's polls, opened at the first; closed with the sandbox.
  let notes: ReturnType<typeof openNotesOwed> | undefined;
  const sb: Sandbox = {
    service,
    sims,
    logs,
    async api(path, init = {}) {
      const res = await fetch(`${service.url}/api${path}`, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers: { authorization: `Bearer ${await agentToken()}`, 'content-type': 'application/json' },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      return { status: res.status, body: await res.json() };
    },
    async until(what, check, ms = 15_000) {
      const end = Date.now() + ms;
      for (;;) {
        const value = await check();
        if (value !== undefined) return value;
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${logs.filter((l) => /"level":"(warn|error)"/.test(l)).slice(-10).join('\n')}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close() {
      notes?.close();
      await service.close();
    },
    notesOwed: (ticketId) => (notes ??= openNotesOwed(service.config.ORC_DATABASE)).owed(ticketId),
    async file(fields, status = 'pending_approval') {
      const ticketId = sims.zendesk.createTicketAsRequester({ email: 'prof@mit.test', name: 'Prof', fields });
      const view = await sb.until(`the request to be ${status}`, async () => {
        const r = await sb.api(`/tickets/${ticketId}`);
        return r.status === 200 && r.body.request.status === status ? r.body : undefined;
      });
      return { ticketId, view };
    },
    async fileAndApprove(fields) {
      const { ticketId, view } = await sb.file(fields);
      sims.zendesk.applyMacroAsAgent(ticketId, managedTitle('Approve course request'));
      return { ticketId, pending: view };
    },
    async followInstructions(ticketId) {
      let actions = 0;
      for (;;) {
        const view = await sb.until('the request to wait for an agent or finish', async () => {
          const r = await sb.api(`/tickets/${ticketId}`);
          return ['waiting_on_agent', 'completed', 'failed'].includes(r.body.request.status) ? r.body : undefined;
        });
        if (view.request.status !== 'waiting_on_agent') return actions;
        const waiting = view.steps.find((s: { status: string }) => s.status === 'waiting');
        if (!waiting?.instructions?.text) throw new Error(`waiting step without instructions: ${JSON.stringify(waiting)}`);
        const done = await sb.api(`/requests/${view.request.id}/steps/${waiting.key}/complete`, { body: { note: 'done as instructed' } });
        if (done.status !== 200) throw new Error(`complete ${waiting.key} answered ${done.status}: ${JSON.stringify(done.body)}`);
        actions++;
      }
    },
  };
  return sb;
}

/** Follows a request to its end, doing each manual step's edX work in the simulated Studio/LMS first, as an operator would. */
export async function finishAsOperator(sb: Sandbox, ticketId: number, course: { org: string; number: string; run: string; title: string }) {
  for (;;) {
    const view = await sb.until('an agent step or the end', async () => {
      const r = await sb.api(`/tickets/${ticketId}`);
      return ['waiting_on_agent', 'completed', 'failed'].includes(r.body.request.status) ? r.body : undefined;
    });
    if (view.request.status !== 'waiting_on_agent') return view.request.status as string;
    const waiting: string = view.steps.find((s: { status: string }) => s.status === 'waiting').key;
    // The steps that make the course exist: Studio's "New course", and the git import into staging.
    if (['create-studio-course', 'staging-import'].includes(waiting) && !sb.sims.edx.findRun(`course-v1:${course.org}+${course.number}+${course.run}`)) sb.sims.edx.addRun(course);
    const done = await sb.api(`/requests/${view.request.id}/steps/${waiting}/complete`, { body: { note: 'done as instructed' } });
    if (done.status !== 200) throw new Error(`complete ${waiting} answered ${done.status}: ${JSON.stringify(done.body)}`);
  }
}

/** A course repo as a course team leaves it after a term: passes the publish quality check. */
export const courseRepoFiles = (run: string, course = '8.01r', title = 'Physics I') => ({
  'course.xml': `<course url_name="${run}" org="MITx" course="${course}"/>\n`,
  [`course/${run}.xml`]: `<course display_name="${title}"><chapter url_name="week1"/></course>\n`,
  'chapter/week1.xml': '<chapter display_name="Week 1"><sequential display_name="Forces"><vertical><html>Forces</html></vertical></sequential></chapter>\n',
  [`policies/${run}/policy.json`]: JSON.stringify({ [`course/${run}`]: { display_name: title, start: '2026-09-01T00:00:00Z' } }),
  'about/overview.html': `<section class="about"><p>${title}</p></section>\n`,
  'static/images_course_image.jpg': 'JPEG',
});
