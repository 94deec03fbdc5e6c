import { z } from 'zod';
import { ConfigError, SECRET_SETTINGS } from './config-error';
import { GITHUB_FIELDS, githubProblems, type Field, type GithubSetting } from './github-config';
import { isInlineRules, parseApprovalRules, type ApprovalRule } from './requests/approval-rules';
import { isTimeZone } from './requests/dates';

/**
 * Every setting the service reads, validated with zod. Names are a contract operators script
 * against: the original orcoursetrion `ORC_GH_*`/`ORC_*` names keep their original defaults.
 * Nothing here reads `process.env` itself: entry points pass their environment in (Node's
 * process.env, a Worker's bindings, a test's object).
 */

export const EDX_OPERATIONS = [
  'course_runs',
  'rerun',
  'course_team',
  'advanced_settings',
  'import',
  'git_import',
] as const;
export type EdxOperation = (typeof EDX_OPERATIONS)[number];

export { ConfigError, SECRET_SETTINGS };
export { DEFAULT_GITRELOAD_BRANCHES, GITHUB_SETTINGS, gitreloadReceiver, parseGithubConfig, type GithubConfig } from './github-config';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const optionalText = z.preprocess(blankToUndefined, z.string().trim().optional());
const text = (fallback: string) => z.preprocess(blankToUndefined, z.string().trim().default(fallback));

const httpUrl = (example: string) =>
  z
    .string()
    .trim()
    .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), {
      message: `must be an http(s) URL such as ${example}`,
    });
const optionalUrl = (example: string) => z.preprocess(blankToUndefined, httpUrl(example).optional());

const flag = (fallback: boolean) =>
  z.preprocess(
    blankToUndefined,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
        message: 'must be true or false',
      })
      .optional()
      .transform((v) => (v === undefined ? fallback : ['true', '1', 'yes', 'on'].includes(v))),
  );

const positiveInt = (fallback: number, max: number) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ message: 'must be a whole number' })
      .int({ message: 'must be a whole number' })
      .min(1, { message: 'must be at least 1' })
      .max(max, { message: `must be at most ${max}` })
      .default(fallback),
  );

