import { ConfigError } from '../config-error';
import { parseGithubConfig, type GithubConfig } from '../github-config';
import { isTransient } from '../errors';
import { createLogger } from '../log';
import type { GithubClient } from '../integrations/github/client';
import * as actions from '../integrations/github/course-actions';
import { MissingSetting, type ActionResult, type PlannedCall } from '../integrations/github/course-actions';
import { splitMembers } from '../requests/members';
import { envScrubber, oneLineError } from './scrub';
import type { GithubActionDeps, GithubActionName } from './github-actions';

/**
 * commander's option values, read by name with their types checked. commander has already
 * enforced the required options and run the course/term parsers (github-actions.ts); checked
 * by hand, not with zod, whose loading cost a one-request action more CPU than its own work.
 */
class Options {
  constructor(private readonly values: Record<string, unknown>) {}
  #wrong(name: string, expected: string): never {
    throw new TypeError(`option ${name}: expected ${expected}, got ${JSON.stringify(this.values[name])}`);
  }
  text(name: string): string | undefined {
    const v = this.values[name];
    return v === undefined || typeof v === 'string' ? v : this.#wrong(name, 'a value');
  }
  required(name: string): string {
    return this.text(name) ?? this.#wrong(name, 'a value');
  }
  flag(name: string): boolean {
    const v = this.values[name];
    return v === undefined || typeof v === 'boolean' ? Boolean(v) : this.#wrong(name, 'a flag');
  }
  /** `-m` alone means "no members" (replace the membership with nobody), as argparse's nargs='*'. */
  members(): string[] | undefined {
    const v = this.values.member;
    if (v === undefined) return undefined;
    if (v === true) return [];
    return Array.isArray(v) && v.every((m) => typeof m === 'string') ? splitMembers(v) : this.#wrong('member', 'usernames');
  }
}

const courseTerm = (o: Options) => ({ course: o.required('course'), term: o.required('term') });

interface ActionWork<A> {
  /** Reads commander's option values (the edge between the command line and the actions). */
  args(o: Options): A;
  /** Settings the real run stops on when unset (besides the token), so a dry run can say so. */
  needs?: readonly ('ORC_STAGING_GITRELOAD' | 'ORC_PRODUCTION_GITRELOAD')[];
  plan(settings: GithubConfig, args: A): PlannedCall[];
  run(gh: GithubClient, settings: GithubConfig, args: A): Promise<ActionResult>;
}

/** Ties each action's arguments to its plan and run, so the three agree on their type. */
const work = <A>(w: ActionWork<A>) => w as unknown as ActionWork<unknown>;

const WORK: Record<GithubActionName, ActionWork<unknown>> = {
  create_export_repo: work({
    args: (o) => ({ ...courseTerm(o), description: o.text('description') }),
    plan: actions.planCreateExportRepo,
    run: actions.createExportRepo,
  }),
  rerun_studio: work({
    args: (o) => ({ ...courseTerm(o), newTerm: o.required('newTerm') }),
    plan: actions.planRerunStudio,
    run: actions.rerunStudio,
  }),
  release_studio: work({
    args: courseTerm,
    needs: ['ORC_PRODUCTION_GITRELOAD'],
    plan: actions.planReleaseStudio,
    run: actions.releaseStudio,
  }),
  create_xml_repo: work({
    args: (o) => ({ ...courseTerm(o), team: o.text('team'), members: o.members(), description: o.text('description') }),
    needs: ['ORC_STAGING_GITRELOAD'],
    plan: actions.planCreateXmlRepo,
    run: actions.createXmlRepo,
  }),
  rerun_xml: work({
    args: courseTerm,
    plan: actions.planRerunXml,
    run: actions.rerunXml,
  }),
  release_xml: work({
    args: courseTerm,
    needs: ['ORC_PRODUCTION_GITRELOAD'],
    plan: actions.planReleaseXml,
    run: actions.releaseXml,
  }),
  put_team: work({
    args: (o) => ({ org: o.required('org'), team: o.required('team'), readOnly: o.flag('read_only'), members: o.members() }),
    plan: (_s, a) => actions.planPutTeam(a),
    run: (gh, _s, a) => actions.putTeam(gh, a),
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
  // Only here, without credentials: looking for a sandbox reads every setting (zod) and opens SQLite, which a run with a token never loads.
  const { sandboxOfSettings } = await import('./context');
  const running = await sandboxOfSettings(env);
  if (!running) return env;
  say(`sandbox mode: working on the GitHub of the sandbox running at ${running.service}; nothing real is changed\n`);
  return { ...env, ...Object.fromEntries(SANDBOX_GITHUB.map((k) => [k, running.env[k]])) };
}

/** Runs one action with commander's option values; returns the exit code (0 done, 1 failed). */
export async function runGithubAction(name: GithubActionName, options: Record<string, unknown>, deps: GithubActionDeps): Promise<number> {
  const def = WORK[name];
  const out = deps.stdout ?? ((t: string) => process.stdout.write(t));
  const err = deps.stderr ?? ((t: string) => process.stderr.write(t));
  const o = new Options(options);
  const input = def.args(o);
  const [dryRun, json, verbose] = [o.flag('dryRun'), o.flag('json'), o.flag('verbose')];
  const given = deps.env ?? process.env;
  // Scrub every credential we could know of, even before the configuration is valid.
  const scrub = envScrubber(given);
  const print = (text: string) => out(scrub(text) + '\n');
  try {
    const env = await githubEnv(given, err);
    if (dryRun) {
      const settings = parseGithubConfig(env, { requireAuth: false });
      const plan = def.plan(settings, input);
      const stops = wouldStopOn(name, env, settings);
      if (json) print(JSON.stringify({ action: name, ok: true, dryRun: true, plan, wouldStopOn: stops }));
      else {
        print(`Dry run of ${name}: these GitHub API operations would be made; nothing was changed.`);
        for (const call of plan) print(`  ${call.method.padEnd(6)} ${call.path}  ${call.does}`);
        for (const stop of stops) print(`The real run would stop on: ${stop}`);
      }
    } else {
      const settings = parseGithubConfig(env);
      const log = createLogger({ level: 'warn', write: (line) => err(line + '\n'), secrets: githubSecrets(settings) });
      // Octokit and the transport only for a real run: a dry run makes no request. One request
      // at a time: the client without the service's throttling (its Bottleneck timers cost each request).
      const [{ createSequentialGithubClient }, { createNodeFetch }] = await Promise.all([import('../integrations/github/sequential-client'), import('../node-fetch')]);
      // node:http, not Node's fetch (undici), whose first request costs more CPU than the action (see node-fetch.ts).
      const transport = deps.fetch ? undefined : createNodeFetch();
      try {
        const gh = await createSequentialGithubClient({ config: settings, log, fetch: deps.fetch ?? transport?.fetch });
        const result = await def.run(gh, settings, input);
        print(json ? JSON.stringify({ action: name, ok: true, ...result }) : result.message);
      } finally {
        transport?.close();
      }
    }
    return 0;
  } catch (e) {
    if (json) print(JSON.stringify({ action: name, ok: false, error: { type: e instanceof Error ? e.name : 'Error', message: oneLineError(e), transient: isTransient(e) } }));
    err(scrub(`orcoursetrion ${name}: ${oneLineError(e)}`) + '\n');
    if (verbose && e instanceof Error && e.stack) err(scrub(e.stack) + '\n');
    return 1;
  }
}
