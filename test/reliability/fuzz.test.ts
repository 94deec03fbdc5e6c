import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli';
import { signZendeskPayload } from '../../src/webhooks/signature';
import { api, inProcessWorld, sleep, type ApiAnswer } from './support/world';

/**
 * Hostile input at every edge: never a 5xx, never a crash, and a 400 says which field is wrong.
 * ORC_FUZZ_RUNS (default 40) sets the runs per property; ORC_RELIABILITY_SEED replays them.
 */
const RUNS = Number(process.env.ORC_FUZZ_RUNS ?? 40);
const SEED = process.env.ORC_RELIABILITY_SEED ? Number(process.env.ORC_RELIABILITY_SEED) : undefined;
/** Per-test time: the runs dominate, so it grows with them (soak runs 10x more). */
const TIME = 20_000 + RUNS * 500;
const params = (numRuns = RUNS) => ({ numRuns, seed: SEED, endOnFailure: true });
const SECRET = 'fuzz-webhook-secret-0123456789abcdef';

/** Things a hostile string should contain now and then. */
const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('', ' ', '../../etc/passwd', '%00', '<script>alert(1)</script>', "'; DROP TABLE requests;--", '\u0000', '\uFFFF', 'ñ', '9'.repeat(400), '-1', '1e309', 'NaN', '__proto__', 'constructor'),
);
const jsonish = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.dictionary(nasty, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }));

interface ErrorBody {
  error: { code: string; message: string; details: unknown };
}
const errorOf = (a: ApiAnswer): ErrorBody['error'] | undefined =>
  typeof a.body === 'object' && a.body !== null && 'error' in a.body ? (a.body as ErrorBody).error : undefined;

/** A 400 must name what is wrong: a field in its details, or a field name in its message. */
function expectNamesField(a: ApiAnswer, fields: readonly string[]): void {
  expect(a.status, a.text).toBeLessThan(500);
  if (a.status !== 400) return;
  const error = errorOf(a);
  expect(error, a.text).toBeDefined();
  const text = `${error!.message} ${JSON.stringify(error!.details)}`;
  expect(fields.some((f) => text.includes(f)), `400 without a field name: ${a.text}`).toBe(true);
}

