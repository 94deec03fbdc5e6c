import type { GithubConfig } from '../../github-config';
import { PermanentError } from '../../errors';
import { repoName } from '../../courses/naming';
import type { GithubClient } from './client';
import { TeamNotFound } from './errors';
import { teamSlug, type TeamInfo } from './teams';

/**
 * The 2015 tool's seven actions, with the same effect on GitHub, reached with fewer requests
 * and with independent requests in parallel. Each returns the original's first output line.
 * `plan*` describe, without any request, the API operations the action would make.
 */

export type ActionSettings = Pick<
  GithubConfig,
  'ORC_COURSE_PREFIX' | 'ORC_STUDIO_ORG' | 'ORC_STUDIO_DEPLOY_TEAM' | 'ORC_XML_ORG' | 'ORC_XML_DEPLOY_TEAM' | 'ORC_STAGING_GITRELOAD' | 'ORC_PRODUCTION_GITRELOAD' | 'ORC_GITRELOAD_SECRET'
>;

export interface PlannedCall {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  does: string;
}

export interface ActionResult {
  /** The first line the 2015 tool printed. */
  message: string;
  repo?: { fullName: string; htmlUrl: string; created: boolean };
  team?: TeamInfo;
  hooksRemoved?: number;
  hookCreated?: boolean;
}

export class MissingSetting extends PermanentError {
  constructor(setting: string, action: string) {
    super(`${setting}: required by ${action}; set it to the gitreload web hook URL`);
    this.name = 'MissingSetting';
  }
}

export const GITIGNORE = { path: '.gitignore', content: '\ndrafts/\n', message: 'Automatic .gitignore from Orcoursetrion' };
/** The 2015 tool wrote org="MITx"; the service passes ORC_EDX_ORG so course.xml matches the course key. */
export const initialCourseXml = (course: string, term: string, org = 'MITx') => ({
  path: 'course.xml',
  content: `<course url_name="${term}" org="${org}" course="${course}"/>\n`,
  message: `initial commit of course.xml with term "${term}"`,
});

const required = (value: string | undefined, setting: string, action: string) => {
  if (!value) throw new MissingSetting(setting, action);
  return value;
};
const repoSummary = (r: { fullName: string; htmlUrl: string; created: boolean }) => ({ fullName: r.fullName, htmlUrl: r.htmlUrl, created: r.created });
/**
 * The 2015 first line for a repository this run created; a repository found already there (a
 * run again, or after a crash) is said to be so, as the 2015 line would claim a creation.
 */
const repoLine = (r: { htmlUrl: string; created: boolean }, kind: string, inPlace: string) =>
  r.created ? `Newly created repository for ${kind} created at ${r.htmlUrl}` : `Repository for ${kind} already there at ${r.htmlUrl} (not created again); ${inPlace} in place`;
const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

export interface CourseTerm {
  course: string;
  term: string;
}

// ---- plans ---------------------------------------------------------------------------------

const createRepoCalls = (org: string, name: string, deployTeam: string): PlannedCall[] => [
  { method: 'POST', path: `/orgs/${org}/repos`, does: `create private repository ${name} (adopt it if it exists and holds only what this action adds)` },
  { method: 'PUT', path: `/orgs/${org}/teams/${teamSlug(deployTeam)}/repos/${org}/${name}`, does: `give deploy team ${deployTeam} its access to ${name}` },
];
const fileCall = (org: string, name: string, file: { path: string; message: string }): PlannedCall => ({
  method: 'PUT',
  path: `/repos/${org}/${name}/contents/${file.path}`,
  does: `commit ${file.path} ("${file.message}"), unless identical content is there`,
});
const hookCall = (org: string, name: string, which: string): PlannedCall => ({
  method: 'POST',
  path: `/repos/${org}/${name}/hooks`,
  does: `add the ${which} gitreload web hook (already there counts as done)`,
});
const removeHooksCalls = (org: string, name: string): PlannedCall[] => [
  { method: 'GET', path: `/repos/${org}/${name}/hooks`, does: 'list web hooks' },
  { method: 'DELETE', path: `/repos/${org}/${name}/hooks/{id}`, does: 'delete each web hook, in parallel' },
];
const teamCalls = (org: string, team: string, members: readonly string[] | undefined, permission: string): PlannedCall[] => [
  { method: 'POST', path: `/orgs/${org}/teams`, does: `create team ${team} with ${permission} permission (already there counts as done)` },
  ...(members
    ? [
        { method: 'GET' as const, path: `/orgs/${org}/teams/${teamSlug(team)}/members`, does: 'list current members (at the same time)' },
        { method: 'GET' as const, path: '/user', does: 'learn the token\'s login, the only member of a team it creates (at the same time)' },
        { method: 'PUT' as const, path: `/orgs/${org}/teams/${teamSlug(team)}/memberships/{user}`, does: `add missing members of: ${members.join(', ') || '(none)'}` },
        { method: 'DELETE' as const, path: `/orgs/${org}/teams/${teamSlug(team)}/memberships/{user}`, does: 'remove everyone else' },
      ]
    : []),
];

