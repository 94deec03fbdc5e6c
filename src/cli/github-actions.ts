import { InvalidArgumentError, type Command } from 'commander';
import { z } from 'zod';
import { ConfigError, parseConfig, parseGithubConfig, type GithubConfig } from '../config';
import { COURSE_KEY_PART } from '../courses/naming';
import { isTransient } from '../errors';
import { createLogger, createScrubber } from '../log';
import { createGithubClient, type GithubClient } from '../integrations/github/client';
import * as actions from '../integrations/github/course-actions';
import type { ActionResult, PlannedCall } from '../integrations/github/course-actions';
import { sandboxBeside } from './context';
import { nodeFiles } from '../node-files';

/**
 * The 2015 tool's seven actions: same names, flags, environment variables and first output
 * line. Added: --dry-run (the plan, no request), --json, one-line errors (stack with --verbose).
 * Only GitHub settings are read. Tokens and hook credentials never reach the output.
 */

export interface GithubActionDeps {
  env?: Record<string, string | undefined>;
  fetch?: typeof fetch;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
}

const part = (what: string) => (value: string) => {
  if (!COURSE_KEY_PART.test(value)) throw new InvalidArgumentError(`${what} "${value}" may only use letters, digits and _ . ~ -`);
  return value;
};

/** `-m` with no names means "no members" (replace the membership with nobody), as argparse's nargs='*'. */
const members = z.union([z.literal(true).transform(() => []), z.array(z.string().min(1))]).optional();

const common = z.object({ dryRun: z.boolean().optional(), json: z.boolean().optional(), verbose: z.boolean().optional() });
const courseTerm = common.extend({ course: z.string(), term: z.string() });

interface ActionDefinition<S extends typeof common> {
  name: string;
  help: string;
  /** Parses commander's option values (the edge between the command line and the actions). */
  schema: S;
  options: (cmd: Command) => Command;
  plan(settings: GithubConfig, args: z.infer<S>): PlannedCall[];
  run(gh: GithubClient, settings: GithubConfig, args: z.infer<S>): Promise<ActionResult>;
}

const withCourseTerm = (cmd: Command) =>
  cmd
    .requiredOption('-c, --course <course>', 'Course to work on (i.e. 6.0001)', part('course'))
    .requiredOption('-t, --term <term>', 'Term of the course (i.e. Spring_2015)', part('term'));
const description = (cmd: Command) => cmd.option('-d, --description <description>', 'Description string to set for repository');
const member = (help: string) => (cmd: Command) => cmd.option('-m, --member [usernames...]', help);

/** Each action becomes a registrar, so the seven can live in one list despite their different options. */
const define =
  <S extends typeof common>(d: ActionDefinition<S>) =>
  (program: Command, deps: GithubActionDeps) =>
    register(program, d, deps);

const ACTIONS = [
  define({
    name: 'create_export_repo',
    schema: courseTerm.extend({ description: z.string().optional() }),
    help: 'Create a Studio export git repository',
    options: (cmd) => description(withCourseTerm(cmd)),
    plan: (s, a) => actions.planCreateExportRepo(s, a),
    run: (gh, s, a) => actions.createExportRepo(gh, s, a),
  }),
  define({
    name: 'rerun_studio',
    schema: courseTerm.extend({ newTerm: z.string() }),
    help: 'Rerun a Studio course',
    options: (cmd) => withCourseTerm(cmd).requiredOption('-n, --new-term <term>', 'Term of the course (i.e. Spring_2015)', part('new term')),
    plan: (s, a) => actions.planRerunStudio(s, a),
    run: (gh, s, a) => actions.rerunStudio(gh, s, a),
  }),
  define({
    name: 'release_studio',
    schema: courseTerm,
    help: 'Release a Studio course (currently just add Web hooks)',
    options: withCourseTerm,
    plan: (s, a) => actions.planReleaseStudio(s, a),
    run: (gh, s, a) => actions.releaseStudio(gh, s, a),
  }),
  define({
    name: 'create_xml_repo',
    schema: courseTerm.extend({ team: z.string().optional(), member: members, description: z.string().optional() }),
    help: 'Create an XML/latex2edx git repository',
    options: (cmd) =>
      description(
        member('One or more usernames to replace/add to team membership.')(
          withCourseTerm(cmd).option('-g, --team <team>', 'Name of team in organization that should have access, creates new team with the same name as the repository if empty.'),
        ),
      ),
    plan: (s, a) => actions.planCreateXmlRepo(s, { ...a, members: a.member }),
    run: (gh, s, a) => actions.createXmlRepo(gh, s, { ...a, members: a.member }),
  }),
  define({
    name: 'rerun_xml',
    schema: courseTerm,
    help: 'Rerun an XML course (currently just deletes Web hooks)',
    options: withCourseTerm,
    plan: (s, a) => actions.planRerunXml(s, a),
    run: (gh, s, a) => actions.rerunXml(gh, s, a),
  }),
  define({
    name: 'release_xml',
    schema: courseTerm,
    help: 'Release an XML course (currently just adds Web hooks)',
    options: withCourseTerm,
    plan: (s, a) => actions.planReleaseXml(s, a),
    run: (gh, s, a) => actions.releaseXml(gh, s, a),
  }),
  define({
    name: 'put_team',
    schema: common.extend({ org: z.string(), team: z.string(), read_only: z.boolean().optional(), member: members }),
    help: 'Create or modify a team in an organization',
    options: (cmd) =>
      member('One or more usernames to replace the membership of the team')(
        cmd
          .requiredOption('-o, --org <org>', 'Organization for the team')
          .requiredOption('-g, --team <team>', 'Name of team in organization that should have access')
          .option('-r, --read_only', 'Team should only have pull access to repositories'),
      ),
    plan: (_s, a) => actions.planPutTeam({ ...a, readOnly: Boolean(a.read_only), members: a.member }),
    run: (gh, _s, a) => actions.putTeam(gh, { ...a, readOnly: Boolean(a.read_only), members: a.member }),
  }),
];

