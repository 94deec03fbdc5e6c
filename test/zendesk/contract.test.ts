import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTransient } from '../../src/errors';
import type { TicketFieldPayload, TicketFormPayload } from '../../src/integrations/zendesk/admin';
import { ZendeskRequestFailed } from '../../src/integrations/zendesk/errors';
import { zendeskWorld } from './world';

/** Rules of the simulated Zendesk that stand for documented refusals, each exercised through the adapter. */
describe('Zendesk simulator contract', () => {
  let world: ReturnType<typeof zendeskWorld>;
  beforeEach(() => {
    world = zendeskWorld();
  });
  afterEach(() => world.close());

  const field = (over: Partial<TicketFieldPayload>): TicketFieldPayload => ({
    type: 'text',
    title: 'A field',
    title_in_portal: 'A field',
    description: '',
    active: true,
    visible_in_portal: true,
    editable_in_portal: true,
    ...over,
  });

  it('refuses a ticket field type Zendesk does not have (422, permanent)', async () => {
    const err = await world.adapter().admin.createTicketField(field({ type: 'dropdown' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZendeskRequestFailed);
    expect(isTransient(err)).toBe(false);
    expect((err as ZendeskRequestFailed).failure.status).toBe(422);
    expect(world.sim.admin.ticketFields().some((f) => f.title === 'A field')).toBe(false);
  });

  it('refuses a drop-down (tagger) field without options, and takes it with them', async () => {
    const err = await world.adapter().admin.createTicketField(field({ type: 'tagger' })).catch((e: unknown) => e);
    expect((err as ZendeskRequestFailed).failure.status).toBe(422);
    const created = await world.adapter().admin.createTicketField(field({ type: 'tagger', custom_field_options: [{ name: 'Yes', value: 'orc_test_yes' }] }));
    expect(created.type).toBe('tagger');
  });

  it('refuses to change a field\'s type after creation, and a regexp field without a working pattern', async () => {
    const { admin } = world.adapter();
    const status = (p: Promise<unknown>) => p.then(() => 200, (e: unknown) => (e as ZendeskRequestFailed).failure.status);
    expect(await status(admin.createTicketField(field({ type: 'regexp' })))).toBe(422);
    expect(await status(admin.createTicketField(field({ type: 'regexp', regexp_for_validation: '(' })))).toBe(422);
    const text = await admin.createTicketField(field({}));
    expect(await status(admin.updateTicketField(text.id, field({ type: 'regexp', regexp_for_validation: '^a$' })))).toBe(422);
    expect(world.sim.admin.ticketFields().find((f) => f.id === text.id)?.type).toBe('text');
  });

  it('checks a form\'s conditions: their shape, fields on the form, a parent value that exists, end-user fields end users can edit', async () => {
    const { admin } = world.adapter();
    const parent = await admin.createTicketField(field({ type: 'tagger', title: 'Kind', custom_field_options: [{ name: 'A', value: 'orc_t_a' }] }));
    const child = await admin.createTicketField(field({ title: 'Child' }));
    const agentOnly = await admin.createTicketField(field({ title: 'Agent only', visible_in_portal: false, editable_in_portal: false }));
    const form = (over: Partial<TicketFormPayload>): TicketFormPayload => ({
      name: 'Form',
      display_name: 'Form',
      active: true,
      end_user_visible: true,
      ticket_field_ids: [parent.id, child.id, agentOnly.id],
      agent_conditions: [{ parent_field_id: parent.id, value: 'orc_t_a', child_fields: [{ id: child.id, is_required: false, required_on_statuses: { type: 'NO_STATUSES' } }] }],
      end_user_conditions: [{ parent_field_id: parent.id, value: 'orc_t_a', child_fields: [{ id: child.id, is_required: true }] }],
      ...over,
    });
    const refused = async (over: Partial<TicketFormPayload> | Record<string, unknown>) => {
      const err = await admin.createTicketForm(form(over as Partial<TicketFormPayload>)).catch((e: unknown) => e);
      return err instanceof ZendeskRequestFailed ? err.failure.status : 'created';
    };
    expect(await refused({})).toBe('created');
    expect(await refused({ ticket_field_ids: [parent.id] })).toBe(422);
    expect(await refused({ end_user_conditions: [{ parent_field_id: parent.id, value: 'orc_t_b', child_fields: [{ id: child.id, is_required: true }] }] })).toBe(422);
    expect(await refused({ end_user_conditions: [{ parent_field_id: child.id, value: 'x', child_fields: [{ id: parent.id, is_required: true }] }] })).toBe(422);
    expect(await refused({ end_user_conditions: [{ parent_field_id: parent.id, value: 'orc_t_a', child_fields: [{ id: agentOnly.id, is_required: false }] }] })).toBe(422);
    expect(await refused({ end_user_conditions: [{ parent_field_id: parent.id, value: 'orc_t_a', child_fields: [{ id: child.id, is_required: true, required_on_statuses: { type: 'NO_STATUSES' } }] }] })).toBe(422);
    expect(await refused({ agent_conditions: [{ parent_field_id: parent.id, value: 'orc_t_a', child_fields: [{ id: child.id, is_required: true, required_on_statuses: { type: 'SOME_STATUSES' } }] }] })).toBe(422);
    expect(await refused({ agent_conditions: [{ parent_field_id: parent.id, value: 'orc_t_a', child_fields: [{ id: child.id, is_required: true }] }] })).toBe(422);
    expect(await refused({ agent_conditions: [{ parent_field_id: parent.id, value: 'orc_t_a', child_fields: [{ id: agentOnly.id, is_required: true, required_on_statuses: { type: 'SOME_STATUSES', statuses: ['solved'] } }] }] })).toBe('created');
  });
});
