import { InvalidArgumentError, type Command } from 'commander';
import { COURSE_KEY_PART } from '../courses/naming';

/**
 * The 2015 tool's seven actions: same names, flags, environment variables and first output
 * line. Added: --dry-run (the plan, no request), --json, one-line errors (stack with --verbose).
 * Only GitHub settings are read. Tokens and hook credentials never reach the output.
 * This module only registers them; `github-action-run` does the work, loaded when one runs.
 */

export interface GithubActionDeps {
  env?: Record<string, string | undefined>;
  fetch?: typeof fetch;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
}

export const GITHUB_ACTIONS = ['create_export_repo', 'rerun_studio', 'release_studio', 'create_xml_repo', 'rerun_xml', 'release_xml', 'put_team'] as const;
export type GithubActionName = (typeof GITHUB_ACTIONS)[number];

const part = (what: string) => (value: string) => {
  if (!COURSE_KEY_PART.test(value)) throw new InvalidArgumentError(`${what} "${value}" may only use letters, digits and _ . ~ -`);
  return value;
};

const withCourseTerm = (cmd: Command) =>
  cmd
    .requiredOption('-c, --course <course>', 'Course to work on (i.e. 6.0001)', part('course'))
    .requiredOption('-t, --term <term>', 'Term of the course (i.e. Spring_2015)', part('term'));
const description = (cmd: Command) => cmd.option('-d, --description <description>', 'Description string to set for repository');
/** `-m` with no names means "no members" (replace the membership with nobody), as argparse's nargs='*'. */
const member = (help: string) => (cmd: Command) => cmd.option('-m, --member [usernames...]', `${help} (separated by spaces or commas)`);

/** Each action's help and options, as the 2015 tool's argparse defined them. */
const ACTIONS: Record<GithubActionName, { help: string; options: (cmd: Command) => Command }> = {
  create_export_repo: { help: 'Create a Studio export git repository', options: (cmd) => description(withCourseTerm(cmd)) },
  rerun_studio: {
    help: 'Rerun a Studio course',
    options: (cmd) => withCourseTerm(cmd).requiredOption('-n, --new-term <term>', 'Term of the course (i.e. Spring_2015)', part('new term')),
  },
  release_studio: { help: 'Release a Studio course (currently just add Web hooks)', options: withCourseTerm },
  create_xml_repo: {
    help: 'Create an XML/latex2edx git repository',
    options: (cmd) =>
      description(
        member('One or more usernames to replace/add to team membership.')(
          withCourseTerm(cmd).option('-g, --team <team>', 'Name of team in organization that should have access, creates new team with the same name as the repository if empty.'),
        ),
      ),
  },
  rerun_xml: { help: 'Rerun an XML course (currently just deletes Web hooks)', options: withCourseTerm },
  release_xml: { help: 'Release an XML course (currently just adds Web hooks)', options: withCourseTerm },
  put_team: {
    help: 'Create or modify a team in an organization',
    options: (cmd) =>
      member('One or more usernames to replace the membership of the team')(
        cmd
          .requiredOption('-o, --org <org>', 'Organization for the team')
          .requiredOption('-g, --team <team>', 'Name of team in organization that should have access')
          .option('-r, --read_only', 'Team should only have pull access to repositories'),
      ),
  },
};

export function registerGithubActions(program: Command, deps: GithubActionDeps = {}): void {
  for (const name of GITHUB_ACTIONS) {
    const cmd = ACTIONS[name]
      .options(program.command(name).description(ACTIONS[name].help))
      .option('--dry-run', 'print the GitHub API operations this would make, and change nothing (no token needed)')
      .option('--json', 'print the result as JSON');
    cmd.action(async () => {
      const { runGithubAction } = await import('./github-action-run');
      process.exitCode = await runGithubAction(name, cmd.optsWithGlobals(), deps);
    });
  }
}
