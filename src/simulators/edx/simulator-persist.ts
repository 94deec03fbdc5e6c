import { z } from 'zod';
import type { EdxSimState } from './simulator';

/**
 * The edX simulator's course runs and imports as JSON and back, so the sandbox's Studio and LMS
 * outlive a restart. Issued tokens are not kept: clients fetch new ones, as after a real expiry.
 */

const runData = z.object({
  id: z.string(),
  org: z.string(),
  number: z.string(),
  run: z.string(),
  title: z.string(),
  schedule: z.object({ start: z.string().nullable(), end: z.string().nullable(), enrollment_start: z.string().nullable(), enrollment_end: z.string().nullable() }),
  pacing_type: z.string(),
  team: z.array(z.object({ user: z.string(), role: z.string() })),
  advanced: z.record(z.string(), z.unknown()),
  rerunOf: z.string().optional(),
  imports: z.array(z.object({ filename: z.string(), files: z.array(z.string()) })),
});
const accountData = z.object({ username: z.string(), email: z.string(), name: z.string(), isActive: z.boolean() });
const importData = z.object({ taskId: z.string(), courseKey: z.string(), filename: z.string(), files: z.array(z.string()).optional(), polls: z.number() });
const edxData = z.object({
  runs: z.array(runData),
  // Absent in worlds saved before accounts were kept: those keep the accounts the sandbox seeds.
  accounts: z.array(accountData).optional(),
  tokensIssued: z.number(),
  imports: z.array(importData),
  gitImports: z.array(z.object({ via: z.enum(['edx-sysadmin', 'gitreload']), url: z.string(), repoName: z.string(), sshUrl: z.string(), branch: z.string() })),
});

export function edxStateToData(state: EdxSimState): z.input<typeof edxData> {
  return { runs: state.runs, accounts: state.accounts, tokensIssued: state.tokensIssued, imports: [...state.imports.values()], gitImports: state.gitImports };
}

/** Replaces the state's contents with `raw` (validated first: nothing changes when it is not edX data). */
export function loadEdxState(state: EdxSimState, raw: unknown): void {
  const data = edxData.parse(raw);
  state.runs.splice(0, state.runs.length, ...data.runs);
  if (data.accounts) state.accounts.splice(0, state.accounts.length, ...data.accounts);
  state.tokensIssued = data.tokensIssued;
  state.imports.clear();
  for (const task of data.imports) state.imports.set(task.taskId, { ...task, files: task.files });
  state.gitImports.splice(0, state.gitImports.length, ...data.gitImports);
}
