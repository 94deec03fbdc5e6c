import type { Instructions } from '../engine/types';
import { code, line, link, renderInstructions, strong } from './render';
import { lmsPage, studioPage, type EdxSites } from './sites';

export interface RemoveCourseTeamStep {
  sites: EdxSites;
  courseKey: string;
  /** Usernames to take off the run's course team. */
  users: string[];
}

/**
 * Take people off a run's course team in Studio. By hand: the course-run API removes a member
 * only by replacing the whole team (edx-platform cms/djangoapps/api/v1/serializers/course_runs.py:
 * update_team deletes every role unless the update is partial, and a partial update only adds).
 */
export function removeCourseTeamInstructions(input: RemoveCourseTeamStep): Instructions {
  const { sites, courseKey, users } = input;
  const who = users.join(', ');
  return renderInstructions({
    title: `Remove ${who} from the course team of ${courseKey}`,
    warning: line`This takes ${who} off the course team of ${code(courseKey)}: they lose Studio and staff access to it. Remove only the people listed; leave everyone else as they are.`,
    destructive: true,
    steps: [
      { text: line`Open ${link(studioPage.courseTeam(sites, courseKey))}.` },
      ...users.map((user) => ({ text: line`Find ${code(user)} (Studio lists each member's username and email), click ${strong('Delete')} (the trash icon) next to them and confirm.` })),
    ],
    checks: [
      line`${link(studioPage.courseTeam(sites, courseKey))} no longer lists ${who}.`,
      line`The staff lists at ${link(lmsPage.membership(sites, 'staging', courseKey))} and, if the course is published, ${link(lmsPage.membership(sites, 'production', courseKey))} no longer show them.`,
    ],
  });
}