describe('fuzz: hostile input never makes a 5xx or a crash', () => {
  const ctx = inProcessWorld(SECRET);

  it('webhook bodies, signed and unsigned, with any content type', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(jsonish.map((v) => JSON.stringify(v)), nasty, fc.record({ ticket_id: fc.oneof(nasty, fc.integer()), event: fc.option(nasty) }).map((v) => JSON.stringify(v))), fc.boolean(), fc.constantFrom('application/json', 'text/plain', '', 'application/json; charset=utf-8', 'multipart/form-data'), async (body, sign, type) => {
        const timestamp = new Date().toISOString();
        const headers: Record<string, string> = { 'x-zendesk-webhook-invocation-id': crypto.randomUUID(), 'x-zendesk-webhook-signature-timestamp': timestamp };
        if (type) headers['content-type'] = type;
        if (sign) headers['x-zendesk-webhook-signature'] = await signZendeskPayload(SECRET, timestamp, body);
        const res = await fetch(`${ctx.world.url}/webhooks/zendesk`, { method: 'POST', body, headers });
        const text = await res.text();
        expect(res.status, text).toBeLessThan(500);
        if (!sign) expect(res.status).toBe(401);
        if (res.status === 400) expect(text).toMatch(/ticket_id|JSON|body|invocation/);
      }),
      params(),
    );
  }, TIME);

  it('sidebar API bodies and path/query parameters', async () => {
    const draftFields = ['type', 'kind', 'courseNumber', 'courseTitle', 'term', 'newTerm', 'teamMembers', 'instructor', 'weeks', 'body', 'JSON'];
    await fc.assert(
      fc.asyncProperty(jsonish, nasty, nasty, nasty, async (body, id, key, status) => {
        const validate = await api(ctx.world, '/validate', { body });
        expectNamesField(validate, draftFields);
        if (validate.status === 200) {
          const problems = (validate.body as { problems: { field: string; message: string }[] }).problems;
          for (const p of problems) expect(p.field.length * p.message.length, JSON.stringify(p)).toBeGreaterThan(0);
        }
        const e = encodeURIComponent;
        expectNamesField(await api(ctx.world, `/requests?status=${e(status)}`), ['status']);
        expectNamesField(await api(ctx.world, `/requests/${e(id)}`), ['id']);
        expectNamesField(await api(ctx.world, `/tickets/${e(id)}`), ['ticketId', 'ticket', 'id']);
        expectNamesField(await api(ctx.world, `/requests/${e(id)}/reject`, { body }), ['reason', 'id', 'body', 'JSON']);
        expectNamesField(await api(ctx.world, `/requests/${e(id)}/approve`, { body }), ['id', 'body', 'JSON']);
        for (const action of ['complete', 'skip', 'retry']) {
          expectNamesField(await api(ctx.world, `/requests/${e(id)}/steps/${e(key)}/${action}`, { body }), ['note', 'id', 'key', 'step', 'body', 'JSON']);
        }
      }),
      params(),
    );
  }, TIME);

  it('ticket field values, through the Zendesk simulator and intake: every ticket is answered, none crashes intake', async () => {
    const ids: number[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          request_type: fc.constantFrom('new', 'publish', 'rerun', 'nonsense', ''),
          course_kind: fc.constantFrom('xml', 'studio', 'other'),
          course_number: nasty,
          course_title: nasty,
          term: fc.oneof(nasty, fc.constantFrom('2027_Spring', 'Spring_2027', '2027_Fall')),
          new_term: nasty,
          team_members: fc.oneof(nasty, fc.constantFrom('ada, grace', 'ada,,grace', '@ada')),
          instructor: nasty,
          weeks: fc.oneof(fc.integer(), nasty),
          description: nasty,
        }),
        async (fields) => {
          ids.push(ctx.world.sims.zendesk.createTicketAsRequester({ email: 'fuzz@mit.test', fields }));
        },
      ),
      params(Math.max(5, Math.round(RUNS / 3))),
    );
    // Every ticket reaches a state intake chose, through a delivery that did not fail.
    const end = Date.now() + 30_000;
    for (;;) {
      await ctx.world.sims.zendesk.idle();
      const open = (ctx.db.prepare("SELECT count(*) AS n FROM webhook_deliveries WHERE status IN ('pending','running')").get() as { n: number }).n;
      const recorded = (ctx.db.prepare(`SELECT count(*) AS n FROM requests WHERE ticket_id IN (${ids.join(',')})`).get() as { n: number }).n;
      if (open === 0 && recorded === ids.length) break;
      if (Date.now() > end) throw new Error(`intake did not settle: ${open} deliveries open, ${recorded}/${ids.length} tickets recorded`);
      await sleep(100);
    }
    // Only this property's tickets: the webhook-body property above posts signed deliveries for
    // tickets that do not exist, which intake rightly fails.
    expect(ctx.db.prepare(`SELECT ticket_id, error FROM webhook_deliveries WHERE status = 'failed' AND ticket_id IN (${ids.join(',')})`).all()).toEqual([]);
    const statuses = ctx.db.prepare(`SELECT DISTINCT status FROM requests WHERE ticket_id IN (${ids.join(',')})`).all() as { status: string }[];
    expect(statuses.map((s) => s.status).filter((s) => !['waiting_on_requester', 'pending_approval'].includes(s))).toEqual([]);
    const problems = ctx.db.prepare(`SELECT problems FROM requests WHERE ticket_id IN (${ids.join(',')}) AND status = 'waiting_on_requester'`).all() as { problems: string }[];
    for (const row of problems) {
      const list = JSON.parse(row.problems) as { field?: string }[];
      expect(list.length).toBeGreaterThan(0);
      expect(list.every((p) => typeof p.field === 'string' && p.field.length > 0), row.problems).toBe(true);
    }
  }, 60_000 + TIME);

  it('CLI arguments: an exit code, never a throw; usage errors exit 2', async () => {
    // No credentials and no .env: nothing may reach the network.
    for (const k of ['ORC_GH_OAUTH2_TOKEN', 'ORC_GH_APP_ID', 'ORC_ZENDESK_URL', 'ORC_ZENDESK_EMAIL', 'ORC_ZENDESK_TOKEN']) vi.stubEnv(k, '');
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const words = fc.constantFrom('create_export_repo', 'rerun_studio', 'release_studio', 'create_xml_repo', 'rerun_xml', 'release_xml', 'put_team', 'zendesk', 'setup', '-c', '-t', '-n', '-m', '-o', '-g', '-d', '-r', '--dry-run', '--json', '--verbose', '--help', '--course', '--term', '--');
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.oneof(words, words, nasty), { maxLength: 8 }), async (argv) => {
          // `serve` and the commands that start a sandbox are not argument parsers to fuzz.
          fc.pre(!['serve', 'demo', 'rollover', 'request', 'plan'].includes(argv[0] ?? ''));
          const code = await main(argv);
          process.exitCode = undefined;
          expect([0, 1, 2]).toContain(code);
        }),
        params(),
      );
    } finally {
      out.mockRestore();
      err.mockRestore();
      vi.unstubAllEnvs();
      process.exitCode = undefined;
    }
  }, TIME);
});
