import { ConfigError } from './config-error';

/**
 * The GitHub settings, each rule written by hand (./config makes them zod fields of the
 * service's schema, so a rule is written once): the seven CLI actions read only these, and
 * loading zod cost such a one-request process more CPU than the rest of its work together.
 */

/** One setting's rule: the value it gives (its default when unset or blank), or a problem naming the fix. */
export type Field<T> = (raw: string | undefined) => { value: T } | { problem: string };
type FieldValue<F> = F extends Field<infer T> ? T : never;

const blank = (v: string | undefined): v is undefined => v === undefined || v.trim() === '';
const optionalText: Field<string | undefined> = (v) => ({ value: blank(v) ? undefined : v.trim() });
const text =
  (fallback: string): Field<string> =>
  (v) => ({ value: blank(v) ? fallback : v.trim() });
/** A rule for a set value; unset or blank gives `fallback`. */
const checked =
  <D>(fallback: D, check: (v: string) => string | undefined): Field<string | D> =>
  (v) => {
    if (blank(v)) return { value: fallback };
    const value = v.trim();
    const problem = check(value);
    return problem === undefined ? { value } : { problem };
  };
const httpUrl = (example: string) => (v: string) => (URL.canParse(v) && /^https?:$/.test(new URL(v).protocol) ? undefined : `must be an http(s) URL such as ${example}`);
const optionalUrl = (example: string) => checked(undefined, httpUrl(example));

/** The branches the LMSes import unless set: GitHub's default branch name, and the 2015 tool's release branch. */
export const DEFAULT_GITRELOAD_BRANCHES = { staging: 'main', production: 'live' } as const;

// git check-ref-format's rules, the ones a branch name typed into a setting can break.
const BRANCH = /^(?!-)(?!.*(?:\.\.|\/\/|@\{|\/\.|\.lock(?:\/|$)))[A-Za-z0-9._\/-]+(?<![./])$/;
const branchName = (fallback: string) => checked(fallback, (v) => (BRANCH.test(v) ? undefined : 'must be a git branch name such as main or live'));

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
const logLevel: Field<(typeof LOG_LEVELS)[number]> = (v) => {
  if (blank(v)) return { value: 'info' };
  const level = LOG_LEVELS.find((l) => l === v);
  return level ? { value: level } : { problem: `must be one of ${LOG_LEVELS.join(', ')}` };
};

/** Names and defaults as the 2015 tool's, for those it had. */
export const GITHUB_FIELDS = {
  ORC_GH_OAUTH2_TOKEN: optionalText,
  ORC_GH_API_URL: checked('https://github.mit.edu/api/v3/', httpUrl('https://github.example.edu/api/v3/')),
  ORC_GH_NAME: text('Orcoursetrion'),
  ORC_GH_EMAIL: text('orcoursetrion@example.com'),
  ORC_GH_APP_ID: optionalText,
  ORC_GH_APP_PRIVATE_KEY: optionalText,
  ORC_GH_APP_INSTALLATION_ID: optionalText,
  ORC_COURSE_PREFIX: text('content-mit'),
  ORC_STUDIO_ORG: text('MITx-Studio2LMS'),
  ORC_STUDIO_DEPLOY_TEAM: text('mitx-studio-export'),
  ORC_XML_ORG: text('mitx'),
  ORC_XML_DEPLOY_TEAM: text('mitx-content-deployment'),
  ORC_STAGING_GITRELOAD: optionalUrl('https://user:pass@gr.example.edu/'),
  ORC_PRODUCTION_GITRELOAD: optionalUrl('https://user:pass@gr-prod.example.edu/'),
  // The hooks the actions add to edx-sysadmin are signed, and the branches they name must exist.
  ORC_GITRELOAD_SECRET: optionalText,
  // The branch each LMS imports (edx-sysadmin's SYSADMIN_DEFAULT_BRANCH there).
  ORC_STAGING_GITRELOAD_BRANCH: branchName(DEFAULT_GITRELOAD_BRANCHES.staging),
  ORC_PRODUCTION_GITRELOAD_BRANCH: branchName(DEFAULT_GITRELOAD_BRANCHES.production),
  ORC_LOG_LEVEL: logLevel,
};
export type GithubSetting = keyof typeof GITHUB_FIELDS;
export const GITHUB_SETTINGS = Object.keys(GITHUB_FIELDS) as GithubSetting[];
type Value<K extends GithubSetting> = FieldValue<(typeof GITHUB_FIELDS)[K]>;
/** A setting with no default is an optional key, as in the service's Config. */
type Unset = { [K in GithubSetting]: undefined extends Value<K> ? K : never }[GithubSetting];
export type GithubConfig = { [K in Exclude<GithubSetting, Unset>]: Value<K> } & { [K in Unset]?: Value<K> };

/**
 * Which receiver a gitreload hook URL names: edx-sysadmin's `/sysadmin/api/gitreload/` on an
 * LMS (checks `X-Hub-Signature-256`, reads JSON), or else a standalone mitodl/gitreload (basic
 * auth in the URL, checked by the proxy in front of it).
 */
export function gitreloadReceiver(url: string): 'edx-sysadmin' | 'gitreload' {
  return /\/sysadmin\/api\/gitreload\/?$/.test(new URL(url).pathname) ? 'edx-sysadmin' : 'gitreload';
}

/** A hook URL without credentials or trailing slash: two settings naming the same receiver compare equal. */
const hookIdentity = (url: string) => {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`.toLowerCase();
};

/** Problems with the gitreload hooks and the branches they import; see docs/real-systems.md (Open edX). */
function gitreloadProblems(env: GithubConfig): string[] {
  const problems: string[] = [];
  const hooks = [
    ['ORC_STAGING_GITRELOAD', env.ORC_STAGING_GITRELOAD],
    ['ORC_PRODUCTION_GITRELOAD', env.ORC_PRODUCTION_GITRELOAD],
  ] as const;
  for (const [setting, url] of hooks) {
    if (url && gitreloadReceiver(url) === 'edx-sysadmin' && !env.ORC_GITRELOAD_SECRET) {
      problems.push(
        `ORC_GITRELOAD_SECRET: ${setting} is an edx-sysadmin hook (/sysadmin/api/gitreload/), which refuses every unsigned request with 403; set ORC_GITRELOAD_SECRET to that LMS's SYSADMIN_GITHUB_WEBHOOK_KEY`,
      );
    }
  }
  const { ORC_STAGING_GITRELOAD_BRANCH: staging, ORC_PRODUCTION_GITRELOAD_BRANCH: production } = env;
  if (staging === production) {
    problems.push(
      `ORC_PRODUCTION_GITRELOAD_BRANCH: is ${production}, the same as ORC_STAGING_GITRELOAD_BRANCH; publishing makes the production branch from a course's default branch (the staging one), so they must differ (e.g. main and live)`,
    );
  }
  if (env.ORC_STAGING_GITRELOAD && env.ORC_PRODUCTION_GITRELOAD && hookIdentity(env.ORC_STAGING_GITRELOAD) === hookIdentity(env.ORC_PRODUCTION_GITRELOAD)) {
    problems.push(
      'ORC_PRODUCTION_GITRELOAD: names the same hook as ORC_STAGING_GITRELOAD, but one LMS imports one branch (SYSADMIN_DEFAULT_BRANCH) and staging and production import different ones; point each at its own LMS',
    );
  }
  return problems;
}

