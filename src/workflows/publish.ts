import type { StepDefinition } from '../engine/types';
import { gitreloadBranch } from '../integrations/edx/git-import';
import { lmsPage } from '../instructions/sites';
import type { FlowDeps, FlowInput } from './context';
import { edxCourseTeamStep, exportToGitStep, gitImportStep } from './edx-steps';
import { hookStep, productionBranchStep } from './github-steps';
import { finishStep } from './ticket-steps';

/**
 * move_course.png: production hook; Studio courses are exported to git first; then the branch
 * the production LMS imports is made (when missing), the production import, the course team
 * and the link. The
 * quality check runs at intake, so a course that fails it is never approved.
 */
export function publishFlow(d: FlowDeps, input: FlowInput): StepDefinition[] {
  const { plan } = input;
  const xml = plan.kind === 'xml';
  return [
    hookStep(d, input, 'production'),
    ...(xml ? [] : [exportToGitStep(d, input, 'current')]),
    productionBranchStep(d, input),
    gitImportStep(d, input, 'production'),
    edxCourseTeamStep(d, input, 'production'),
    finishStep(d, input, {
      title: 'Update the ticket with the production link',
      intro: `Your course ${input.courseNumber} (${input.title}) for ${input.term} is published.`,
      links: [
        { label: 'Course on the production LMS', url: lmsPage.courseware(d.sites, 'production', plan.courseKey) },
        { label: 'About page', url: lmsPage.about(d.sites, 'production', plan.courseKey) },
      ],
      next: xml
        ? `Students see what is on the ${gitreloadBranch(d.config, 'production')} branch: merge into it to publish further changes.`
        : `Export to git again, then bring the ${gitreloadBranch(d.config, 'production')} branch up to date, to publish further changes.`,
    }),
  ];
}
