import type { Config } from '../config';
import type { Db } from '../db/types';
import type { Clock } from '../engine/types';
import { createZendeskAdapter } from '../integrations/zendesk/adapter';
import { applySetup } from '../integrations/zendesk/setup/apply';
import type { Logger } from '../log';
import { seedGithub, type SandboxSimulators } from './simulators';
import type { WorldStore } from './world-store';

/**
 * Makes the sandbox usable: the world saved in this database comes back (else GitHub gets the
 * orgs, deploy teams and people), and the simulated Zendesk account is set up by the real
 * `zendesk setup` code (fields, form, macros, triggers, and a webhook pointing at this service,
 * its signing secret stored): on a restored account that changes nothing but the webhook's URL
 * when the port moved. From then on every change is saved.
 */
export async function prepareSandbox(sims: SandboxSimulators, config: Config, db: Db, publicUrl: string, clock: Clock, log: Logger, world: WorldStore): Promise<void> {
  if (!(await world.restore())) seedGithub(sims.github, config);
  sims.afterChange(() => world.save());
  await setUpSimulatedZendesk(config, db, publicUrl, clock, log);
  await world.save();
}

/** Runs the real `zendesk setup` against the simulated Zendesk account `config` points at. */
async function setUpSimulatedZendesk(config: Config, db: Db, publicUrl: string, clock: Clock, log: Logger): Promise<void> {
  const zendesk = createZendeskAdapter({ config, logger: log });
  await applySetup({ admin: zendesk.admin, db, publicUrl, now: clock });
}
