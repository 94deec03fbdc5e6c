import type { Config } from './config';
import type { Db } from './db/types';
import type { Clock, EngineHooks, WorkflowResolver } from './engine/types';
import type { Logger } from './log';
import { validateDraft, type Problem } from './requests/draft';

export interface Services {
  workflows: WorkflowResolver;
  hooks: EngineHooks;
  validateDraft(draft: unknown): Promise<Problem[]>;
  close?(): Promise<void>;
}

/** The composition root: integrations, workflows and the ticket story, from the config. */
export async function createServices(deps: { config: Config; db: Db; clock: Clock; log: Logger }): Promise<Services> {
  void deps;
  return {
    workflows: () => [],
    hooks: {},
    validateDraft: async (draft) => validateDraft(draft).problems,
  };
}
