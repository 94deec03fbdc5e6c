import type { Instructions } from '../engine/types';
import type { EdxEnvironment } from '../courses/edx';
import type { TeamRole } from '../courses/edx';
import { code, line, link, renderInstructions, strong } from './render';
import { lmsPage, studioPage, type EdxSites } from './sites';

export interface CourseTeamStep {
  sites: EdxSites;
  courseKey: string;
  /** Usernames as the request gives them (GitHub usernames), with the Studio role to grant. */
  members: { user: string; role: TeamRole }[];
  /** The LMS whose instructor dashboard is the alternative. */
  environment: EdxEnvironment;
}

const ROLE_NAMES: Record<TeamRole, string> = { instructor: 'Admin', staff: 'Staff' };

/** Add course team members in Studio, only adding (never remove anyone already there). */
export function courseTeamInstructions(input: CourseTeamStep): Instructions {
  const { sites, courseKey, members, environment } = input;
  return renderInstructions({
    title: `Add the course team to ${courseKey}`,
    intro: line`Only add people; leave everyone already on the team as they are. Studio asks for each person's email address: the request names them by username.`,
    steps: [
      { text: line`Open ${link(studioPage.courseTeam(sites, courseKey))}.` },
      ...members.map((m) => ({
        text: line`Click ${strong('New team member')}, enter the email of ${code(m.user)}, click ${strong('Add User')}${m.role === 'instructor' ? line` and then ${strong('Add Admin Access')} next to them` : []}, so they are ${strong(ROLE_NAMES[m.role])}.`,
      })),
      { text: line`If someone has no edX account yet, ask them to register on the LMS first, or add them later at ${link(lmsPage.membership(sites, environment, courseKey))} once they have.` },
    ],
    checks: [line`${link(studioPage.courseTeam(sites, courseKey))} lists ${members.map((m) => `${m.user} (${ROLE_NAMES[m.role]})`).join(', ')}.`],
  });
}
