import { z } from 'zod';
import { ConfigError, parseConfig, parseGithubConfig, type GithubConfig } from '../config';
import { isTransient } from '../errors';
import { createLogger } from '../log';
import type { GithubClient } from '../integrations/github/client';
import * as actions from '../integrations/github/course-actions';
import { MissingSetting, type ActionResult, type PlannedCall } from '../integrations/github/course-actions';
import { splitMembers } from '../requests/members';
import { nodeFiles } from '../node-files';
import { envScrubber, oneLineError } from './scrub';
import type { GithubActionDeps, GithubActionName } from './github-actions';

/** `-m` alone means "no members" (replace the membership with nobody), as argparse's nargs='*'. */
const members = z.union([z.literal(true).transform(() => []), z.array(z.string()).transform(splitMembers)]).optional();

const common = z.object({ dryRun: z.boolean().optional(), json: z.boolean().optional(), verbose: z.boolean().optional() });
const courseTerm = common.extend({ course: z.string(), term: z.string() });

interface ActionWork<S extends typeof common> {
  /** Parses commander's option values (the edge between the command line and the actions). */
  schema: S;
  /** Settings the real run stops on when unset (besides the token), so a dry run can say so. */
  needs?: readonly ('ORC_STAGING_GITRELOAD' | 'ORC_PRODUCTION_GITRELOAD')[];
  plan(settings: GithubConfig, args: z.infer<S>): PlannedCall[];
  run(gh: GithubClient, settings: GithubConfig, args: z.infer<S>): Promise<ActionResult>;
}

/** Ties each action's schema to its plan and run, so the three agree on the arguments' type. */
const work = <S extends typeof common>(w: ActionWork<S>) => w as unknown as ActionWork<typeof common>;

const WORK: Record<GithubActionName, ActionWork<typeof common>> = {
  create_export_repo: work({
    schema: courseTerm.extend({ description: z.string().optional() }),
    plan: actions.planCreateExportRepo,
    run: actions.createExportRepo,
  }),
  rerun_studio: work({
    schema: courseTerm.extend({ newTerm: z.string() }),
    plan: actions.planRerunStudio,
    run: actions.rerunStudio,
  }),
  release_studio: work({
    schema: courseTerm,
    needs: ['ORC_PRODUCTION_GITRELOAD'],
    plan: actions.planReleaseStudio,
    run: actions.releaseStudio,
  }),
  create_xml_repo: work({
    schema: courseTerm.extend({ team: z.string().optional(), member: members, description: z.string().optional() }),
    needs: ['ORC_STAGING_GITRELOAD'],
    plan: (s, a) => actions.planCreateXmlRepo(s, { ...a, members: a.member }),
    run: (gh, s, a) => actions.createXmlRepo(gh, s, { ...a, members: a.member }),
  }),
  rerun_xml: work({
    schema: courseTerm,
    plan: actions.planRerunXml,
    run: actions.rerunXml,
  }),
  release_xml: work({
    schema: courseTerm,
    needs: ['ORC_PRODUCTION_GITRELOAD'],
    plan: actions.planReleaseXml,
    run: actions.releaseXml,
  }),
  put_team: work({
    schema: common.extend({ org: z.string(), team: z.string(), read_only: z.boolean().optional(), member: members }),
    plan: (_s, a) => actions.planPutTeam({ ...a, readOnly: Boolean(a.read_only), members: a.member }),
    run: (gh, _s, a) => actions.putTeam(gh, { ...a, readOnly: Boolean(a.read_only), members: a.member }),
  }),
};

/**
 * What the real run would stop on that a dry run does not need: the token (the dry run makes no
 * request) and the hook URL settings the action posts. Same messages as the real run's.
 */
function wouldStopOn(name: GithubActionName, env: Record<string, string | undefined>, settings: GithubConfig): string[] {
  const stops: string[] = [];
  try {
    parseGithubConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    stops.push(...err.problems);
  }
  for (const key of WORK[name].needs ?? []) if (!settings[key]) stops.push(new MissingSetting(key, name).message);
  return stops;
}

/** Every credential the GitHub settings may hold, for the logger. */
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
    database = parseConfig(env, nodeFiles, { sidebar: false, github: false, edx: false }).ORC_DATABASE;
  } catch {
    return env;
  }
  // Only here, without credentials: looking for a sandbox opens SQLite, which a run with a token never loads.
  const { sandboxBeside } = await import('./context');
  const running = await sandboxBeside(database);
  if (!running) return env;
  say(`sandbox mode: working on the GitHub of the sandbox running at ${running.service}; nothing real is changed\n`);
  return { ...env, ...Object.fromEntries(SANDBOX_GITHUB.map((k) => [k, running.env[k]])) };
}

/** Runs one action with commander's option values; returns the exit code (0 done, 1 failed). */
export async function runGithubAction(name: GithubActionName, options: unknown, deps: GithubActionDeps): Promise<number> {
  // A one-shot process parses each schema about once: zod's compiling an object schema to a
  // function before its first parse costs more than it saves (measured: ~2x the first parse).
  z.config({ jitless: true });
  const def = WORK[name];
  const out = deps.stdout ?? ((t: string) => process.stdout.write(t));
  const err = deps.stderr ?? ((t: string) => process.stderr.write(t));
  const args = def.schema.parse(options);
  const given = deps.env ?? process.env;
  // Scrub every credential we could know of, even before the configuration is valid.
  const scrub = envScrubber(given);
  const print = (text: string) => out(scrub(text) + '\n');
  try {
    const env = await githubEnv(given, err);
    if (args.dryRun) {
      const settings = parseGithubConfig(env, { requireAuth: false });
      const plan = def.plan(settings, args);
      const stops = wouldStopOn(name, env, settings);
      if (args.json) print(JSON.stringify({ action: name, ok: true, dryRun: true, plan, wouldStopOn: stops }));
      else {
        print(`Dry run of ${name}: these GitHub API operations would be made; nothing was changed.`);
        for (const call of plan) print(`  ${call.method.padEnd(6)} ${call.path}  ${call.does}`);
        for (const stop of stops) print(`The real run would stop on: ${stop}`);
      }
    } else {
      const settings = parseGithubConfig(env);
      const log = createLogger({ level: 'warn', write: (line) => err(line + '\n'), secrets: githubSecrets(settings) });
      // Octokit and the transport only for a real run: a dry run makes no request.
      const [{ createGithubClient }, { createNodeFetch }] = await Promise.all([import('../integrations/github/client'), import('../node-fetch')]);
      // node:http, not Node's fetch (undici), whose first request costs more CPU than the action (see node-fetch.ts).
      const transport = deps.fetch ? undefined : createNodeFetch();
      try {
        const gh = await createGithubClient({ config: settings, log, fetch: deps.fetch ?? transport?.fetch });
        const result = await def.run(gh, settings, args);
        print(args.json ? JSON.stringify({ action: name, ok: true, ...result }) : result.message);
      } finally {
        transport?.close();
      }
    }
    return 0;
  } catch (e) {
    if (args.json) print(JSON.stringify({ action: name, ok: false, error: { type: e instanceof Error ? e.name : 'Error', message: oneLineError(e), transient: isTransient(e) } }));
    err(scrub(`orcoursetrion ${name}: ${oneLineError(e)}`) + '\n');
    if (args.verbose && e instanceof Error && e.stack) err(scrub(e.stack) + '\n');
    return 1;
  }
}
