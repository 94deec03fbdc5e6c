import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openSqlite } from '../../src/db/sqlite';
import { FIELDS, TITLE_PREFIX } from '../../src/courses/request-fields';
import { validateDraft } from '../../src/requests/draft';
import { loadZendeskIds, readStoredObjects } from '../../src/db/zendesk-objects';
import { runSetup, zendeskWorld } from './world';

let world: ReturnType<typeof zendeskWorld>;
beforeEach(() => {
  world = zendeskWorld();
});
afterEach(() => world.close());

const writes = () => world.sim.requests.filter((r) => r.method !== 'GET');

describe('zendesk setup', () => {
  it('sets up an empty account: fields, form, macros, webhook, triggers, ids and secret stored', async () => {
    const result = await runSetup(world.env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Created 26, updated 0; 0 unchanged.');

    const { admin } = world.sim;
    const ours = admin.ticketFields().filter((f) => f.title.startsWith(TITLE_PREFIX));
    expect(ours.map((f) => f.title_in_portal)).toEqual(FIELDS.map((f) => f.name));
    const decision = ours.find((f) => f.title_in_portal === 'Decision');
    expect(decision?.custom_field_options?.map((o) => o.value)).toEqual(['orc_decision_approve', 'orc_decision_reject']);
    expect(decision?.visible_in_portal).toBe(false);

    const [form] = admin.ticketForms();
    const system = admin.ticketFields().filter((f) => f.type === 'subject' || f.type === 'description').map((f) => f.id);
    expect(form?.ticket_field_ids).toEqual([...system, ...ours.map((f) => f.id)]);

    expect(admin.macros().map((m) => m.title)).toEqual(['[Orcoursetrion] Approve course request', '[Orcoursetrion] Reject course request']);
    expect(admin.macros()[0]?.actions).toEqual([{ field: `custom_fields_${decision?.id}`, value: 'orc_decision_approve' }]);

    const [webhook] = admin.webhooks();
    expect(webhook).toMatchObject({ endpoint: 'https://orc.example.edu/webhooks/zendesk', http_method: 'POST', request_format: 'json', subscriptions: ['conditional_ticket_events'] });

    const triggers = admin.triggers();
    expect(triggers.map((t) => t.actions[0]?.value)).toEqual([
      [webhook?.id, '{"ticket_id":"{{ticket.id}}","event":"created"}'],
      [webhook?.id, '{"ticket_id":"{{ticket.id}}","event":"updated"}'],
    ]);
    expect(triggers[0]?.conditions.all).toContainEqual({ field: 'ticket_form_id', operator: 'is', value: form?.id });

    const db = openSqlite(world.env.ORC_DATABASE);
    try {
      const ids = await loadZendeskIds(db.db);
      expect(ids.formId).toBe(form?.id);
      expect(ids.fields.decision).toBe(decision?.id);
      expect(ids.webhookId).toBe(webhook?.id);
      expect(ids.webhookSecret).toBe(admin.signingSecret(webhook!.id));
      expect(await readStoredObjects(db.db)).toHaveLength(26);
    } finally {
      db.close();
    }
  });

  it('--d1-sql writes what was stored as SQL that rebuilds the same ids on another database, readable by its owner only', async () => {
    const file = join(world.env.ORC_DATABASE, '..', 'zendesk-objects.sql');
    const result = await runSetup(world.env, { d1Sql: file });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(`wrote 26 rows for D1 to ${file}; it holds the webhook signing secret: apply it with \`npx wrangler d1 execute DB --remote --file ${file}\`, then delete it\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const d1 = openSqlite(':memory:');
    const here = openSqlite(world.env.ORC_DATABASE);
    try {
      d1.sqlite.exec(readFileSync(file, 'utf8'));
      d1.sqlite.exec(readFileSync(file, 'utf8')); // applying it again (after another setup run) replaces the rows
      expect(await loadZendeskIds(d1.db)).toEqual(await loadZendeskIds(here.db));
      expect(await readStoredObjects(d1.db)).toEqual(await readStoredObjects(here.db));
    } finally {
      d1.close();
      here.close();
    }
    const both = await runSetup(world.env, { dryRun: true, d1Sql: file });
    expect(both).toMatchObject({ code: 2, stderr: 'orcoursetrion zendesk setup: --d1-sql: writes what setup stored, and --dry-run stores nothing; drop one of them\n' });
  });

  it('a second run changes nothing and says so', async () => {
    expect((await runSetup(world.env)).code).toBe(0);
    const before = writes().length;
    const second = await runSetup(world.env);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Nothing to change: all 26 objects are up to date.');
    expect(second.stdout).not.toContain('Stored');
    expect(writes()).toHaveLength(before);
  });

  it('sends the form conditions (fields per request type, required for requesters), descriptions with examples, and format checks', async () => {
    expect((await runSetup(world.env)).code).toBe(0);
    const { admin } = world.sim;
    const byKey = Object.fromEntries(FIELDS.map((spec) => [spec.key, admin.ticketFields().find((f) => f.title === `${TITLE_PREFIX}${spec.name}`)!]));
    const nameOf = new Map(Object.entries(byKey).map(([key, f]) => [f.id, key]));
    const [form] = admin.ticketForms();

    const endUser = (tag: string) => form!.end_user_conditions.find((c) => c.value === tag);
    const shown = (tag: string) => Object.fromEntries(endUser(tag)!.child_fields.map((c) => [nameOf.get(c.id), c.is_required ? 'required' : 'optional']));
    expect(form!.end_user_conditions.map((c) => [c.parent_field_id, c.value])).toEqual(['new', 'publish', 'rerun', 'team'].map((t) => [byKey.request_type!.id, `orc_type_${t}`]));
    expect(shown('orc_type_new')).toMatchObject({ course_number: 'required', course_title: 'required', team_members: 'required', term: 'required', initial_repo: 'optional', start_date: 'optional' });
    expect(shown('orc_type_new')).not.toHaveProperty('new_term');
    expect(shown('orc_type_rerun')).toMatchObject({ new_term: 'required', term: 'required', course_title: 'optional' });
    expect(shown('orc_type_rerun')).not.toHaveProperty('initial_repo');
    expect(Object.keys(shown('orc_type_publish')).sort()).toEqual(['course_kind', 'course_number', 'desired_completion', 'start_date', 'team', 'team_members', 'term']);
    // Agents see the same fields per type, never required: they must be able to reply to or reject an incomplete request.
    for (const c of form!.agent_conditions) {
      expect(c.child_fields.map((f) => f.id)).toEqual(endUser(c.value as string)!.child_fields.map((f) => f.id));
      expect(c.child_fields.every((f) => !f.is_required && f.required_on_statuses.type === 'NO_STATUSES')).toBe(true);
    }
    // The agent's own fields and the type itself show always.
    const children = new Set(form!.agent_conditions.flatMap((c) => c.child_fields.map((f) => f.id)));
    expect(['request_type', 'decision', 'rejection_reason'].filter((k) => children.has(byKey[k]!.id))).toEqual([]);

    // Each says what to write with an example; a drop-down names its choices.
    for (const spec of FIELDS) {
      if ('options' in spec) for (const o of spec.options) expect(byKey[spec.key]!.description, spec.key).toContain(o.name);
      else expect(byKey[spec.key]!.description, spec.key).toMatch(/e\.g\. \S/);
    }
    expect(byKey.term!.description).toContain('2027_Spring');
    expect(byKey.course_number!.description).toContain('8.01r');
    expect(byKey.team_members!.description).toContain('separated by spaces');

    expect(['course_number', 'term', 'new_term'].map((k) => byKey[k]!.type)).toEqual(['regexp', 'regexp', 'regexp']);
    const term = new RegExp(byKey.term!.regexp_for_validation!);
    expect(['2027_Spring', '2027_IAP'].filter((v) => term.test(v))).toHaveLength(2);
    expect(['Spring_2027', '2027 Spring', '2027_Spring\nx'].filter((v) => term.test(v))).toEqual([]);
    const number = new RegExp(byKey.course_number!.regexp_for_validation!);
    expect(['8.01r', '6.0001', 'STS.001x'].every((v) => number.test(v))).toBe(true);
    expect(['8 01', '.801', '8..01'].some((v) => number.test(v))).toBe(false);
    // The form checks what intake checks: a value the pattern refuses, intake refuses too.
    for (const v of ['8 01', '8.01r']) expect(number.test(v)).toBe(!validateDraft({ type: 'publish', kind: 'xml', term: '2027_Spring', courseNumber: v }).problems.some((p) => p.field === 'courseNumber'));
  });

  it('updates an account set up by the previous version: descriptions and conditions; text fields stay text, and the plan says why', async () => {
    expect((await runSetup(world.env)).code).toBe(0);
    const { admin } = world.sim;
    // What the previous version left: plain text fields, short descriptions, a form without conditions.
    for (const f of admin.ticketFields().filter((f) => f.type === 'regexp')) Object.assign(f, { type: 'text', regexp_for_validation: null });
    const term = admin.ticketFields().find((f) => f.title === '[Orcoursetrion] Term')!;
    term.description = 'YEAR_SEASON';
    const [form] = admin.ticketForms();
    Object.assign(form!, { agent_conditions: [], end_user_conditions: [] });

    const result = await runSetup(world.env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/update\s+ticket_field\s+\[Orcoursetrion\] Term \(description\); kept as a text field \(Zendesk cannot change a field's type\)/);
    expect(result.stdout).toMatch(/unchanged\s+ticket_field\s+\[Orcoursetrion\] New term; kept as a text field/);
    expect(result.stdout).toMatch(/update\s+ticket_form\s+\[Orcoursetrion\] Course request \(agent_conditions, end_user_conditions\)/);
    expect(result.stdout).toContain('Created 0, updated 2; 24 unchanged.');
    expect(admin.ticketFields().find((f) => f.id === term.id)).toMatchObject({ type: 'text', description: FIELDS.find((f) => f.key === 'term')!.description });
    expect(admin.ticketForms()[0]!.end_user_conditions).toHaveLength(4);

    const before = writes().length;
    expect((await runSetup(world.env)).stdout).toContain('Nothing to change: all 26 objects are up to date.');
    expect(writes()).toHaveLength(before);
  });

  it('adds the team change to an account set up before it: the request type option, its two fields, the form; then nothing', async () => {
    await runSetup(world.env);
    // The account as the setup before the team change left it.
    const typeField = world.sim.admin.ticketFields().find((f) => f.title === '[Orcoursetrion] Request type');
    const options = typeField!.custom_field_options!;
    options.splice(options.findIndex((o) => o.value === 'orc_type_team'), 1);
    for (const title of ['[Orcoursetrion] Members to add', '[Orcoursetrion] Members to remove']) world.sim.admin.remove('ticket_field', world.sim.admin.ticketFields().find((f) => f.title === title)!.id);

    const result = await runSetup(world.env, { json: true });
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan.actions.filter((a: { type: string }) => a.type !== 'unchanged').map((a: { type: string; key: string }) => `${a.type} ${a.key}`)).toEqual([
      'update field:request_type',
      'create field:team_add',
      'create field:team_remove',
      'update form',
    ]);
    expect(world.sim.admin.ticketFields().find((f) => f.title === '[Orcoursetrion] Request type')?.custom_field_options?.map((o) => o.value)).toContain('orc_type_team');
    expect((await runSetup(world.env)).stdout).toContain('Nothing to change: all 26 objects are up to date.');
  });

  it('recreates a deleted trigger and updates a moved webhook, leaving the rest alone', async () => {
    await runSetup(world.env);
    const updated = world.sim.admin.triggers().find((t) => t.title.endsWith('updated'));
    world.sim.admin.remove('trigger', updated!.id);

    const result = await runSetup({ ...world.env, ORC_PUBLIC_URL: 'https://orc2.example.edu/' });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/create\s+trigger\s+\[Orcoursetrion\] Course request updated/);
    expect(result.stdout).toMatch(/update\s+webhook\s+.*\(endpoint\)/);
    expect(result.stdout).toContain('Created 1, updated 1; 24 unchanged.');
    expect(world.sim.admin.triggers().map((t) => t.title)).toEqual(['[Orcoursetrion] Course request created', '[Orcoursetrion] Course request updated']);
    expect(world.sim.admin.webhooks()[0]?.endpoint).toBe('https://orc2.example.edu/webhooks/zendesk');
  });

  it('--dry-run prints the plan and changes nothing, in Zendesk or on disk', async () => {
    const result = await runSetup(world.env, { dryRun: true });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Would create 26, update 0; 0 unchanged. Nothing was changed (dry run).');
    expect(result.stdout).toMatch(/create\s+ticket_form\s+\[Orcoursetrion\] Course request/);
    expect(writes()).toEqual([]);
    expect(world.sim.admin.ticketFields().filter((f) => f.title.startsWith(TITLE_PREFIX))).toEqual([]);
    expect(existsSync(world.env.ORC_DATABASE)).toBe(false);
  });

  it('--dry-run on a set-up account whose field was renamed plans the field and the objects naming it', async () => {
    await runSetup(world.env);
    const term = world.sim.admin.ticketFields().find((f) => f.title === '[Orcoursetrion] Term');
    term!.title = 'Term (old)';
    const result = await runSetup(world.env, { dryRun: true, json: true });
    const plan = JSON.parse(result.stdout);
    expect(plan.summary).toEqual({ create: 1, update: 1, unchanged: 24, conflict: 0 });
    expect(plan.actions.filter((a: { type: string }) => a.type !== 'unchanged').map((a: { key: string }) => a.key)).toEqual(['field:term', 'form']);
    expect(plan.changed).toBe(true);
  });

  it('names each missing setting and exits 2', async () => {
    const result = await runSetup({ ORC_ZENDESK_URL: world.env.ORC_ZENDESK_URL });
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines.map((l) => l.split(':')[1]?.trim())).toEqual(['ORC_ZENDESK_EMAIL', 'ORC_ZENDESK_TOKEN', 'ORC_PUBLIC_URL']);
    expect(writes()).toEqual([]);
  });

  it('fails with exit 1 and a token-free message when Zendesk refuses the credentials', async () => {
    const result = await runSetup({ ...world.env, ORC_ZENDESK_TOKEN: 'wrong-token-0a9b8c7d' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('401');
    expect(result.stderr).toContain('ORC_ZENDESK_TOKEN');
    expect(result.stderr).not.toContain('wrong-token-0a9b8c7d');
  });
});
