import type { Config } from '../config';
import { messageOf } from '../errors';
import { createEdxClient } from '../integrations/edx/client';
import { createOctokit } from '../integrations/github/octokit';
import { createPacer } from '../integrations/github/pacer';
import { createZendeskAdapter } from '../integrations/zendesk/adapter';
import type { Logger } from '../log';
import { fail, type Check } from './check';
import { edxChecks } from './edx';
import { githubChecks } from './github';
import { zendeskChecks } from './zendesk';

export interface DoctorDeps {
  config: Config;
  log: Logger;
  /** Where Zendesk reaches the service; undefined when ORC_PUBLIC_URL is not set. */
  publicUrl: string | undefined;
  /** The webhook probe's nonce. */
  nonce?: () => string;
}

/**
 * Read-only preflight: every check reads, or sends what the receiver refuses by design (a
 * gitreload push of a branch that does not exist, Zendesk's webhook test with a probe body the
 * service answers without recording). The three systems are checked side by side.
 */
export async function runDoctor(deps: DoctorDeps): Promise<Check[]> {
  const { config, log } = deps;
  const github = async (): Promise<Check[]> => {
    try {
      return await githubChecks(await createOctokit({ config, log, pacer: createPacer() }), config);
    } catch (err) {
      return [fail('github', messageOf(err), config.ORC_GH_APP_ID ? 'ORC_GH_APP_PRIVATE_KEY' : 'ORC_GH_OAUTH2_TOKEN', 'check the GitHub credentials')];
    }
  };
  const zendesk = () => zendeskChecks(() => createZendeskAdapter({ config, logger: log }), config, deps.publicUrl, deps.nonce ?? (() => crypto.randomUUID()));
  const edx = () => edxChecks(createEdxClient({ config, log, requestTimeoutMs: 30_000 }), config);
  return (await Promise.all([github(), zendesk(), edx()])).flat();
}
