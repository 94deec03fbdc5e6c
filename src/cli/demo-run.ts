import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sign } from 'hono/jwt';
import { z } from 'zod';
import { parseConfig } from '../config';
import { managedTitle } from '../courses/request-fields';
import { createLogger } from '../log';
import { SANDBOX_AGENT } from '../sandbox/agent';
import { startService } from '../server';
import { runCommand } from './context';
import type { CliIo } from './io';

/** The sidebar API's answer for one request, as far as the demo reads it. */
const viewSchema = z.object({
  request: z.object({ id: z.number(), status: z.string(), courseKey: z.string().nullable(), repo: z.string().nullable() }),
  steps: z.array(
    z.object({
      key: z.string(),
      title: z.string(),
      kind: z.enum(['auto', 'manual']),
      status: z.string(),
      note: z.string().nullable().optional(),
      error: z.string().nullable().optional(),
      instructions: z.object({ text: z.string() }).nullable().optional(),
    }),
  ),
});
type View = z.infer<typeof viewSchema>;

const DEMO_TICKET = {
  request_type: 'new',
  course_kind: 'xml',
  course_number: '8.01r',
  course_title: 'Physics I: Classical Mechanics',
  term: '2027_Spring',
  team_members: 'ada, grace',
  instructor: 'ada',
  description: 'Mechanics, the sandbox demo course.',
};
const TIMEOUT_MS = 60_000;

/** Every http(s) link of an HTML comment, in order, once each. */
const linksOf = (html: string) => [...new Set([...html.matchAll(/href="(https?:\/\/[^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&')))];

/** What `demo` does once its options are parsed (see `registerDemoCommand`). */
export async function runDemo(io: CliIo, options: unknown): Promise<void> {
  const o = z.object({ json: z.boolean().optional(), verbose: z.boolean().optional() }).parse(options);
  await runCommand('demo', io, o.verbose, () => demo(io, o));
}

async function demo(io: CliIo, o: { json?: boolean; verbose?: boolean }): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'orc-demo-'));
  const secret = randomBytes(32).toString('hex');
  // Always the sandbox, whatever credentials the environment holds; only the edX API choice carries over.
  const config = parseConfig({ ORC_SANDBOX: '1', ORC_DATABASE: join(dir, 'demo.db'), PORT: '0', ORC_APP_SHARED_SECRET: secret, ORC_EDX_API: io.env.ORC_EDX_API });
  const log = createLogger({ level: o.verbose ? 'warn' : 'error', secrets: [secret], write: (l) => io.stderr(l + '\n') });
  const say = (text: string) => {
    if (!o.json) io.stderr(text + '\n');
  };
  const started = Date.now();
  const service = await startService(config, { log });
  try {
    const sims = service.sandbox!;
    // The sandbox's Zendesk knows this agent; the service looks every token's sub up there.
    const token = await sign({ sub: String(SANDBOX_AGENT.id), exp: Math.floor(Date.now() / 1000) + 3600 }, secret, 'HS256');
    const call = async (path: string, body?: unknown): Promise<View> => {
      const res = await fetch(`${service.url}/api${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json: unknown = await res.json();
      if (!res.ok) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(json)}`);
      return viewSchema.parse(json);
    };
    const until = async (what: string, ticketId: number, done: (v: View) => boolean): Promise<View> => {
      for (;;) {
        const view = await call(`/tickets/${ticketId}`).catch(() => undefined);
        if (view && done(view)) return view;
        if (Date.now() - started > TIMEOUT_MS) throw new Error(`the demo timed out after ${TIMEOUT_MS / 1000} s waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };

    const ticketId = sims.zendesk.createTicketAsRequester({ email: 'requester@sandbox.test', name: 'Demo requester', fields: DEMO_TICKET });
    say(`demo: the requester filed ticket #${ticketId}: new XML course ${DEMO_TICKET.course_number} for ${DEMO_TICKET.term}`);
    const pending = await until('intake to validate the request', ticketId, (v) => v.request.status === 'pending_approval');
    say(`demo: intake validated it as request ${pending.request.id}; plan of ${pending.steps.length} steps; the agent approves it with the macro`);
    sims.zendesk.applyMacroAsAgent(ticketId, managedTitle('Approve course request'));

    const manual: { key: string; title: string; instructions: string }[] = [];
    let view: View;
    for (;;) {
      view = await until('the request to wait for an agent or finish', ticketId, (v) => ['waiting_on_agent', 'completed', 'failed'].includes(v.request.status));
      if (view.request.status !== 'waiting_on_agent') break;
      const waiting = view.steps.find((s) => s.status === 'waiting');
      if (!waiting) continue;
      const instructions = waiting.instructions?.text ?? '';
      say(`demo: the agent follows "${waiting.title}" and marks it done`);
      await call(`/requests/${view.request.id}/steps/${waiting.key}/complete`, { note: 'Done as instructed (demo agent)' });
      manual.push({ key: waiting.key, title: waiting.title, instructions });
    }

    const finalComment = sims.zendesk.comments(ticketId).filter((c) => c.public).at(-1);
    const summary = {
      ok: view.request.status === 'completed',
      status: view.request.status,
      requestId: view.request.id,
      ticketId,
      courseKey: view.request.courseKey,
      repo: view.request.repo,
      seconds: Number(((Date.now() - started) / 1000).toFixed(2)),
      automaticSteps: view.steps.filter((s) => s.kind === 'auto' && s.status === 'done').map((s) => ({ key: s.key, title: s.title })),
      skippedSteps: view.steps.filter((s) => s.status === 'skipped' && !manual.some((m) => m.key === s.key)).map((s) => ({ key: s.key, title: s.title, reason: s.note ?? null })),
      manualActions: manual.map(({ key, title }) => ({ key, title })),
      failedSteps: view.steps.filter((s) => s.status === 'failed').map((s) => ({ key: s.key, error: s.error ?? null })),
      finalCommentLinks: finalComment ? linksOf(finalComment.html_body) : [],
    };
    if (o.json) io.stdout(JSON.stringify(summary) + '\n');
    else io.stdout(summaryText(summary));
    return summary.ok ? 0 : 1;
  } finally {
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function summaryText(s: {
  status: string;
  requestId: number;
  ticketId: number;
  courseKey: string | null;
  repo: string | null;
  seconds: number;
  automaticSteps: { key: string; title: string }[];
  skippedSteps: { key: string; reason: string | null }[];
  manualActions: { key: string; title: string }[];
  failedSteps: { key: string; error: string | null }[];
  finalCommentLinks: string[];
}): string {
  const lines = [
    `Demo ${s.status} in ${s.seconds} s: request ${s.requestId} on ticket #${s.ticketId}, ${s.courseKey} in ${s.repo}`,
    `  steps run automatically: ${s.automaticSteps.length}`,
    ...s.automaticSteps.map((x) => `    - ${x.key}: ${x.title}`),
    `  manual actions needed: ${s.manualActions.length}`,
    ...s.manualActions.map((x) => `    - ${x.key}: ${x.title}`),
    ...(s.skippedSteps.length ? [`  skipped: ${s.skippedSteps.length}`, ...s.skippedSteps.map((x) => `    - ${x.key}: ${x.reason ?? ''}`)] : []),
    ...(s.failedSteps.length ? [`  failed: ${s.failedSteps.length}`, ...s.failedSteps.map((x) => `    - ${x.key}: ${x.error ?? ''}`)] : []),
    `  final ticket comment links:`,
    ...s.finalCommentLinks.map((u) => `    - ${u}`),
  ];
  return lines.join('\n') + '\n';
}
