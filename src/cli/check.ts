import { InvalidArgumentError, type Command } from 'commander';
import { z } from 'zod';
import { parseGithubConfig } from '../config';
import { createGithubClient } from '../integrations/github/client';
import { createLogger, createScrubber } from '../log';
import type { OlxProblem } from '../olx/problem';
import { TERM_PATTERN } from '../requests/draft';
import { checkCourseRepo } from '../requests/quality-check';
import { githubSecrets, oneLine, type GithubActionDeps } from './github-actions';

/**
 * `orcoursetrion check --repo ORG/NAME [--branch B] [--term T] [--json]`: the publish quality
 * check on demand, with GitHub settings only. Exit 0 with no blocking problem (warnings are
 * printed), 1 with one or on failure, 2 on usage errors.
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

const optionsSchema = z.object({
  repo: z.object({ owner: z.string(), name: z.string() }),
  branch: z.string().min(1).optional(),
  term: z.string().optional(),
  json: z.boolean().optional(),
  verbose: z.boolean().optional(),
});

/** Our repository names end with the term (content-mit-801r-2026_Fall): the dates are checked against it. */
const termOfRepo = (name: string) => /(\d{4}_(?:Spring|Summer|Fall|IAP|Winter))$/.exec(name)?.[1];

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function report(problems: OlxProblem[], where: string): string[] {
  const blocking = problems.filter((p) => p.severity === 'blocking').length;
  const lines = problems.flatMap((p) => [`${p.severity === 'blocking' ? 'BLOCKING' : 'warning '} ${p.file}${p.line === undefined ? '' : `:${p.line}`}: ${p.message}`, `         fix: ${p.fix}`]);
  const verdict = blocking > 0 ? 'cannot be published as it is' : 'can be published';
  lines.push(`${where}: ${plural(blocking, 'blocking problem')}, ${plural(problems.length - blocking, 'warning')}; the course ${verdict}`);
  return lines;
}

export function registerCheckCommand(program: Command, deps: GithubActionDeps = {}): void {
  const cmd = program
    .command('check')
    .description('check a course repository as the publish flow does (the whole OLX tree, policies, dates, assets)')
    .requiredOption('--repo <org/name>', 'the course repository, e.g. mitx/content-mit-801r-2026_Fall', repoArg)
    .option('--branch <branch>', "the branch to check (default: the repository's default branch)")
    .option('--term <term>', 'check dates against this term (default: the term the repository name ends with)', termArg)
    .option('--json', 'print the problems as JSON');
  cmd.action(async () => {
    const out = deps.stdout ?? ((t: string) => process.stdout.write(t));
    const err = deps.stderr ?? ((t: string) => process.stderr.write(t));
    const env = deps.env ?? process.env;
    const scrub = createScrubber(githubSecrets(env));
    const args = optionsSchema.parse(cmd.optsWithGlobals());
    try {
      const settings = parseGithubConfig(env);
      const log = createLogger({ level: 'warn', write: (line) => err(scrub(line) + '\n'), secrets: githubSecrets(settings) });
      const gh = await createGithubClient({ config: settings, log, fetch: deps.fetch });
      const branch = args.branch ?? (await gh.getRepo(args.repo.owner, args.repo.name)).defaultBranch;
      const term = args.term ?? termOfRepo(args.repo.name);
      const problems = await checkCourseRepo(gh, { ...args.repo, branch, term });
      const blocking = problems.some((p) => p.severity === 'blocking');
      const where = `${args.repo.owner}/${args.repo.name}@${branch}`;
      if (args.json) out(scrub(JSON.stringify({ repo: `${args.repo.owner}/${args.repo.name}`, branch, term: term ?? null, blocking, problems })) + '\n');
      else out(scrub(report(problems, where).join('\n')) + '\n');
      process.exitCode = blocking ? 1 : 0;
    } catch (e) {
      if (args.json) out(scrub(JSON.stringify({ ok: false, error: { type: e instanceof Error ? e.name : 'Error', message: oneLine(e) } })) + '\n');
      err(scrub(`orcoursetrion check: ${oneLine(e)}`) + '\n');
      if (args.verbose && e instanceof Error && e.stack) err(scrub(e.stack) + '\n');
      process.exitCode = 1;
    }
  });
}
