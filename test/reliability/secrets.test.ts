import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET_SETTINGS } from '../../src/config';
import { startChild, type ChildService } from './support/child-service';
import { api, createWorld, driveTicket, type World } from './support/world';

/**
 * Canary values in every secret setting; the simulators accept them as the real credentials,
 * so the whole flow runs with them. Then no canary may appear anywhere the service writes:
 * its own log (a real child process, its real logger), ticket comments, API answers, step
 * rows, events, delivery rows and the ticket notes owed. Each canary is also looked for URL-encoded and in base64.
 */
const CANARY = {
  ORC_GH_OAUTH2_TOKEN: 'CANARYgithubtoken7f3a',
  ORC_ZENDESK_TOKEN: 'CANARYzendesktoken9b1c',
  ORC_ZENDESK_WEBHOOK_SECRET: 'CANARYwebhooksecret4d2e',
  ORC_APP_SHARED_SECRET: 'CANARYsharedsecret-0123456789abcdef0123456789',
  ORC_EDX_CLIENT_SECRET: 'CANARYedxclientsecret5e6f',
  ORC_GITRELOAD_SECRET: 'CANARYgitreloadsecret8a9b',
  ORC_METRICS_TOKEN: 'CANARYmetricstoken2c7d',
} as const;

const forms = (s: string) => [s, encodeURIComponent(s), Buffer.from(s).toString('base64')];

describe('secrets: canary values never leave the service', () => {
  let world: World;
  let child: ChildService;
  const output: string[] = [];

  beforeAll(async () => {
    world = await createWorld({
      credentials: { githubToken: CANARY.ORC_GH_OAUTH2_TOKEN, zendeskToken: CANARY.ORC_ZENDESK_TOKEN, edxClientSecret: CANARY.ORC_EDX_CLIENT_SECRET, gitreloadSecret: CANARY.ORC_GITRELOAD_SECRET },
      sharedSecret: CANARY.ORC_APP_SHARED_SECRET,
      env: { ORC_ZENDESK_WEBHOOK_SECRET: CANARY.ORC_ZENDESK_WEBHOOK_SECRET, ORC_METRICS_TOKEN: CANARY.ORC_METRICS_TOKEN, ORC_EDX_API: 'course_runs,advanced_settings,import,git_import', ORC_LOG_LEVEL: 'debug' },
    });
    child = await startChild(world.env, { url: world.url, output });
  }, 60_000);
  afterAll(async () => {
    await child?.kill();
    await world?.close();
  });

  it('covers every secret setting but the GitHub App key (which needs App auth instead of the token)', () => {
    expect([...Object.keys(CANARY), 'ORC_GH_APP_PRIVATE_KEY'].sort()).toEqual([...SECRET_SETTINGS].sort());
    for (const [k, v] of Object.entries(CANARY)) expect(world.env[k], k).toBe(v);
  });

  it('an XML and a Studio course, a failed step and API errors: no canary in logs, comments, answers or rows', async () => {
    const file = (kind: string, number: string) =>
      world.sims.zendesk.createTicketAsRequester({ email: 'prof@mit.test', fields: { request_type: 'new', course_kind: kind, course_number: number, course_title: 'Secret course', term: '2027_Spring', team_members: 'ada, grace', instructor: 'ada' } });
    const xml = file('xml', '6.01s');
    const studio = file('studio', '6.02s');
    // A step that fails for good, so error text is written to the step, the ticket and the log.
    world.sims.github.fail({ method: 'POST', path: /content-mit-603s-2027_Spring\/hooks$/, status: 422, times: 1, message: 'Validation Failed' });
    const failing = file('xml', '6.03s');
    const views = await Promise.all([xml, studio, failing].map((t) => driveTicket(world, t, { timeoutMs: 60_000 })));
    expect(views.map((v) => v.request.status)).toEqual(['completed', 'completed', 'failed']);
    // The gitreload hook checked the signature made with the canary: the secret was in use.
    expect(world.sims.edx.state.gitImports.length).toBeGreaterThanOrEqual(1);

    const answers: string[] = [];
    for (const path of ['/requests', ...[xml, studio, failing].map((t) => `/tickets/${t}`), `/requests/${views[2]!.request.id}/steps/nope/retry`, '/requests/abc']) {
      answers.push((await api(world, path)).text);
    }
    answers.push((await api(world, '/validate', { body: { token: CANARY.ORC_GH_OAUTH2_TOKEN.slice(0, 6) } })).text);
    const unauth = await fetch(`${world.url}/api/requests`, { headers: { authorization: `Bearer ${CANARY.ORC_APP_SHARED_SECRET}` } });
    answers.push(await unauth.text());

    const comments = [xml, studio, failing].flatMap((t) => world.sims.zendesk.comments(t).map((c) => `${c.html_body}\n${c.body}`));
    const db = new Database(world.dbPath, { readonly: true });
    const rows = JSON.stringify([
      db.prepare('SELECT * FROM steps').all(),
      db.prepare('SELECT * FROM events').all(),
      db.prepare('SELECT * FROM requests').all(),
      db.prepare('SELECT invocation_id, body, error FROM webhook_deliveries').all(),
      // The ticket's outbox: notes (failure notes carry errors) and their own errors.
      db.prepare('SELECT marker, html, error FROM ticket_notes').all(),
    ]);
    db.close();

    const places = { log: output.join(''), comments: comments.join('\n'), answers: answers.join('\n'), rows };
    expect(places.log.length).toBeGreaterThan(1000);
    expect(places.log).toContain('step failed');
    for (const [where, text] of Object.entries(places)) {
      for (const [setting, value] of Object.entries(CANARY)) {
        for (const form of forms(value)) expect(text.includes(form), `${setting} (${form}) appears in ${where}`).toBe(false);
      }
    }
  }, 90_000);
});
