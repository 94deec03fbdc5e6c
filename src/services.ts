import type { Config } from './config';
import type { Db } from './db/types';
import type { Engine } from './engine/engine';
import type { Clock, EngineHooks, WorkflowResolver } from './engine/types';
import { createEdxClient } from './integrations/edx/client';
import { createGithubClient, type GithubClientDeps } from './integrations/github/client';
import { createZendeskAdapter } from './integrations/zendesk/adapter';
import { edxSites } from './instructions/sites';
import { lazyClient } from './lazy-client';
import type { Logger } from './log';
import { externalProblems } from './requests/checks';
import { validateDraft, type Problem } from './requests/draft';
import { resumeCancellations } from './requests/actions';
import { processDelivery } from './requests/intake';
import type { TicketDesk } from './story/desk';
import { storyHooks } from './story/hooks';
import { zendeskDesk } from './story/zendesk-desk';
import type { FlowDeps } from './workflows/context';
import { createWorkflowResolver } from './workflows/index';
import { decidePlan } from './workflows/plan';

export interface Services {
  workflows: WorkflowResolver;
  hooks: EngineHooks;
  desk?: TicketDesk;
  flow: FlowDeps;
  validateDraft(draft: unknown): Promise<Problem[]>;
  /** Gives intake the engine it hands approved work to (the engine is built from these services). */
  bind(runtime: { engine: Pick<Engine, 'refreshRequestStatus'>; wake(): void }): void;
}

export interface ServiceDeps {
  config: Config;
  db: Db;
  clock: Clock;
  log: Logger;
  /** The fetch every integration uses (Workers' global fetch, a test's, the sandbox's). */
  fetch?: typeof fetch;
  importPollMs?: number;
  /** A batch (rollover, its bench) shares one pacer between all its GitHub calls, and may scale GitHub's waits. */
  github?: Pick<GithubClientDeps, 'pacer' | 'timeScale'>;
}

/** The composition root: integrations, workflows, intake and the ticket story, from the config. */
export async function createServices(deps: ServiceDeps): Promise<Services> {
  const { config, db, clock, log } = deps;
  const github = lazyClient(() => createGithubClient({ config, log, fetch: deps.fetch, ...deps.github }));
  const edx = lazyClient(() => createEdxClient({ config, log, fetch: deps.fetch }));
  const desk = config.zendesk.configured ? lazyClient(() => zendeskDesk(createZendeskAdapter({ config, logger: log, fetch: deps.fetch }), db)) : undefined;
  const flow: FlowDeps = { config, db, clock, github, edx, desk, sites: edxSites(config), importPollMs: deps.importPollMs };
  const workflows = createWorkflowResolver(flow);
  const checks = (fields: Parameters<typeof externalProblems>[1], plan: Parameters<typeof externalProblems>[2], requestId: number | undefined) =>
    externalProblems({ db, github, edx }, fields, plan, requestId);

  let runtime: Parameters<Services['bind']>[0] | undefined;
  const bound = () => {
    if (!runtime) throw new Error('services used before bind(): the engine must be built first');
    return runtime;
  };

  return {
    workflows,
    desk,
    flow,
    bind: (r) => {
      runtime = r;
    },
    hooks: {
      ...storyHooks(desk),
      recover: () => resumeCancellations({ db, clock, workflows }),
      processDelivery: desk
        ? (delivery, deliveryLog) =>
            processDelivery(
              { db, clock, config, desk, workflows, externalProblems: checks, engine: { refreshRequestStatus: (id) => bound().engine.refreshRequestStatus(id) }, wake: () => bound().wake(), timeZone: config.ORC_TIMEZONE },
              delivery,
              deliveryLog,
            )
        : undefined,
    },
    async validateDraft(draft) {
      const shape = validateDraft(draft);
      if (!shape.fields) return shape.problems;
      return [...shape.problems, ...(await checks(shape.fields, decidePlan(shape.fields, config), undefined))];
    },
  };
}