/** Every credential the GitHub settings may hold, for the scrubber. */
export const githubSecrets = (env: Partial<Record<'ORC_GH_OAUTH2_TOKEN' | 'ORC_GH_APP_PRIVATE_KEY' | 'ORC_STAGING_GITRELOAD' | 'ORC_PRODUCTION_GITRELOAD' | 'ORC_GITRELOAD_SECRET', string | undefined>>) =>
  [env.ORC_GH_OAUTH2_TOKEN, env.ORC_GH_APP_PRIVATE_KEY, env.ORC_STAGING_GITRELOAD, env.ORC_PRODUCTION_GITRELOAD, env.ORC_GITRELOAD_SECRET].filter((v): v is string => Boolean(v));


/** The settings that point a GitHub client at the sandbox's simulated GitHub. */
const SANDBOX_GITHUB = ['ORC_GH_API_URL', 'ORC_GH_OAUTH2_TOKEN', 'ORC_STAGING_GITRELOAD', 'ORC_PRODUCTION_GITRELOAD', 'ORC_GITRELOAD_SECRET'];

/**
 * With no GitHub credentials (sandbox mode), the actions work on the GitHub of the sandbox
 * running on the configured database (`npm start`), as the service's own commands do; with none
 * running, the settings are left as they are (and the missing token is reported).
 */
async function githubEnv(env: Record<string, string | undefined>, say: (text: string) => void): Promise<Record<string, string | undefined>> {
  if (env.ORC_GH_OAUTH2_TOKEN || env.ORC_GH_APP_ID) return env;
  let database: string;
  try {
    database = parseConfig(env, nodeFiles).ORC_DATABASE;
  } catch {
    return env;
  }
  const running = await sandboxBeside(database);
  if (!running) return env;
  say(`sandbox mode: working on the GitHub of the sandbox running at ${running.service}; nothing real is changed\n`);
  return { ...env, ...Object.fromEntries(SANDBOX_GITHUB.map((k) => [k, running.env[k]])) };
}

export function oneLine(err: unknown): string {
  if (err instanceof ConfigError) return `configuration: ${err.problems.join('; ')}`;
  return (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ');
}

function register<S extends typeof common>(program: Command, def: ActionDefinition<S>, deps: GithubActionDeps) {
  const out = deps.stdout ?? ((t: string) => process.stdout.write(t));
  const err = deps.stderr ?? ((t: string) => process.stderr.write(t));
  const cmd = def
    .options(program.command(def.name).description(def.help))
    .option('--dry-run', 'print the GitHub API operations this would make, and change nothing')
    .option('--json', 'print the result as JSON');
  cmd.action(async () => {
    const args = def.schema.parse(cmd.optsWithGlobals());
    const env = deps.env ?? process.env;
    // Scrub every credential we could know of, even before the configuration is valid.
    const scrub = createScrubber(githubSecrets(env));
    const print = (text: string) => out(scrub(text) + '\n');
    try {
      const settings = parseGithubConfig(await githubEnv(env, err));
      if (args.dryRun) {
        const plan = def.plan(settings, args);
        if (args.json) print(JSON.stringify({ action: def.name, ok: true, dryRun: true, plan }));
        else {
          print(`Dry run of ${def.name}: these GitHub API operations would be made; nothing was changed.`);
          for (const call of plan) print(`  ${call.method.padEnd(6)} ${call.path}  ${call.does}`);
        }
      } else {
        const log = createLogger({ level: 'warn', write: (line) => err(line + '\n'), secrets: githubSecrets(settings) });
        const gh = await createGithubClient({ config: settings, log, fetch: deps.fetch });
        const result = await def.run(gh, settings, args);
        print(args.json ? JSON.stringify({ action: def.name, ok: true, ...result }) : result.message);
      }
      process.exitCode = 0;
    } catch (e) {
      if (args.json) print(JSON.stringify({ action: def.name, ok: false, error: { type: e instanceof Error ? e.name : 'Error', message: oneLine(e), transient: isTransient(e) } }));
      err(scrub(`orcoursetrion ${def.name}: ${oneLine(e)}`) + '\n');
      if (args.verbose && e instanceof Error && e.stack) err(scrub(e.stack) + '\n');
      process.exitCode = 1;
    }
  });
}

export function registerGithubActions(program: Command, deps: GithubActionDeps = {}): void {
  for (const registerAction of ACTIONS) registerAction(program, deps);
}
