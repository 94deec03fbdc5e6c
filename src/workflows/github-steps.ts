import type { StepDefinition } from '../engine/types';
import { gitreloadBranch } from '../integrations/edx/git-import';
import { GITIGNORE, initialCourseXml } from '../integrations/github/course-actions';
import { githubPage } from '../instructions/sites';
import { fullRepo, type FlowDeps, type FlowInput } from './context';
import { xmlScaffoldFiles } from './xml-scaffold';

/** Steps on GitHub. Each is one idempotent adapter call (or a few), safe to repeat. */

const repoLink = (d: FlowDeps, repo: string) => ({ label: repo, url: githubPage.repo(d.sites, repo) });

/**
 * Files an export repo starts with, as the 2015 tool wrote them: a rerun's repo gets only the
 * .gitignore, since Studio's export to git fills it.
 */
export const exportRepoFiles = (input: FlowInput, org: string) =>
  input.request.type === 'rerun' ? [GITIGNORE] : [GITIGNORE, initialCourseXml(input.courseNumber, input.term, org)];

export function createRepoStep(d: FlowDeps, input: FlowInput, ownPaths: string[]): StepDefinition {
  const { plan } = input;
  return {
    key: 'create-repo',
    title: `Create the repository ${fullRepo(plan)}`,
    kind: 'auto',
    async run() {
      const repo = await d.github.ensureRepo({ org: plan.org, name: plan.repo, description: input.title, ownPaths });
      return { summary: `${repo.created ? 'Created' : 'Adopted the existing'} repository ${repo.fullName}.`, links: [repoLink(d, repo.fullName)], defaultBranch: repo.defaultBranch };
    },
  };
}

export function deployTeamStep(d: FlowDeps, input: FlowInput): StepDefinition {
  const { plan } = input;
  return {
    key: 'deploy-team',
    title: `Give the deploy team ${plan.deployTeam} access`,
    kind: 'auto',
    async run() {
      await d.github.grantTeamRepo({ org: plan.org, team: plan.deployTeam, owner: plan.org, repo: plan.repo, permission: 'push' });
      return { summary: `${plan.deployTeam} can push to ${fullRepo(plan)}.` };
    },
  };
}

/** The course team on GitHub: exactly the requested members ("replace the membership"). */
export function courseTeamStep(d: FlowDeps, input: FlowInput): StepDefinition {
  const { plan } = input;
  return {
    key: 'github-team',
    title: `Set up the GitHub team ${plan.team}`,
    kind: 'auto',
    async run() {
      await d.github.ensureTeam({ org: plan.org, name: plan.team, permission: 'push', members: plan.members });
      await d.github.grantTeamRepo({ org: plan.org, team: plan.team, owner: plan.org, repo: plan.repo, permission: 'push' });
      return { summary: `Team ${plan.team} (${plan.members.join(', ') || 'no members'}) can push to ${fullRepo(plan)}.` };
    },
  };
}

export function exportRepoFilesStep(d: FlowDeps, input: FlowInput): StepDefinition {
  const { plan } = input;
  return {
    key: 'export-repo-files',
    title: input.request.type === 'rerun' ? 'Add .gitignore to the export repository' : 'Add .gitignore and course.xml to the export repository',
    kind: 'auto',
    async run() {
      // In order: the 2015 tool's commits, one per file.
      for (const file of exportRepoFiles(input, d.config.ORC_EDX_ORG)) await d.github.addFile({ owner: plan.org, repo: plan.repo, ...file });
      return { summary: `Added ${exportRepoFiles(input, d.config.ORC_EDX_ORG).map((f) => f.path).join(' and ')}.` };
    },
  };
}

export function scaffoldXmlStep(d: FlowDeps, input: FlowInput, run: string): StepDefinition {
  const { plan } = input;
  return {
    key: 'scaffold-course',
    title: 'Write the XML course skeleton',
    kind: 'auto',
    async run() {
      const files = xmlScaffoldFiles(input, d.config.ORC_EDX_ORG, run);
      for (const f of files) await d.github.addFile({ owner: plan.org, repo: plan.repo, path: f.path, content: f.content, message: `Add ${f.path}` });
      return { summary: `Wrote ${files.map((f) => f.path).join(', ')}.`, links: [repoLink(d, fullRepo(plan))] };
    },
  };
}

