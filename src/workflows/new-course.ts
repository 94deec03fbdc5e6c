import { parseCourseKey } from '../courses/naming';
import type { StepDefinition } from '../engine/types';
import { githubPage, lmsPage, studioPage } from '../instructions/sites';
import { fullRepo, type FlowDeps, type FlowInput } from './context';
import { createStudioCourseStep, edxCourseTeamStep, gitImportStep, importInitialCourseStep, setGiturlStep } from './edx-steps';
import { courseTeamStep, createRepoStep, deployTeamStep, exportRepoFiles, exportRepoFilesStep, hookStep, scaffoldXmlStep, stagingBranchStep } from './github-steps';
import { finishStep } from './ticket-steps';

/** new_course.png: an XML/latex2edx repo with its course, or a Studio course with its export repo. */
export function newCourseFlow(d: FlowDeps, input: FlowInput): StepDefinition[] {
  const { plan } = input;
  const key = plan.courseKey;
  const run = parseCourseKey(key)!.run;
  const repoUrl = githubPage.repo(d.sites, fullRepo(plan));
  if (plan.kind === 'xml') {
    return [
      createRepoStep(d, input, ['course.xml', 'course', 'policies', 'about']),
      deployTeamStep(d, input),
      courseTeamStep(d, input),
      scaffoldXmlStep(d, input, run),
      stagingBranchStep(d, input),
      hookStep(d, input, 'staging'),
      gitImportStep(d, input, 'staging'),
      edxCourseTeamStep(d, input, 'staging'),
      finishStep(d, input, {
        title: 'Update the ticket with the URLs',
        intro: `Your course ${input.courseNumber} (${input.title}) is set up for ${input.term}.`,
        links: [
          { label: `Repository ${fullRepo(plan)}`, url: repoUrl },
          { label: 'Course on the staging LMS', url: lmsPage.courseware(d.sites, 'staging', key) },
        ],
        next: 'Push your course content to the repository: each push reloads it on staging. When it is ready for students, file a publish request.',
      }),
    ];
  }
  return [
    createRepoStep(d, input, exportRepoFiles(input, d.config.ORC_EDX_ORG).map((f) => f.path)),
    deployTeamStep(d, input),
    exportRepoFilesStep(d, input),
    createStudioCourseStep(d, input),
    setGiturlStep(d, input),
    importInitialCourseStep(d, input),
    edxCourseTeamStep(d, input, 'staging'),
    finishStep(d, input, {
      title: 'Update the ticket with the URLs',
      intro: `Your course ${input.courseNumber} (${input.title}) is ready in Studio for ${input.term}.`,
      links: [
        { label: 'Course in Studio', url: studioPage.outline(d.sites, key) },
        { label: `Export repository ${fullRepo(plan)}`, url: repoUrl },
      ],
      next: 'Build your course in Studio. When it is ready for students, file a publish request.',
    }),
  ];
}
