import type { Config } from './config';
import type { Db } from './db/types';
import type { Engine } from './engine/engine';
import type { Clock, EngineHooks, WorkflowResolver } from './engine/types';
import { observedFetch, type CallObserver } from './integrations/calls';
import { createEdxClient } from './integrations/edx/client';
import { createGithubClient, type GithubClientDeps } from './integrations/github/client';
import { idOnlyAgentDirectory, zendeskAgentDirectory, type AgentCache, type AgentDirectory } from './auth/agent-directory';
import { createZendeskAdapter } from './integrations/zendesk/adapter';
import { createZendeskHttp } from './integrations/zendesk/client';
import { createUserOperations } from './integrations/zendesk/users';
import { edxSites } from './instructions/sites';
import { lazyClient } from './lazy-client';
import type { Logger } from './log';
import { externalProblems, type CheckOptions } from './requests/checks';
import { carriedTeam } from './requests/course-team';
import { assessDraft, type AssessDeps } from './requests/create';
import type { Problem } from './requests/draft';
import { resumeCancellations } from './requests/actions';
import { resumeActionNotes } from './requests/action-notes';
import { recoverActionEvents } from './requests/action-recovery';
import { processDelivery } from './requests/intake';
import { checkRequestCourse, type CourseCheck } from './requests/quality-check';
import type { RequestRow } from './db/schema';
import type { TicketDesk } from './story/desk';
import { resumeFailureNotes, storyHooks } from './story/hooks';
import { zendeskDesk } from './story/zendesk-desk';
import type { FlowDeps } from './workflows/context';
import { createWorkflowResolver } from './workflows/index';

export interface Services {
  workflows: WorkflowResolver;
  hooks: EngineHooks;
  desk?: TicketDesk;
  /** Who the sidebar's tokens name: looked up in Zendesk when it is configured. */
  agents: AgentDirectory;
  flow: FlowDeps;
  validateDraft(draft: Record<string, unknown>): Promise<Problem[]>;
  /** What a draft is checked against beyond its own rules (intake, CLI requests, rollover): the world, and the course team. */
  assess: Pick<AssessDeps, 'externalProblems' | 'courseTeam'>;
  checkCourse(request: RequestRow): Promise<CourseCheck>;
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
  /** Agents already looked up; a Worker passes its isolate's, as it builds services per invocation. */
  agentCache?: AgentCache;
  /** Told how each call to GitHub, Zendesk and edX ended (metrics). */
  calls?: CallObserver;
}

/** The composition root: integrations, workflows, intake and the ticket story, from the config. */
/** What the routes take from the services, the same on Node and on the Worker. */
export const appServices = (services: Services) => ({
  workflows: services.workflows,
  validateDraft: services.validateDraft,
  checkCourse: services.checkCourse,
  agents: services.agents,
});

export async function createServices(deps: ServiceDeps): Promise<Services> {
  const { config, db, clock, log } = deps;
  const calls = deps.calls;
  // GitHub and Zendesk always call through a fetch; edX may use axios' http adapter, so it observes its own calls.
  const fetchFor = (system: 'github' | 'zendesk') => (calls ? observedFetch(system, deps.fetch ?? ((input, init) => globalThis.fetch(input, init)), calls) : deps.fetch);
  const github = lazyClient(() => createGithubClient({ config, log, fetch: fetchFor('github'), ...deps.github }));
  const edx = lazyClient(() => createEdxClient({ config, log, fetch: deps.fetch, calls }));
  const desk = config.zendesk.configured ? lazyClient(() => zendeskDesk(createZendeskAdapter({ config, logger: log, fetch: fetchFor('zendesk') }), db)) : undefined;
  const users = config.zendesk.configured ? lazyClient(() => createUserOperations(createZendeskHttp({ config, logger: log, fetch: fetchFor('zendesk') }))) : undefined;
  const flow: FlowDeps = { config, db, clock, github, edx, desk, sites: edxSites(config), importPollMs: deps.importPollMs };
  const workflows = createWorkflowResolver(flow);
  const checks = (fields: Parameters<typeof externalProblems>[1], plan: Parameters<typeof externalProblems>[2], requestId: number | undefined, options?: CheckOptions) =>
    externalProblems({ db, github, edx, config }, fields, plan, requestId, options);
  const assess: Services['assess'] = {
    externalProblems: checks,
    courseTeam: (fields, plan, requestId) => carriedTeam({ db, github, timeZone: config.ORC_TIMEZONE }, fields, plan, requestId),
  };

  let runtime: Parameters<Services['bind']>[0] | undefined;
  const bound = () => {
    if (!runtime) throw new Error('services used before bind(): the engine must be built first');
    return runtime;
  };

  return {
    workflows,
    desk,
    agents: users ? zendeskAgentDirectory({ lookup: (id) => users.getUser(id), clock, cache: deps.agentCache }) : idOnlyAgentDirectory,
    flow,
    bind: (r) => {
      runtime = r;
    },
    hooks: {
      ...storyHooks(desk, { db, clock }),
      async recover(options) {
        const cancellations = await resumeCancellations({ db, clock, workflows });
        // A crash between an agent's decision or finished step and its audit event (then its note).
        const actions = await recoverActionEvents(db, config.ORC_TIMEZONE, options?.since);
        if (!desk) return cancellations + actions;
        // A crash between an action (or a step's failure) and the note it owes the ticket.
        await resumeFailureNotes(db, clock);
        return cancellations + actions + (await resumeActionNotes(db, config.ORC_TIMEZONE, options?.since));
      },
      processDelivery: desk
        ? (delivery, deliveryLog) =>
            processDelivery(
              { db, clock, config, desk, workflows, ...assess, teamReader: { github, edx }, engine: { refreshRequestStatus: (id) => bound().engine.refreshRequestStatus(id) }, wake: () => bound().wake(), timeZone: config.ORC_TIMEZONE },
              delivery,
              deliveryLog,
            )
        : undefined,
    },
    async validateDraft(draft) {
      // Intake's own assessment, so the sidebar's check also names a team found nowhere.
      const { problems, warnings } = await assessDraft({ config, ...assess }, draft);
      return [...problems, ...warnings];
    },
    assess,
    checkCourse: (request) => checkRequestCourse(github, request),
  };
}