export function hookStep(d: FlowDeps, input: FlowInput, environment: 'staging' | 'production'): StepDefinition {
  const { plan } = input;
  const url = environment === 'staging' ? d.config.ORC_STAGING_GITRELOAD : d.config.ORC_PRODUCTION_GITRELOAD;
  const setting = environment === 'staging' ? 'ORC_STAGING_GITRELOAD' : 'ORC_PRODUCTION_GITRELOAD';
  const configured = environment === 'staging' ? plan.stagingHook : plan.productionHook;
  return {
    key: `${environment}-hook`,
    title: `Add the ${environment} git hook`,
    kind: 'auto',
    skipReason: configured ? undefined : `${setting} is not set, so there is no ${environment} gitreload hook to add`,
    async run() {
      if (!url) throw new Error(`${setting} is no longer set; set it again or skip this step`);
      const { created } = await d.github.ensureHook(plan.org, plan.repo, url, d.config.ORC_GITRELOAD_SECRET);
      return { summary: `${created ? 'Added' : 'Kept'} the ${environment} gitreload hook on ${fullRepo(plan)}.`, links: [{ label: 'Web hooks', url: githubPage.hooks(d.sites, fullRepo(plan)) }] };
    },
  };
}

/** Publishing: the branch the production LMS imports (ORC_PRODUCTION_GITRELOAD_BRANCH), made from the default branch when missing. */
export function productionBranchStep(d: FlowDeps, input: FlowInput): StepDefinition {
  const { plan } = input;
  const branch = gitreloadBranch(d.config, 'production');
  return {
    key: 'live-branch',
    title: `Make the ${branch} branch from the default branch`,
    kind: 'auto',
    async run() {
      const repo = await d.github.getRepo(plan.org, plan.repo);
      const { created } = await d.github.ensureBranch(plan.org, plan.repo, branch, repo.defaultBranch);
      return { summary: created ? `Created branch ${branch} from ${repo.defaultBranch}.` : `The ${branch} branch already exists.` };
    },
  };
}

/**
 * A course repository's default branch is the one the staging LMS imports
 * (ORC_STAGING_GITRELOAD_BRANCH): pushes there reload the course on staging.
 */
export function stagingBranchStep(d: FlowDeps, input: FlowInput): StepDefinition {
  const { plan } = input;
  const branch = gitreloadBranch(d.config, 'staging');
  return {
    key: 'default-branch',
    title: `Make ${branch} the default branch`,
    kind: 'auto',
    async run() {
      const repo = await d.github.getRepo(plan.org, plan.repo);
      const { changed } = await d.github.ensureDefaultBranch(plan.org, plan.repo, repo.defaultBranch, branch);
      return { summary: changed ? `The default branch of ${fullRepo(plan)} is now ${branch} (was ${repo.defaultBranch}).` : `The default branch of ${fullRepo(plan)} is ${branch}.` };
    },
  };
}

export function removeHooksStep(d: FlowDeps, input: FlowInput): StepDefinition {
  const { plan } = input;
  const source = fullRepo(plan, plan.sourceRepo);
  return {
    key: 'remove-hooks',
    title: `Remove all web hooks from ${source}`,
    kind: 'auto',
    async run() {
      const removed = await d.github.removeAllHooks(plan.org, plan.sourceRepo!);
      return { summary: `Removed ${removed} web hook${removed === 1 ? '' : 's'} from ${source}.` };
    },
  };
}

export function copyRepoStep(d: FlowDeps, input: FlowInput): StepDefinition {
  const { plan } = input;
  return {
    key: 'copy-repo',
    title: `Copy ${fullRepo(plan, plan.sourceRepo)} to ${fullRepo(plan)} without history`,
    kind: 'auto',
    async run() {
      const repo = await d.github.copyRepoWithoutHistory({ sourceOwner: plan.org, sourceRepo: plan.sourceRepo!, owner: plan.org, name: plan.repo, description: input.title });
      return { summary: `${repo.created ? 'Copied' : 'Kept the earlier copy'} into ${repo.fullName} as a single commit.`, links: [repoLink(d, repo.fullName)], defaultBranch: repo.defaultBranch };
    },
  };
}

export function rewriteCourseKeyStep(d: FlowDeps, input: FlowInput, fromRun: string, toRun: string): StepDefinition {
  const { plan } = input;
  return {
    key: 'change-course-key',
    title: `Change the course key to ${plan.courseKey}`,
    kind: 'auto',
    async run() {
      const repo = await d.github.getRepo(plan.org, plan.repo);
      const { changed } = await d.github.rewriteCourseKey({ owner: plan.org, repo: plan.repo, branch: repo.defaultBranch, fromRun, toRun });
      return { summary: changed ? `Renamed run ${fromRun} to ${toRun} (course.xml, course/, policies/) in one commit.` : `The course already uses run ${toRun}.` };
    },
  };
}