export function planCreateExportRepo(s: ActionSettings, a: CourseTerm): PlannedCall[] {
  const name = repoName(s.ORC_COURSE_PREFIX, a.course, a.term);
  return [...createRepoCalls(s.ORC_STUDIO_ORG, name, s.ORC_STUDIO_DEPLOY_TEAM), fileCall(s.ORC_STUDIO_ORG, name, GITIGNORE), fileCall(s.ORC_STUDIO_ORG, name, initialCourseXml(a.course, a.term))];
}
export function planRerunStudio(s: ActionSettings, a: CourseTerm & { newTerm: string }): PlannedCall[] {
  const oldName = repoName(s.ORC_COURSE_PREFIX, a.course, a.term);
  const name = repoName(s.ORC_COURSE_PREFIX, a.course, a.newTerm);
  return [...removeHooksCalls(s.ORC_STUDIO_ORG, oldName), ...createRepoCalls(s.ORC_STUDIO_ORG, name, s.ORC_STUDIO_DEPLOY_TEAM), fileCall(s.ORC_STUDIO_ORG, name, GITIGNORE)];
}
export function planReleaseStudio(s: ActionSettings, a: CourseTerm): PlannedCall[] {
  return [hookCall(s.ORC_STUDIO_ORG, repoName(s.ORC_COURSE_PREFIX, a.course, a.term), 'production')];
}
export function planCreateXmlRepo(s: ActionSettings, a: CourseTerm & { team?: string; members?: readonly string[] }): PlannedCall[] {
  const org = s.ORC_XML_ORG;
  const name = repoName(s.ORC_COURSE_PREFIX, a.course, a.term);
  const team = a.team ?? name;
  return [
    ...createRepoCalls(org, name, s.ORC_XML_DEPLOY_TEAM),
    hookCall(org, name, 'staging'),
    ...teamCalls(org, team, a.members, 'push'),
    { method: 'PUT', path: `/orgs/${org}/teams/${teamSlug(team)}/repos/${org}/${name}`, does: `give team ${team} its access to ${name}` },
  ];
}
export function planRerunXml(s: ActionSettings, a: CourseTerm): PlannedCall[] {
  return removeHooksCalls(s.ORC_XML_ORG, repoName(s.ORC_COURSE_PREFIX, a.course, a.term));
}
export function planReleaseXml(s: ActionSettings, a: CourseTerm): PlannedCall[] {
  return [hookCall(s.ORC_XML_ORG, repoName(s.ORC_COURSE_PREFIX, a.course, a.term), 'production')];
}
export function planPutTeam(a: { org: string; team: string; readOnly: boolean; members?: readonly string[] }): PlannedCall[] {
  return teamCalls(a.org, a.team, a.members, a.readOnly ? 'pull' : 'push');
}

// ---- actions -------------------------------------------------------------------------------

/** Export repo files go one after another: parallel commits to one branch race on GitHub (409). */
async function addFilesInOrder(gh: GithubClient, owner: string, repo: string, files: readonly { path: string; content: string; message: string }[]) {
  for (const file of files) await gh.addFile({ owner, repo, ...file });
}

async function exportRepo(gh: GithubClient, s: ActionSettings, a: CourseTerm & { description?: string }, files: readonly { path: string; content: string; message: string }[]) {
  const org = s.ORC_STUDIO_ORG;
  const repo = await gh.ensureRepo({ org, name: repoName(s.ORC_COURSE_PREFIX, a.course, a.term), description: a.description, ownPaths: files.map((f) => f.path) });
  await Promise.all([
    gh.grantTeamRepo({ org, team: s.ORC_STUDIO_DEPLOY_TEAM, owner: org, repo: repo.name }),
    addFilesInOrder(gh, org, repo.name, files),
  ]);
  return repo;
}

export async function createExportRepo(gh: GithubClient, s: ActionSettings, a: CourseTerm & { description?: string }): Promise<ActionResult> {
  const repo = await exportRepo(gh, s, a, [GITIGNORE, initialCourseXml(a.course, a.term)]);
  return { message: repoLine(repo, 'exports', 'its deploy team and files are'), repo: repoSummary(repo) };
}

