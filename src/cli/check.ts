import { InvalidArgumentError, type Command } from 'commander';
import { TERM_PATTERN } from '../courses/naming';
import type { GithubActionDeps } from './github-actions';

/**
 * `orcoursetrion check --repo ORG/NAME [--branch B] [--term T] [--json]`: the publish quality
 * check on demand, with GitHub settings only. Exit 0 with no blocking problem (warnings are
 * printed), 1 with one or on failure, 2 on usage errors. Registration only; the work is in
 * `check-run`, loaded when the command runs.
 */

const repoArg = (value: string) => {
  const m = /^([A-Za-z0-9][A-Za-z0-9-]*)\/([A-Za-z0-9._-]+)$/.exec(value);
  if (!m) throw new InvalidArgumentError(`"${value}" is not ORG/NAME, e.g. mitx/content-mit-801r-2026_Fall`);
  return { owner: m[1]!, name: m[2]! };
};
const termArg = (value: string) => {
  if (!TERM_PATTERN.test(value)) throw new InvalidArgumentError(`"${value}" is not a term: use YEAR_SEASON, e.g. 2027_Spring`);
  return value;
};

export function registerCheckCommand(program: Command, deps: GithubActionDeps = {}): void {
  const cmd = program
    .command('check')
    .description('check a course repository as the publish flow does (the whole OLX tree, policies, dates, assets)')
    .requiredOption('--repo <org/name>', 'the course repository, e.g. mitx/content-mit-801r-2026_Fall', repoArg)
    .option('--branch <branch>', "the branch to check (default: the repository's default branch)")
    .option('--term <term>', 'check dates against this term (default: the term the repository name ends with)', termArg)
    .option('--json', 'print the problems as JSON');
  cmd.action(async () => {
    const { runCheck } = await import('./check-run');
    process.exitCode = await runCheck(cmd.optsWithGlobals(), deps);
  });
}
