import type { GithubContext } from './context';
import { isStatus, toGithubError } from './errors';

export function userOperations(ctx: GithubContext) {
  const { octokit } = ctx;

  /** Which of these logins GitHub does not know (for intake validation); checked in parallel. */
  async function missingUsers(logins: readonly string[]): Promise<string[]> {
    const unique = [...new Set(logins.map((l) => l.trim()).filter(Boolean))];
    const found = await Promise.all(
      unique.map((username) =>
        octokit.request('GET /users/{username}', { username }).then(
          () => true,
          (err: unknown) => {
            if (isStatus(err, 404)) return false;
            throw toGithubError(err, `look up GitHub user ${username}`);
          },
        ),
      ),
    );
    return unique.filter((_, i) => !found[i]);
  }

  async function usersExist(logins: readonly string[]): Promise<boolean> {
    return (await missingUsers(logins)).length === 0;
  }

  return { missingUsers, usersExist };
}
