import type { StepDefinition } from '../engine/types';
import { teamSlug } from '../integrations/github/teams';
import { removeCourseTeamInstructions } from '../instructions/remove-course-team';
import { githubPage, studioPage } from '../instructions/sites';
import { fullRepo, type FlowDeps, type FlowInput } from './context';
import { edxCourseTeamStep } from './edx-steps';
import { finishStep } from './ticket-steps';

/**
 * A course team change: the GitHub course team of an XML course gets its adds and removes (as the
 * 2015 put_team set a membership; a Studio course's export repo has no course team), edX gets the additions on staging and production (the course-run API where
 * ORC_EDX_API has course_team, else instructions), and the removals are always an agent's
 * destructive step, since no edX API removes one member without replacing the whole team.
 */
export function teamChangeFlow(d: FlowDeps, input: FlowInput): StepDefinition[] {
  const { plan } = input;
  const key = plan.courseKey;
  const add = plan.members;
  const remove = plan.remove ?? [];
  const change = [add.length > 0 ? `added ${add.join(', ')}` : '', remove.length > 0 ? `removed ${remove.join(', ')}` : ''].filter(Boolean).join(' and ');
  return [
    ...(plan.kind === 'xml' ? [githubTeamChangeStep(d, input)] : []),
    ...(add.length > 0 ? [edxCourseTeamStep(d, input, 'staging'), edxCourseTeamStep(d, input, 'production')] : []),
    ...(remove.length > 0 ? [edxTeamRemovalStep(d, input)] : []),
    finishStep(
      d,
      input,
      {
        title: 'Tell the requester the course team changed',
        intro: `The course team of ${input.courseNumber} (${input.term}) has ${change}.`,
        links: [
          ...(plan.kind === 'xml' ? [{ label: `GitHub team ${plan.team}`, url: githubPage.team(d.sites, plan.org, teamSlug(plan.team)) }] : []),
          { label: 'Course team in Studio', url: studioPage.courseTeam(d.sites, key) },
        ],
        next: 'People added can push to the course repository and edit the course in Studio now; file another team change for further changes.',
      },
      // Nothing to record: a course's team is read from its requests (src/requests/course-team.ts).
      async () => {},
    ),
  ];
}

function githubTeamChangeStep(d: FlowDeps, input: FlowInput): StepDefinition {
  const { plan } = input;
  return {
    key: 'github-team-change',
    title: `Change the members of the GitHub team ${plan.team}`,
    kind: 'auto',
    async run() {
      const team = await d.github.changeTeamMembers({ org: plan.org, name: plan.team, add: plan.members, remove: plan.remove ?? [] });
      const done = [team.added.length > 0 && `added ${team.added.join(', ')}`, team.removed.length > 0 && `removed ${team.removed.join(', ')}`].filter(Boolean).join(', ');
      return { summary: `Team ${team.name} of ${fullRepo(plan)}: ${done || 'already as asked'}.`, change: { added: team.added, removed: team.removed } };
    },
  };
}

function edxTeamRemovalStep(d: FlowDeps, input: FlowInput): StepDefinition {
  const { plan } = input;
  const users = plan.remove ?? [];
  return {
    key: 'edx-course-team-remove',
    title: `Remove ${users.join(', ')} from the course team of ${plan.courseKey}`,
    kind: 'manual',
    instructions: () => removeCourseTeamInstructions({ sites: d.sites, courseKey: plan.courseKey, users }),
  };
}