/**
 * Removes the old run's hooks and creates the new export repo (with only .gitignore, as the
 * 2015 tool). The new repo is created once the old one is known to exist, so a mistyped course
 * does not leave a stray repository behind.
 */
export async function rerunStudio(gh: GithubClient, s: ActionSettings, a: CourseTerm & { newTerm: string; description?: string }): Promise<ActionResult> {
  const org = s.ORC_STUDIO_ORG;
  const oldName = repoName(s.ORC_COURSE_PREFIX, a.course, a.term);
  const hooks = await gh.listHooks(org, oldName);
  const [hooksRemoved, repo] = await Promise.all([gh.deleteHooks(org, oldName, hooks), exportRepo(gh, s, { ...a, term: a.newTerm }, [GITIGNORE])]);
  return {
    message: `Web hooks removed from old repository and ${lowerFirst(repoLine(repo, 'exports', 'its deploy team and .gitignore are'))}`,
    repo: repoSummary(repo),
    hooksRemoved,
  };
}

async function releaseHook(gh: GithubClient, s: ActionSettings, org: string, a: CourseTerm, action: string): Promise<ActionResult> {
  const url = required(s.ORC_PRODUCTION_GITRELOAD, 'ORC_PRODUCTION_GITRELOAD', action);
  const { created } = await gh.ensureHook(org, repoName(s.ORC_COURSE_PREFIX, a.course, a.term), url, s.ORC_GITRELOAD_SECRET);
  return { message: 'Added production Web hooks to course', hookCreated: created };
}

export const releaseStudio = (gh: GithubClient, s: ActionSettings, a: CourseTerm) => releaseHook(gh, s, s.ORC_STUDIO_ORG, a, 'release_studio');
export const releaseXml = (gh: GithubClient, s: ActionSettings, a: CourseTerm) => releaseHook(gh, s, s.ORC_XML_ORG, a, 'release_xml');

/**
 * Repo (with deploy team and staging hook) and course team (created if missing, membership
 * replaced when members are given) proceed side by side. The course team is given the repo as
 * soon as the repo exists, by its expected slug; only if that misses (the team is not there
 * yet, or has another slug) does it wait for the team and try again.
 */
export async function createXmlRepo(
  gh: GithubClient,
  s: ActionSettings,
  a: CourseTerm & { team?: string; members?: readonly string[]; description?: string },
): Promise<ActionResult> {
  const hookUrl = required(s.ORC_STAGING_GITRELOAD, 'ORC_STAGING_GITRELOAD', 'create_xml_repo');
  const org = s.ORC_XML_ORG;
  const name = repoName(s.ORC_COURSE_PREFIX, a.course, a.term);
  const teamName = a.team ?? name;
  const repoP = gh.ensureRepo({ org, name, description: a.description });
  const teamP = gh.ensureTeam({ org, name: teamName, permission: 'push', members: a.members });
  const grantCourseTeam = () =>
    gh.grantTeamRepo({ org, team: teamName, owner: org, repo: name }).catch(async (err: unknown) => {
      if (!(err instanceof TeamNotFound)) throw err;
      const team = await teamP;
      await gh.grantTeamRepo({ org, team: team.name, slug: team.slug, owner: org, repo: name });
    });
  // Settle everything before failing, so no request is left running behind a thrown error.
  const grantsP = repoP.then(() =>
    Promise.all([gh.grantTeamRepo({ org, team: s.ORC_XML_DEPLOY_TEAM, owner: org, repo: name }), gh.ensureHook(org, name, hookUrl, s.ORC_GITRELOAD_SECRET), grantCourseTeam()]),
  );
  const failed = (await Promise.allSettled([repoP, teamP, grantsP])).find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  const [repo, team] = await Promise.all([repoP, teamP]);
  return { message: repoLine(repo, 'XML course', 'its teams and staging hook are'), repo: repoSummary(repo), team };
}

export async function rerunXml(gh: GithubClient, s: ActionSettings, a: CourseTerm): Promise<ActionResult> {
  const hooksRemoved = await gh.removeAllHooks(s.ORC_XML_ORG, repoName(s.ORC_COURSE_PREFIX, a.course, a.term));
  return { message: `Successfully removed ${hooksRemoved} hooks from course's repository.`, hooksRemoved };
}

export async function putTeam(gh: GithubClient, a: { org: string; team: string; readOnly: boolean; members?: readonly string[] }): Promise<ActionResult> {
  const team = await gh.ensureTeam({ org: a.org, name: a.team, permission: a.readOnly ? 'pull' : 'push', members: a.members });
  return { message: 'Team successfully modified/created.', team };
}
