import type { StepDefinition } from '../engine/types';
import { lmsPage } from '../instructions/sites';
import type { FlowDeps, FlowInput } from './context';
import { edxCourseTeamStep, exportToGitStep, gitImportStep } from './edx-steps';
import { hookStep, liveBranchStep } from './github-steps';
import { finishStep } from './ticket-steps';

/**
 * move_course.png: production hook; Studio courses are exported to git first, XML courses get
 * a live branch (when missing); then the production import, the course team and the link. The
 * quality check runs at intake, so a course that fails it is never approved.
 */
export function publishFlow(d: FlowDeps, input: FlowInput): StepDefinition[] {
  const { plan } = input;
  const xml = plan.kind === 'xml';
  return [
    hookStep(d, input, 'production'),
    xml ? liveBranchStep(d, input) : exportToGitStep(d, input, 'current'),
    gitImportStep(d, input, 'production', xml ? 'live' : 'default'),
    edxCourseTeamStep(d, input, 'production'),
    finishStep(d, input, {
      title: 'Update the ticket with the production link',
      intro: `Your course ${input.courseNumber} (${input.title}) for ${input.term} is published.`,
      links: [
        { label: 'Course on the production LMS', url: lmsPage.courseware(d.sites, 'production', plan.courseKey) },
        { label: 'About page', url: lmsPage.about(d.sites, 'production', plan.courseKey) },
      ],
      next: xml ? 'Students see what is on the live branch: merge into live to publish further changes.' : 'Export to git again to publish further changes.',
    }),
  ];
}
