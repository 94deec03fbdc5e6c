import type { EdxOperation } from '../config';
import { parseCourseKey } from '../courses/naming';
import { termDates } from '../courses/terms';
import type { StepContext, StepDefinition } from '../engine/types';
import type { EdxEnvironment } from '../courses/edx';
import { gitreloadBranch } from '../integrations/edx/git-import';
import { isTransient, messageOf, PermanentError, TransientError } from '../errors';
import { buildCourseTarball } from '../integrations/edx/course-tarball';
import { EdxPermanentError } from '../integrations/edx/errors';
import type { TeamRole } from '../courses/edx';
import { accountLookupSchema, courseTeamInstructions, type AccountLookup } from '../instructions/course-team';
import { canLookUpEdxAccounts } from '../integrations/edx/enabled';
import { createCourseInstructions } from '../instructions/create-course';
import { deleteCourseInstructions } from '../instructions/delete-course';
import { exportToGitInstructions } from '../instructions/export-to-git';
import { gitImportInstructions } from '../instructions/git-import';
import { importTarballInstructions } from '../instructions/import-tarball';
import { rerunInstructions } from '../instructions/rerun';
import { setGitUrlInstructions } from '../instructions/set-giturl';
import { lmsPage, studioPage } from '../instructions/sites';
import { fullRepo, type FlowDeps, type FlowInput } from './context';
import { usesApi } from './plan';

/**
 * Steps on Open edX. Each is automatic when its operation is in the plan's API list (decided
 * once, from ORC_EDX_API) and otherwise a manual step with instructions for the agent.
 */

type Instructed = Pick<StepDefinition, 'key' | 'title' | 'prepare'> & { instructions: StepDefinition['instructions'] };

function edxStep(input: FlowInput, op: EdxOperation, manual: Instructed, run: (ctx: StepContext) => Promise<Record<string, unknown>>): StepDefinition {
  return usesApi(input.plan, op) ? { key: manual.key, title: manual.title, kind: 'auto', run } : { ...manual, kind: 'manual' };
}

/**
 * The course team on edX: the request's listed people, as Staff. The Instructor field is a
 * display name ("Gil Strang"), never a username: sent as one, Studio refuses the whole run
 * (400 "Course team user does not exist"). Create and rerun send this complete team, since
 * Studio keeps only the team sent; an adopted run only gets what is missing added.
 */
export function edxTeam(input: FlowInput): { user: string; role: TeamRole }[] {
  return input.plan.members.map((user) => ({ user, role: 'staff' }));
}

const runOf = (key: string) => parseCourseKey(key)!;

export function createStudioCourseStep(d: FlowDeps, input: FlowInput): StepDefinition {
  const key = input.plan.courseKey;
  return edxStep(
    input,
    'course_runs',
    { key: 'create-studio-course', title: `Create ${key} in Studio`, instructions: () => createCourseInstructions({ sites: d.sites, courseKey: key, title: input.title }) },
    async () => {
      const { org, number, run } = runOf(key);
      const dates = termDates(run);
      const { outcome } = await d.edx.createCourseRun({ org, number, run, title: input.title, schedule: dates, team: edxTeam(input) });
      return { summary: `${outcome === 'created' ? 'Created' : 'Adopted the existing'} course run ${key} in Studio.`, links: [{ label: 'Course outline', url: studioPage.outline(d.sites, key) }] };
    },
  );
}

export function setGiturlStep(d: FlowDeps, input: FlowInput): StepDefinition {
  const key = input.plan.courseKey;
  const repo = fullRepo(input.plan);
  return edxStep(
    input,
    'advanced_settings',
    { key: 'set-giturl', title: `Set giturl of ${key}`, instructions: () => setGitUrlInstructions({ sites: d.sites, courseKey: key, repo }) },
    async () => {
      await d.edx.setAdvancedSettings(key, { giturl: d.sites.sshUrl(repo) });
      return { summary: `giturl of ${key} is ${d.sites.sshUrl(repo)}.`, links: [{ label: 'Advanced settings', url: studioPage.advancedSettings(d.sites, key) }] };
    },
  );
}

export function importInitialCourseStep(d: FlowDeps, input: FlowInput): StepDefinition {
  const key = input.plan.courseKey;
  const { number, run, org } = runOf(key);
  return edxStep(
    input,
    'import',
    { key: 'import-course', title: `Import the initial course into ${key}`, instructions: () => importTarballInstructions({ sites: d.sites, courseKey: key, filename: `${number}-${run}.tar.gz` }) },
    async (ctx) => {
      const archive = await buildCourseTarball({ org, number, run, title: input.title, start: termDates(run)?.start, description: input.description });
      const result = await d.edx.importCourseTarball(key, archive, { heartbeat: ctx.heartbeat, pollIntervalMs: d.importPollMs });
      return { summary: `Imported ${archive.filename} into ${key} (task ${result.taskId}).`, links: [{ label: 'Course outline', url: studioPage.outline(d.sites, key) }] };
    },
  );
}

