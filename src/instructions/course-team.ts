import { z } from 'zod';
import type { Instructions } from '../engine/types';
import type { EdxEnvironment } from '../courses/edx';
import type { TeamRole } from '../courses/edx';
import { code, line, link, renderInstructions, strong, type InstructionStep, type Line } from './render';
import { lmsPage, studioPage, type EdxSites } from './sites';

/**
 * What the step found on the LMS when it started (memoised in the step row, so read back through
 * zod): each member's account by username as listed, or why the lookup failed.
 */
export const accountLookupSchema = z.union([
  z.object({ found: z.record(z.string(), z.object({ username: z.string(), email: z.string(), isActive: z.boolean() })) }),
  z.object({ failed: z.string() }),
]);
export type AccountLookup = z.infer<typeof accountLookupSchema>;

export interface CourseTeamStep {
  sites: EdxSites;
  courseKey: string;
  /** The request's listed people by username (never the Instructor display name), with the Studio role to grant. */
  members: { user: string; role: TeamRole }[];
  /** The LMS whose instructor dashboard is the alternative. */
  environment: EdxEnvironment;
  /**
   * Emails: undefined without the edX API (the agent looks them up); 'pending' when the step will
   * look them up as it starts (a plan's preview); else what it found.
   */
  accounts?: AccountLookup | 'pending';
}

const ROLE_NAMES: Record<TeamRole, string> = { instructor: 'Admin', staff: 'Staff' };

/** Add course team members in Studio, only adding (never remove anyone already there). */
export function courseTeamInstructions(input: CourseTeamStep): Instructions {
  const { sites, courseKey, members, environment, accounts } = input;
  const found = accounts !== undefined && accounts !== 'pending' && 'found' in accounts ? accounts.found : undefined;
  const add = (m: { user: string; role: TeamRole }, who: Line): InstructionStep => ({
    text: line`Click ${strong('New team member')}, enter ${who}, click ${strong('Add User')}${m.role === 'instructor' ? line` and then ${strong('Add Admin Access')} next to them` : []}, so they are ${strong(ROLE_NAMES[m.role])}.`,
  });
  const memberStep = (m: { user: string; role: TeamRole }): InstructionStep => {
    if (!found) return add(m, line`the email of ${code(m.user)}`);
    const account = found[m.user];
    // Looked up on the staging LMS: Studio shares its installation, and so its users.
    if (!account) return { text: line`${code(m.user)} has no account on the LMS: ask them to register at ${link(sites.lms.staging)} with that username, then add them by their email.` };
    const step = add(m, line`${code(account.email)} (${code(account.username)})`);
    return account.isActive ? step : { text: [...step.text, ...line` They have not activated their account yet: Studio refuses them until they follow the activation email.`] };
  };
  return renderInstructions({
    title: `Add the course team to ${courseKey}`,
    intro: line`Only add people; leave everyone already on the team as they are. ${lookupIntro(members, accounts)}`,
    steps: [
      { text: line`Open ${link(studioPage.courseTeam(sites, courseKey))}.` },
      ...members.map(memberStep),
      { text: line`If someone has no edX account yet, ask them to register on the LMS first, or add them later at ${link(lmsPage.membership(sites, environment, courseKey))} once they have.` },
    ],
    checks: [line`${link(studioPage.courseTeam(sites, courseKey))} lists ${members.map((m) => `${m.user} (${ROLE_NAMES[m.role]})`).join(', ')}.`],
  });
}

/** What the agent must look up first, if anything: Studio's New team member asks for an email, the request gives usernames. */
function lookupIntro(members: { user: string }[], accounts: CourseTeamStep['accounts']): Line {
  const names = members.map((m) => m.user).join(', ') || 'nobody';
  const byHand = `an LMS admin finds them by username in the LMS's Django admin, Users`;
  if (accounts === undefined) {
    return line`To look up first: the email address of each of ${names}. Studio's New team member asks for an email, the request gives usernames, and without the edX API Orcoursetrion cannot look emails up for you (${byHand}).`;
  }
  if (accounts === 'pending') return line`Orcoursetrion looks up the email of each of ${names} on the LMS when this step starts, and lists them here.`;
  if ('failed' in accounts) return line`To look up first: the email address of each of ${names}. Orcoursetrion could not look them up on the LMS (${accounts.failed}); ${byHand}.`;
  return line`Emails as the LMS had them when this step started (Studio's New team member asks for an email).`;
}
