import { z } from 'zod';
import { parseGithubConfig } from '../config';
import { createGithubClient } from '../integrations/github/client';
import { createLogger } from '../log';
import type { OlxProblem } from '../olx/problem';
import { checkCourseRepo } from '../requests/quality-check';
import { envScrubber, oneLineError } from './context';
import { githubSecrets } from './github-action-run';
import type { GithubActionDeps } from './github-actions';

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

/** What `check` does once its options are parsed (see `registerCheckCommand`); returns the exit code. */
export async function runCheck(options: unknown, deps: GithubActionDeps): Promise<number> {
  const out = deps.stdout ?? ((t: string) => process.stdout.write(t));
  const err = deps.stderr ?? ((t: string) => process.stderr.write(t));
  const env = deps.env ?? process.env;
  const scrub = envScrubber(env);
  const args = optionsSchema.parse(options);
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
    return blocking ? 1 : 0;
  } catch (e) {
    if (args.json) out(scrub(JSON.stringify({ ok: false, error: { type: e instanceof Error ? e.name : 'Error', message: oneLineError(e) } })) + '\n');
    err(scrub(`orcoursetrion check: ${oneLineError(e)}`) + '\n');
    if (args.verbose && e instanceof Error && e.stack) err(scrub(e.stack) + '\n');
    return 1;
  }
}
