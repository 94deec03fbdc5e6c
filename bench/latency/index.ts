/**
 * Approval-to-first-GitHub-request latency in the sandbox: the real service (startService,
 * ORC_SANDBOX=1, temp SQLite file, loopback simulators). For each of N new courses: file a valid
 * ticket, wait for pending_approval and the plan note, apply the Approve macro, and measure from the moment the
 * Zendesk simulator sends that approval webhook to the service until the GitHub simulator
 * records the first request of the approved work: the first one that starts at or after the
 * approval's `decided_at` (intake's own checks, e.g. "is the repo name free?", come before it).
 * Each sample is split into intake (delivery sent -> approval recorded) and engine (approval
 * recorded -> first GitHub request).
 *
 *   npx tsx bench/latency/index.ts [--courses 20]
 *
 * The start is taken when the delivery leaves the simulator (a wrapped global fetch, which the
 * simulator's default `deliver` calls), so the loopback hop is inside the figure: it slightly
 * overstates the time from arrival. The GitHub simulator stamps a request when its handler
 * starts. Both clocks are Date.now() in this one process (millisecond resolution).
 * Exits non-zero only on a crash or a course that never reaches GitHub; a missed goal is reported.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sign } from 'hono/jwt';
import { parseConfig } from '../../src/config';
import { DEFAULT_WRITES_PER_MINUTE } from '../../src/integrations/github/pacer';
import { managedTitle } from '../../src/courses/request-fields';
import { silentLogger } from '../../src/log';
import { startService } from '../../src/server';
import { emitReport, median, quantile, round } from '../support/stats';

const i = process.argv.indexOf('--courses');
const courses = i >= 0 ? Number(process.argv[i + 1]) : 20;
const SHARED_SECRET = 'bench-latency-shared-secret-0123456789abcdef';

// Approval deliveries by ticket id: when each left the Zendesk simulator for the service.
const sentAt = new Map<number, number[]>();
const realFetch = globalThis.fetch;
globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (url.endsWith('/webhooks/zendesk') && typeof init?.body === 'string') {
    const ticket = Number((JSON.parse(init.body) as { ticket_id?: unknown }).ticket_id);
    sentAt.set(ticket, [...(sentAt.get(ticket) ?? []), Date.now()]);
  }
  return realFetch(input, init);
};

const dir = mkdtempSync(join(tmpdir(), 'orc-bench-latency-'));
const service = await startService(
  parseConfig({ ORC_SANDBOX: '1', ORC_DATABASE: join(dir, 'orc.db'), PORT: '0', ORC_APP_SHARED_SECRET: SHARED_SECRET, ORC_LOG_LEVEL: 'error' }),
  { log: silentLogger },
);
const sims = service.sandbox!;
// Read-only beside the service (WAL): when the approval was recorded.
const db = new Database(join(dir, 'orc.db'), { readonly: true, fileMustExist: true });
const decidedAt = db.prepare('SELECT decided_at FROM requests WHERE ticket_id = ?').pluck();

interface RequestView {
  request: { id: number; status: string; repo: string | null };
}
async function view(ticketId: number): Promise<RequestView | undefined> {
  const iat = Math.floor(Date.now() / 1000);
  const token = await sign({ sub: '1001', name: 'Bench Agent', email: 'agent@example.edu', iat, exp: iat + 300 }, SHARED_SECRET, 'HS256');
  const res = await realFetch(`${service.url}/api/tickets/${ticketId}`, { headers: { authorization: `Bearer ${token}` } });
  return res.status === 200 ? ((await res.json()) as RequestView) : undefined;
}
async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The pacer holds a write's slot until a minute after its answer. */
const writesInPacerWindow = () => sims.github.stats.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD' && r.end > Date.now() - 60_000).length;
let writesPerCourse = 0;

