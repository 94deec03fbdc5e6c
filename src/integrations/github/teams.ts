import type { GithubContext } from './context';
import { fullName } from './context';
import { TeamNotFound, UserNotFound, isAlreadyExists, isStatus, toCreationError, toGithubError } from './errors';

export type TeamPermission = 'pull' | 'push';

export interface TeamInfo {
  org: string;
  name: string;
  slug: string;
  created: boolean;
  /** Membership changes made (empty when members were not given or already matched). */
  added: string[];
  removed: string[];
}

export interface EnsureTeamInput {
  org: string;
  name: string;
  /** Used only when the team is created, as the 2015 tool did. */
  permission: TeamPermission;
  /** The exact membership wanted; undefined leaves membership alone. */
  members?: readonly string[];
}

/**
 * GitHub's slug for a team name (lower case, runs of other characters become `-`). A name whose
 * slug we guess wrong is still found: creating it answers "already exists" and we list teams.
 */
export function teamSlug(name: string): string {
  return name.trim().toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
}

const sameLogin = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function teamOperations(ctx: GithubContext) {
  const { octokit } = ctx;

  async function findTeam(org: string, name: string): Promise<{ name: string; slug: string } | undefined> {
    try {
      const { data } = await octokit.request('GET /orgs/{org}/teams/{team_slug}', { org, team_slug: teamSlug(name) });
      return { name: data.name, slug: data.slug };
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw toGithubError(err, `read team ${name} in ${org}`);
    }
  }

  /** By name, case-insensitive, as the 2015 tool matched; only when the slug guess missed. */
  async function findTeamByListing(org: string, name: string) {
    const teams = await octokit.paginate('GET /orgs/{org}/teams', { org, per_page: 100 }).catch((err: unknown) => {
      throw toGithubError(err, `list teams of ${org}`);
    });
    const found = teams.find((t) => t.name.trim().toLowerCase() === name.trim().toLowerCase());
    return found && { name: found.name, slug: found.slug };
  }

  async function listMembers(org: string, slug: string): Promise<string[] | undefined> {
    try {
      const members = await octokit.paginate('GET /orgs/{org}/teams/{team_slug}/members', { org, team_slug: slug, per_page: 100 });
      return members.map((m) => m.login);
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw toGithubError(err, `list members of team ${slug} in ${org}`);
    }
  }

  /**
   * Creates the team; `undefined` when a team of that name already exists (GitHub's 422). Name
   * and permission only, as the 2015 tool sent (mitodl/orcoursetrion orcoursetrion/lib/github.py
   * create_team): GitHub then makes the team secret, the default `privacy` of a non-nested team.
   */
  async function createTeam(input: EnsureTeamInput) {
    try {
      const { data } = await octokit.request('POST /orgs/{org}/teams', { org: input.org, name: input.name, permission: input.permission });
      return { name: data.name, slug: data.slug };
    } catch (err) {
      if (isAlreadyExists(err)) return undefined;
      throw toCreationError(err, input.org, 'teams', `create team ${input.name} in ${input.org}`);
    }
  }

  /** The token's own login (memoised); undefined for a GitHub App, which has none. */
  let me: Promise<string | undefined> | undefined;
  const authenticatedLogin = () =>
    (me ??= octokit.request('GET /user').then(
      ({ data }) => data.login,
      (err: unknown) => {
        if (isStatus(err, 403) || isStatus(err, 404)) return undefined;
        me = undefined;
        throw toGithubError(err, 'read the authenticated user');
      },
    ));

  async function setMembership(org: string, slug: string, wanted: readonly string[], current: readonly string[]) {
    const added = wanted.filter((w) => !current.some((c) => sameLogin(c, w)));
    const removed = current.filter((c) => !wanted.some((w) => sameLogin(c, w)));
    const missing: string[] = [];
    await Promise.all([
      ...added.map((username) =>
        octokit.request('PUT /orgs/{org}/teams/{team_slug}/memberships/{username}', { org, team_slug: slug, username, role: 'member' }).catch((err: unknown) => {
          if (isStatus(err, 404)) missing.push(username);
          else throw toGithubError(err, `add ${username} to team ${slug} in ${org}`);
        }),
      ),
      ...removed.map((username) =>
        octokit.request('DELETE /orgs/{org}/teams/{team_slug}/memberships/{username}', { org, team_slug: slug, username }).catch((err: unknown) => {
          // Already gone: the goal is met.
          if (!isStatus(err, 404)) throw toGithubError(err, `remove ${username} from team ${slug} in ${org}`);
        }),
      ),
    ]);
    if (missing.length > 0) throw new UserNotFound(missing);
    return { added, removed };
  }

  /**
   * Creates the team if missing and, when members are given, makes its membership exactly
   * those members (adding the missing, removing the extra). Creating first, while reading the
   * members and the token's login in parallel, settles both cases in one round trip: a new
   * team's only member is the token's user (GitHub makes the creator its maintainer), and an
   * existing team's members were just read.
   */
  async function ensureTeam(input: EnsureTeamInput): Promise<TeamInfo> {
    const { org, members } = input;
    const guess = teamSlug(input.name);
    const [created, listed, login] = await Promise.all([
      createTeam(input),
      members ? listMembers(org, guess) : undefined,
      members ? authenticatedLogin() : undefined,
    ]);
    let team = created;
    let current = created ? (login ? [login] : []) : listed;
    if (!team && listed) team = { name: input.name, slug: guess };
    if (!team) {
      // The name exists under a slug we did not guess: find it as the 2015 tool did.
      team = (await findTeam(org, input.name)) ?? (await findTeamByListing(org, input.name));
      if (!team) throw new TeamNotFound(org, input.name);
      if (members) current = await listMembers(org, team.slug);
    }
    const result: TeamInfo = { org, name: team.name, slug: team.slug, created: Boolean(created), added: [], removed: [] };
    if (!members) return result;
    if (!current) throw new TeamNotFound(org, input.name);
    return { ...result, ...(await setMembership(org, team.slug, members, current)) };
  }

  /**
   * Gives a team access to a repository. Without a permission GitHub applies the team's own
   * permission, which is what the 2015 tool relied on; PUT is idempotent. `slug` when known
   * (from ensureTeam), else derived from the name.
   */
  async function grantTeamRepo(input: { org: string; team: string; slug?: string; owner: string; repo: string; permission?: TeamPermission }): Promise<void> {
    const { org, owner, repo } = input;
    try {
      await octokit.request('PUT /orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}', { org, team_slug: input.slug ?? teamSlug(input.team), owner, repo, permission: input.permission });
    } catch (err) {
      if (isStatus(err, 404)) throw new TeamNotFound(org, input.team);
      throw toGithubError(err, `give team ${input.team} access to ${fullName(owner, repo)}`);
    }
  }

  async function teamExists(org: string, name: string): Promise<boolean> {
    return Boolean((await findTeam(org, name)) ?? (await findTeamByListing(org, name)));
  }

  /**
   * The people of the team of that name, or undefined when there is no such team: what a
   * course's team holds when our records have no team for it (intake carries it forward). The
   * token's own user is left out: GitHub makes a team's creator its maintainer, and a team made
   * without members (put_team) keeps it, but it is nobody's course team.
   */
  async function teamMembers(org: string, name: string): Promise<{ name: string; slug: string; members: string[] } | undefined> {
    const [team, login] = await Promise.all([readTeam(org, name), authenticatedLogin()]);
    return team && { ...team, members: team.members.filter((m) => login === undefined || !sameLogin(m, login)) };
  }



  /** An existing team and its members' logins; undefined when there is no such team. */
  async function readTeam(org: string, name: string): Promise<{ name: string; slug: string; members: string[] } | undefined> {
    const team = (await findTeam(org, name)) ?? (await findTeamByListing(org, name));
    const members = team && (await listMembers(org, team.slug));
    return team && members && { ...team, members };
  }

  /**
   * A course team change: the membership becomes what it is plus `add`, minus `remove`, set the
   * way ensureTeam sets it (the 2015 put_team). Never creates the team: a change to a team that
   * does not exist is a mistake to show. Repeating it changes nothing more.
   */
  async function changeTeamMembers(input: { org: string; name: string; add: readonly string[]; remove: readonly string[] }): Promise<TeamInfo> {
    const { org } = input;
    const team = await readTeam(org, input.name);
    if (!team) throw new TeamNotFound(org, input.name);
    const kept = team.members.filter((m) => !input.remove.some((r) => sameLogin(m, r)));
    const wanted = [...kept, ...input.add.filter((a) => !kept.some((k) => sameLogin(k, a)))];
    return { org, name: team.name, slug: team.slug, created: false, ...(await setMembership(org, team.slug, wanted, team.members)) };
  }

  return { ensureTeam, grantTeamRepo, teamExists, teamMembers, readTeam, changeTeamMembers };
}
