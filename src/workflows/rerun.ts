import { parseCourseKey } from '../courses/naming';
import type { StepDefinition } from '../engine/types';
import { GITIGNORE } from '../integrations/github/course-actions';
import { githubPage, lmsPage, studioPage } from '../instructions/sites';
import { fullRepo, type FlowDeps, type FlowInput } from './context';
import { deleteOldRunStep, edxCourseTeamStep, exportToGitStep, gitImportStep, setGiturlStep, splitRerunStep } from './edx-steps';
import { copyRepoStep, courseTeamStep, createRepoStep, deployTeamStep, exportRepoFilesStep, hookStep, removeHooksStep, rewriteCourseKeyStep, stagingBranchStep } from './github-steps';
import { usesApi } from './plan';
import { finishStep } from './ticket-steps';

/**
 * course_rerun.png: unhook and delete the old run (manual, destructive), then for XML a
 * history-free copy with the new course key, hooked and imported into staging; for Studio an
 * export of the old run, a new export repo, a split rerun, its giturl and (when the rerun is made
 * by hand) its course team. Ends by telling the
 * course team and the residential team on the ticket.
 *
 * One change from the diagram's order: a Studio rerun copies the old run inside Studio, so the
 * old run is deleted from staging only after the rerun (deleting it first would leave nothing
 * to rerun). XML reruns copy from git, so they keep the diagram's order.
 */
export function rerunFlow(d: FlowDeps, input: FlowInput): StepDefinition[] {
  const { plan } = input;
  const fromRun = parseCourseKey(plan.sourceCourseKey!)!.run;
  const toRun = parseCourseKey(plan.courseKey)!.run;
  const notify = finishStep(d, input, {
    title: 'Notify the course team and the residential team',
    intro: `${input.courseNumber} (${input.title}) has been rerun from ${input.term} for ${input.newTerm}. Course team and residential team: the new run is ${plan.courseKey}.`,
    links: [
      { label: `Repository ${fullRepo(plan)}`, url: githubPage.repo(d.sites, fullRepo(plan)) },
      plan.kind === 'xml'
        ? { label: 'New run on the staging LMS', url: lmsPage.courseware(d.sites, 'staging', plan.courseKey) }
        : { label: 'New run in Studio', url: studioPage.outline(d.sites, plan.courseKey) },
    ],
    next: 'Check the dates in Schedule & Details and the course team before students enrol.',
  });
  if (plan.kind === 'xml') {
    return [
      removeHooksStep(d, input),
      deleteOldRunStep(d, input, 'production'),
      deleteOldRunStep(d, input, 'staging'),
      copyRepoStep(d, input),
      rewriteCourseKeyStep(d, input, fromRun, toRun),
      stagingBranchStep(d, input),
      deployTeamStep(d, input),
      courseTeamStep(d, input),
      hookStep(d, input, 'staging'),
      gitImportStep(d, input, 'staging'),
      edxCourseTeamStep(d, input, 'staging'),
      notify,
    ];
  }
  return [
    removeHooksStep(d, input),
    deleteOldRunStep(d, input, 'production'),
    exportToGitStep(d, input, 'source'),
    createRepoStep(d, input, [GITIGNORE.path]),
    deployTeamStep(d, input),
    exportRepoFilesStep(d, input),
    splitRerunStep(d, input),
    setGiturlStep(d, input),
    // A rerun through the API sends the team; one made in Studio's UI gives only the agent who
    // ran it a role (edx-platform cms/djangoapps/contentstore/tasks.py rerun_course: initialize_permissions).
    ...(usesApi(plan, 'rerun') ? [] : [edxCourseTeamStep(d, input, 'staging')]),
    deleteOldRunStep(d, input, 'staging'),
    notify,
  ];
}
