import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTransient } from '../../src/errors';
import type { TicketFieldPayload } from '../../src/integrations/zendesk/admin';
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
});