export function edxCourseTeamStep(d: FlowDeps, input: FlowInput, environment: EdxEnvironment): StepDefinition {
  const key = input.plan.courseKey;
  const members = edxTeam(input);
  // With the edX token, the agent gets each person's email (Studio asks for one) instead of a lookup to do.
  const lookup = canLookUpEdxAccounts(d.config);
  return edxStep(
    input,
    'course_team',
    {
      key: environment === 'staging' ? 'edx-course-team' : 'edx-course-team-production',
      title: `Add the course team to ${key}${environment === 'production' ? ' on production' : ''}`,
      instructions: (_request, prepared) => {
        const found = accountLookupSchema.safeParse(prepared);
        const accounts = lookup ? (found.success ? found.data : 'pending') : undefined;
        return courseTeamInstructions({ sites: d.sites, courseKey: key, members, environment, accounts });
      },
      ...(lookup && { prepare: async () => lookUpTeam(d, members) }),
    },
    async () => {
      const change = await d.edx.addCourseTeam(key, members).catch((err: unknown) => {
        // A git import is asynchronous on edX: the course appears when it finishes, so wait for it.
        if (err instanceof EdxPermanentError && err.status === 404) throw new TransientError(`${key} is not in Studio yet (its import may still be running); trying again`);
        throw err;
      });
      return { summary: `Course team of ${key}: ${members.map((m) => `${m.user} (${m.role})`).join(', ') || 'nobody to add'}.`, change: { ...change } };
    },
  );
}

/**
 * The team's LMS accounts, for the manual step's instructions. An outage is retried like any
 * step's; a refusal (say, a service user without staff) leaves the agent the lookup to do, with why.
 */
async function lookUpTeam(d: FlowDeps, members: { user: string }[]): Promise<AccountLookup> {
  try {
    return { found: Object.fromEntries(await d.edx.lookupAccounts(members.map((m) => m.user))) };
  } catch (err) {
    if (isTransient(err)) throw err;
    return { failed: messageOf(err) };
  }
}

/**
 * Git import of the branch the environment's LMS imports (ORC_*_GITRELOAD_BRANCH): edx-sysadmin
 * refuses any other, so the branch must exist in the repository before the hook is called.
 */
export function gitImportStep(d: FlowDeps, input: FlowInput, environment: EdxEnvironment): StepDefinition {
  const key = input.plan.courseKey;
  const repo = fullRepo(input.plan);
  const branch = gitreloadBranch(d.config, environment);
  return edxStep(
    input,
    'git_import',
    {
      key: `${environment}-import`,
      title: `Git import ${repo} into ${environment}`,
      instructions: () => gitImportInstructions({ sites: d.sites, environment, courseKey: key, repo, branch }),
    },
    async () => {
      if (!(await d.github.branchExists(input.plan.org, input.plan.repo, branch))) {
        const setting = environment === 'staging' ? 'ORC_STAGING_GITRELOAD_BRANCH' : 'ORC_PRODUCTION_GITRELOAD_BRANCH';
        throw new PermanentError(`${repo} has no branch ${branch}, the one the ${environment} LMS imports (${setting}); push it, or set ${setting} to the branch that LMS imports, then retry`);
      }
      const result = await d.edx.triggerGitImport({ environment, repo });
      return { summary: `The ${environment} gitreload hook queued the import of ${repo}@${result.branch} (${result.status}: ${result.message})`, links: [{ label: 'Git logs', url: lmsPage.gitLogs(d.sites, environment) }] };
    },
  );
}

export function splitRerunStep(d: FlowDeps, input: FlowInput): StepDefinition {
  const { courseKey: newKey, sourceCourseKey } = input.plan;
  return edxStep(
    input,
    'rerun',
    { key: 'split-rerun', title: `Rerun ${sourceCourseKey} as ${newKey} in Studio`, instructions: () => rerunInstructions({ sites: d.sites, sourceKey: sourceCourseKey!, newKey, title: input.title }) },
    async () => {
      const { run } = runOf(newKey);
      const { outcome } = await d.edx.rerunCourseRun({ sourceKey: sourceCourseKey!, run, schedule: termDates(run), team: edxTeam(input) });
      return { summary: `${outcome === 'created' ? 'Reran' : 'Adopted the existing rerun'} ${sourceCourseKey} as ${newKey}.`, links: [{ label: 'Course outline', url: studioPage.outline(d.sites, newKey) }] };
    },
  );
}

/** No edX API exports a course to git: always manual. */
export function exportToGitStep(d: FlowDeps, input: FlowInput, which: 'current' | 'source'): StepDefinition {
  const key = which === 'source' ? input.plan.sourceCourseKey! : input.plan.courseKey;
  const repo = fullRepo(input.plan, which === 'source' ? input.plan.sourceRepo : input.plan.repo);
  return { key: which === 'source' ? 'export-old-run' : 'export-to-git', title: `Export ${key} to git`, kind: 'manual', instructions: () => exportToGitInstructions({ sites: d.sites, courseKey: key, repo, branch: 'main' }) };
}

/** Deleting a course has no HTTP API and is destructive: always manual, confirmed with a note. */
export function deleteOldRunStep(d: FlowDeps, input: FlowInput, environment: EdxEnvironment): StepDefinition {
  const key = input.plan.sourceCourseKey!;
  return {
    key: `delete-${environment}`,
    title: `Delete ${key} from ${environment}`,
    kind: 'manual',
    instructions: () => deleteCourseInstructions({ sites: d.sites, environment, courseKey: key, repo: fullRepo(input.plan, input.plan.sourceRepo) }),
  };
}