const edxApiList = z.preprocess(
  blankToUndefined,
  z
    .string()
    .optional()
    .transform((v, ctx): EdxOperation[] => {
      if (v === undefined) return [];
      const names = v.split(',').map((s) => s.trim()).filter(Boolean);
      if (names.includes('all')) return [...EDX_OPERATIONS];
      const unknown = names.filter((n) => !(EDX_OPERATIONS as readonly string[]).includes(n));
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown operation(s) ${unknown.join(', ')}; use a comma list of ${EDX_OPERATIONS.join(', ')}, or all`,
        });
        return z.NEVER;
      }
      return [...new Set(names)] as EdxOperation[];
    }),
);

/** A GitHub setting's hand-written rule (./github-config) as a field of the schema: each rule is written once. */
const field = <T>(rule: Field<T>) =>
  z
    .string()
    .optional()
    .transform((v, ctx): T => {
      const parsed = rule(v);
      if ('value' in parsed) return parsed.value;
      ctx.addIssue({ code: 'custom', message: parsed.problem });
      return z.NEVER;
    });
type RuleField<T> = ReturnType<typeof field<T>>;
/** A setting with no default stays an optional key of Config, as zod's `.optional()` made it. */
const githubFields = Object.fromEntries(
  Object.entries(GITHUB_FIELDS).map(([k, rule]) => {
    const f = field(rule as Field<unknown>);
    const unset = rule(undefined);
    return [k, 'value' in unset && unset.value === undefined ? f.optional() : f];
  }),
) as { [K in GithubSetting]: (typeof GITHUB_FIELDS)[K] extends Field<infer T> ? (undefined extends T ? z.ZodOptional<RuleField<T>> : RuleField<T>) : never };

const MAKE_SECRET = 'make one with `openssl rand -hex 32`';
const sharedSecret = z.preprocess(
  blankToUndefined,
  z
    .string()
    .min(32, { message: `must be at least 32 characters (HS256 needs a long random secret; ${MAKE_SECRET})` })
    // Padding or a repeated character makes a long value with little secret in it.
    .refine((v) => !/\s/.test(v), { message: `must not contain spaces, tabs or line breaks (padding is not secret; ${MAKE_SECRET})` })
    .refine((v) => new Set(v).size >= 8, { message: `must be random, not a repeated pattern: it has fewer than 8 different characters (${MAKE_SECRET})` })
    .optional(),
);

export const envSchema = z.object({
  // GitHub (names and defaults as the 2015 tool), and ORC_LOG_LEVEL, which the GitHub actions read too
  ...githubFields,

  // Zendesk
  ORC_ZENDESK_URL: optionalUrl('https://acme.zendesk.com'),
  ORC_ZENDESK_EMAIL: optionalText,
  ORC_ZENDESK_TOKEN: optionalText,
  ORC_ZENDESK_WEBHOOK_SECRET: optionalText,
  ORC_APP_SHARED_SECRET: sharedSecret,

  // Open edX
  ORC_EDX_STUDIO_URL: optionalUrl('https://studio.example.edu'),
  ORC_EDX_STAGING_URL: optionalUrl('https://staging.example.edu'),
  ORC_EDX_PRODUCTION_URL: optionalUrl('https://lms.example.edu'),
  ORC_EDX_CLIENT_ID: optionalText,
  ORC_EDX_CLIENT_SECRET: optionalText,
  ORC_EDX_API: edxApiList,
  ORC_EDX_ORG: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9_.~-]+$/, { message: 'must use only letters, digits, _ . ~ - (it is part of the course key)' })
      .default('MITx'),
  ),
  ORC_EDX_MANAGE_SETTINGS: text('production'),

  // Service
  ORC_DATABASE: text('./data/orcoursetrion.db'),
  PORT: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ message: 'must be a port number' })
      .int({ message: 'must be a port number' })
      .min(0, { message: 'must be between 0 and 65535' })
      .max(65535, { message: 'must be between 0 and 65535' })
      .default(8787),
  ),
  ORC_HOST: text('127.0.0.1'),
  ORC_PUBLIC_URL: optionalUrl('https://orcoursetrion.example.edu'),
  ORC_AUTO_APPROVE: flag(false),
  // A path to the approval rules' JSON file, or the JSON itself (Workers have no files).
  ORC_APPROVAL_RULES: optionalText,
  // Where the course teams are: ticket dates (start, desired completion) are days there.
  ORC_TIMEZONE: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .superRefine((v, ctx) => {
        if (!isTimeZone(v)) ctx.addIssue({ code: 'custom', message: `"${v.slice(0, 60)}" is not a time zone: use a name such as America/New_York, Europe/Berlin or UTC` });
      })
      .default('UTC'),
  ),
  ORC_RERUN_APPROVAL: flag(true),
  ORC_SANDBOX: flag(false),
  ORC_ENGINE_CONCURRENCY: positiveInt(8, 256),
  ORC_STEP_MAX_ATTEMPTS: positiveInt(8, 100),
  ORC_LEASE_SECONDS: positiveInt(30, 3600),
  // Backoff between retries of a transient failure: full jitter up to base * 2^(attempt-1), capped.
  ORC_RETRY_BASE_MS: positiveInt(1_000, 60_000),
  ORC_RETRY_MAX_MS: positiveInt(5 * 60_000, 60 * 60_000),
  // Bearer token for GET /metrics (Node only); unset: the route does not exist.
  ORC_METRICS_TOKEN: z.preprocess(
    blankToUndefined,
    z
      .string()
      .min(16, { message: `must be at least 16 characters (${MAKE_SECRET})` })
      .refine((v) => !/\s/.test(v), { message: `must not contain spaces, tabs or line breaks (${MAKE_SECRET})` })
      .optional(),
  ),
});

type Env = z.infer<typeof envSchema>;

export interface Config extends Env {
  /** True when GitHub, Zendesk and edX are the in-process simulators. */
  sandbox: boolean;
  /** Where Zendesk and the sidebar reach this service. */
  publicUrl: string;
  github: { auth: 'token' | 'app' | 'none' };
  zendesk: { configured: boolean };
  edx: { configured: boolean; api: ReadonlySet<EdxOperation> };
  /** The rules of ORC_APPROVAL_RULES, in order (ORC_AUTO_APPROVE's and ORC_RERUN_APPROVAL's are added by approvalRulesOf). */
  approvalRules: ApprovalRule[];
}

/** How the entry point reads a file: Node passes one; a Worker has none, so its rules are inline JSON. */
export interface ConfigFiles {
  readFile?(path: string): string;
}

/**
 * The parts of the service a caller uses: a setting only an unused part needs is not demanded
 * (`plan` and `request` serve no sidebar, so they run without ORC_APP_SHARED_SECRET).
 */
export interface ConfigUse {
  /** The sidebar API, whose tokens ORC_APP_SHARED_SECRET signs. */
  sidebar: boolean;
  /** GitHub calls (a token or a GitHub App). */
  github: boolean;
  /** The edX operations ORC_EDX_API enables (their credentials and gitreload hooks). */
  edx: boolean;
}
const SERVICE_USE: ConfigUse = { sidebar: true, github: true, edx: true };

/** Cross-field rules zod cannot express per field. Returns problems, one line each. */
function crossFieldProblems(env: Env, sandbox: boolean, use: ConfigUse = SERVICE_USE): string[] {
  const problems: string[] = githubProblems(env);
  const zd = { ORC_ZENDESK_URL: env.ORC_ZENDESK_URL, ORC_ZENDESK_EMAIL: env.ORC_ZENDESK_EMAIL, ORC_ZENDESK_TOKEN: env.ORC_ZENDESK_TOKEN };
  const zdSet = Object.entries(zd).filter(([, v]) => v);
  if (zdSet.length > 0 && zdSet.length < 3) {
    const missing = Object.entries(zd).filter(([, v]) => !v).map(([k]) => k);
    problems.push(`${missing.join(', ')}: Zendesk needs ORC_ZENDESK_URL, ORC_ZENDESK_EMAIL and ORC_ZENDESK_TOKEN together; set ${missing.join(' and ')}`);
  }
  if (!sandbox) {
    if (use.github && !env.ORC_GH_OAUTH2_TOKEN && !env.ORC_GH_APP_ID) {
      problems.push('ORC_GH_OAUTH2_TOKEN: required outside sandbox mode; set a token with repo and admin:org scopes (or a GitHub App), or ORC_SANDBOX=1 to simulate');
    }
    if (use.sidebar && !env.ORC_APP_SHARED_SECRET) {
      problems.push('ORC_APP_SHARED_SECRET: required outside sandbox mode; set the same long random value as the sidebar app\'s secure setting (e.g. `openssl rand -hex 32`)');
    }
    const edxParts = { ORC_EDX_CLIENT_ID: env.ORC_EDX_CLIENT_ID, ORC_EDX_CLIENT_SECRET: env.ORC_EDX_CLIENT_SECRET, ORC_EDX_STUDIO_URL: env.ORC_EDX_STUDIO_URL, ORC_EDX_STAGING_URL: env.ORC_EDX_STAGING_URL };
    const needsToken = use.edx && env.ORC_EDX_API.some((op) => op !== 'git_import');
    if (needsToken) {
      for (const [k, v] of Object.entries(edxParts)) {
        if (!v) problems.push(`${k}: required because ORC_EDX_API enables ${env.ORC_EDX_API.join(', ')}; set it or remove those operations from ORC_EDX_API`);
      }
    }
    if (use.edx && env.ORC_EDX_API.includes('git_import') && !env.ORC_STAGING_GITRELOAD && !env.ORC_PRODUCTION_GITRELOAD) {
      problems.push('ORC_STAGING_GITRELOAD: ORC_EDX_API enables git_import, which posts to the gitreload hooks; set ORC_STAGING_GITRELOAD and ORC_PRODUCTION_GITRELOAD or remove git_import');
    }
  }
  return problems;
}

/**
 * Parses each setting on its own, so one bad value does not hide the others: returns the
 * settings that parsed (invalid ones fall back to their defaults) and a problem per bad one.
 */
function parseFields<S extends z.ZodRawShape>(shape: S, source: Record<string, string | undefined>): { values: z.infer<z.ZodObject<S>>; problems: string[] } {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, schema] of Object.entries(shape) as [string, z.ZodType][]) {
    const parsed = schema.safeParse(source[key]);
    if (parsed.success) {
      values[key] = parsed.data;
    } else {
      problems.push(...parsed.error.issues.map((issue) => `${key}: ${issue.message}`));
      values[key] = schema.safeParse(undefined).data;
    }
  }
  return { values: values as z.infer<z.ZodObject<S>>, problems };
}

/**
 * Parses an environment into a Config, or throws ConfigError listing every problem at once.
 * Values of secret settings never appear in the message. `use`: the parts the caller uses
 * (default: all of them, as the service does).
 */
export function parseConfig(source: Record<string, string | undefined>, files: ConfigFiles = {}, use: ConfigUse = SERVICE_USE): Config {
  const { values: env, problems } = parseFields(envSchema.shape, source);
  const rules = approvalRulesFrom(env.ORC_APPROVAL_RULES, files);
  problems.push(...rules.problems);
  const hasGithub = Boolean(env.ORC_GH_OAUTH2_TOKEN || env.ORC_GH_APP_ID);
  const hasZendesk = Boolean(env.ORC_ZENDESK_URL || env.ORC_ZENDESK_EMAIL || env.ORC_ZENDESK_TOKEN);
  const sandbox = env.ORC_SANDBOX || (!hasGithub && !hasZendesk);
  problems.push(...crossFieldProblems(env, sandbox, use));
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    ...env,
    sandbox,
    publicUrl: (env.ORC_PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    github: { auth: env.ORC_GH_APP_ID ? 'app' : env.ORC_GH_OAUTH2_TOKEN ? 'token' : 'none' },
    zendesk: { configured: Boolean(env.ORC_ZENDESK_URL && env.ORC_ZENDESK_EMAIL && env.ORC_ZENDESK_TOKEN) },
    edx: {
      configured: Boolean(env.ORC_EDX_CLIENT_ID && env.ORC_EDX_CLIENT_SECRET),
      api: new Set(env.ORC_EDX_API),
    },
    approvalRules: rules.rules,
  };
}

function approvalRulesFrom(value: string | undefined, files: ConfigFiles): { rules: ApprovalRule[]; problems: string[] } {
  if (value === undefined) return { rules: [], problems: [] };
  if (isInlineRules(value)) return parseApprovalRules(value, 'ORC_APPROVAL_RULES');
  if (!files.readFile) {
    return { rules: [], problems: ['ORC_APPROVAL_RULES: this runtime has no files; set the rules\' JSON itself (starting with {) instead of a path'] };
  }
  let text: string;
  try {
    text = files.readFile(value);
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'unreadable';
    return { rules: [], problems: [`ORC_APPROVAL_RULES: cannot read the rules file ${value} (${code}); check the path, or unset it to approve every request by hand`] };
  }
  return parseApprovalRules(text, value);
}

/** The values of every secret setting that is set, for scrubbing logs, errors and comments. */
export function secretValues(config: Pick<Config, (typeof SECRET_SETTINGS)[number]>): string[] {
  return SECRET_SETTINGS.map((k) => config[k]).filter((v): v is string => typeof v === 'string' && v.length >= 4);
}

/** A parsed config back as environment strings, to re-parse with overrides (the sandbox does). */
export function configEnv(config: Config): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const key of Object.keys(envSchema.shape) as (keyof Env)[]) {
    const value = config[key];
    env[key] = value === undefined ? undefined : Array.isArray(value) ? value.join(',') : String(value);
  }
  return env;
}