/** The cross-field rules among the GitHub settings alone (the seven actions check only these). */
export function githubProblems(env: GithubConfig): string[] {
  const problems = gitreloadProblems(env);
  const app = [env.ORC_GH_APP_ID, env.ORC_GH_APP_PRIVATE_KEY, env.ORC_GH_APP_INSTALLATION_ID];
  if (app.some(Boolean) && !app.every(Boolean)) {
    problems.push(
      'ORC_GH_APP_ID, ORC_GH_APP_PRIVATE_KEY, ORC_GH_APP_INSTALLATION_ID: a GitHub App needs all three; set the missing ones or unset all and use ORC_GH_OAUTH2_TOKEN',
    );
  }
  return problems;
}

/**
 * The GitHub settings alone, for the seven original CLI actions, which (as in 2015) need
 * nothing else: no database, Zendesk or edX. A token or a GitHub App is required, except by
 * a dry run (`requireAuth: false`), which makes no request. Each setting is checked on its
 * own, so one bad value does not hide the others.
 */
export function parseGithubConfig(source: Record<string, string | undefined>, options: { requireAuth?: boolean } = {}): GithubConfig {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const key of GITHUB_SETTINGS) {
    const field = GITHUB_FIELDS[key] as Field<unknown>;
    const parsed = field(source[key]);
    if ('problem' in parsed) problems.push(`${key}: ${parsed.problem}`);
    // An invalid setting falls back to its default, so the cross-field rules still read a value.
    values[key] = 'value' in parsed ? parsed.value : (field(undefined) as { value: unknown }).value;
  }
  const settings = values as GithubConfig;
  problems.push(...githubProblems(settings));
  if (options.requireAuth !== false && !settings.ORC_GH_OAUTH2_TOKEN && !settings.ORC_GH_APP_ID) {
    problems.push('ORC_GH_OAUTH2_TOKEN: required; set a GitHub token with repo and admin:org scopes (or ORC_GH_APP_ID, ORC_GH_APP_PRIVATE_KEY, ORC_GH_APP_INSTALLATION_ID)');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return settings;
}