const samples: { course: string; ms: number; intakeMs: number; engineMs: number; first: string }[] = [];
try {
  for (let n = 0; n < courses; n++) {
    const course = `${10 + n}.${String(n).padStart(2, '0')}x`;
    const ticketId = sims.zendesk.createTicketAsRequester({
      email: 'prof@mit.test',
      name: 'Prof',
      fields: { request_type: 'new', course_number: course, course_title: `Bench course ${n}`, course_kind: 'xml', term: '2027_Spring', team_members: 'ada, grace', instructor: 'ada', weeks: 14 },
    });
    const pending = await until(`${course} to await approval`, async () => {
      const v = await view(ticketId);
      return v?.request.status === 'pending_approval' ? v : undefined;
    });
    // The agent approves after reading the plan note on the ticket, as at a real desk: until
    // then the ticket's own intake is still running, and the approval would queue behind it.
    await until(`${course}'s plan note`, () => (sims.zendesk.comments(ticketId).some((c) => !c.public && c.html_body.includes('Course request is valid')) ? true : undefined));
    await sims.zendesk.idle();
    const repo = pending.request.repo!.split('/')[1]!;
    // Room in the pacer's minute for a whole course: the figure is intake and engine, not a
    // wait for GitHub's secondary limit, which 6 courses a minute would reach.
    await until('room in the GitHub pacer', () => (writesInPacerWindow() + writesPerCourse <= DEFAULT_WRITES_PER_MINUTE ? true : undefined), 90_000);
    const before = sims.github.stats.requests.length;
    sentAt.delete(ticketId);
    sims.zendesk.applyMacroAsAgent(ticketId, managedTitle('Approve course request'));
    const approved = await until(`${course} to be approved`, () => (decidedAt.get(ticketId) as number | null | undefined) ?? undefined);
    const first = await until(`${course}'s first GitHub request`, () => sims.github.stats.requests.slice(before).find((r) => r.start >= approved));
    // A sanity check that this is the step at work (create-or-adopt the repo), not a lookup.
    if (!first.path.includes(repo) && first.method === 'GET') throw new Error(`the first GitHub request after approving ${course} was ${first.method} ${first.path}`);
    const start = sentAt.get(ticketId)?.[0];
    if (start === undefined) throw new Error(`no approval delivery was sent for ${course}`);
    samples.push({ course, ms: first.start - start, intakeMs: approved - start, engineMs: first.start - approved, first: `${first.method} ${first.path}` });
    // Let the GitHub steps finish before the next course, so courses do not overlap.
    let status = '';
    await until(`${course} to reach its first manual step`, async () => {
      status = (await view(ticketId))?.request.status ?? '';
      return status !== 'in_progress' ? status : undefined;
    }, 60_000).catch((err: unknown) => {
      throw new Error(`${err instanceof Error ? err.message : String(err)} (status ${status})`);
    });
    writesPerCourse = Math.max(writesPerCourse, sims.github.stats.requests.slice(before).filter((r) => r.method !== 'GET' && r.method !== 'HEAD').length);
    const last = samples.at(-1)!;
    console.error(`${course}: ${last.ms} ms = intake ${last.intakeMs} + engine ${last.engineMs} (${last.first})`);
  }
} finally {
  db.close();
  await service.close();
  globalThis.fetch = realFetch;
  rmSync(dir, { recursive: true, force: true });
}

const values = samples.map((s) => s.ms);
const med = median(values);
const p95 = quantile(values, 0.95);
const row = (label: string, xs: number[]) => `| ${label} | ${median(xs)} | ${quantile(xs, 0.95)} | ${Math.min(...xs)} | ${Math.max(...xs)} |`;
const markdown = [
  `${samples.length} new XML courses in the sandbox, one at a time: approval webhook sent by the Zendesk simulator -> first GitHub request of the approved work (\`${samples[0]?.first ?? '-'}\`).`,
  '',
  '| | median ms | p95 ms | min ms | max ms |',
  '|---|---:|---:|---:|---:|',
  row('**approval webhook -> first GitHub request**', values),
  row('intake: delivery sent -> approval recorded (ticket re-read, checks, plan note)', samples.map((s) => s.intakeMs)),
  row('engine: approval recorded -> first GitHub request', samples.map((s) => s.engineMs)),
  '',
  `All samples (ms): ${values.join(', ')}`,
];
console.error(markdown.join('\n'));
emitReport({
  bench: 'latency',
  command: `npx tsx bench/latency/index.ts --courses ${courses}`,
  markdown,
  goals: [{ goal: 'approval -> first GitHub request <= 50 ms median', met: med <= 50, figure: `${round(med, 0)} ms median, ${p95} ms p95` }],
});
