import type { Instructions } from '../engine/types';
import type { EdxEnvironment } from '../courses/edx';
import type { TeamRole } from '../courses/edx';
import { code, line, link, renderInstructions, strong } from './render';
import { lmsPage, studioPage, type EdxSites } from './sites';

export interface CourseTeamStep {
  sites: EdxSites;
  courseKey: string;
  /** The request's listed people by username (never the Instructor display name), with the Studio role to grant. */
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
    intro: line`Only add people; leave everyone already on the team as they are. To look up first: the email address of each of ${members.map((m) => m.user).join(', ') || 'nobody'}. Studio's New team member asks for an email, the request gives usernames, and without the edX API Orcoursetrion cannot look emails up for you (an LMS admin finds them by username in the LMS's Django admin, Users).`,
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
