import { z } from 'zod';
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

/** Settings whose values must never be printed, logged or echoed in an error. */
export const SECRET_SETTINGS = [
  'ORC_GH_OAUTH2_TOKEN',
  'ORC_GH_APP_PRIVATE_KEY',
  'ORC_ZENDESK_TOKEN',
  'ORC_ZENDESK_WEBHOOK_SECRET',
  'ORC_APP_SHARED_SECRET',
  'ORC_EDX_CLIENT_SECRET',
  'ORC_GITRELOAD_SECRET',
] as const;

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

const sharedSecret = z.preprocess(
  blankToUndefined,
  z
    .string()
    .min(32, { message: 'must be at least 32 characters (HS256 needs a long random secret; try `openssl rand -hex 32`)' })
    .optional(),
);

export const envSchema = z.object({
  // GitHub (names and defaults as the 2015 tool)
  ORC_GH_OAUTH2_TOKEN: optionalText,
  ORC_GH_API_URL: z.preprocess(
    blankToUndefined,
    httpUrl('https://github.example.edu/api/v3/').default('https://github.mit.edu/api/v3/'),
  ),
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
  ORC_GITRELOAD_SECRET: optionalText,

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
  ORC_LOG_LEVEL: z.preprocess(blankToUndefined, z.enum(['debug', 'info', 'warn', 'error']).default('info')),
  ORC_ENGINE_CONCURRENCY: positiveInt(8, 256),
  ORC_STEP_MAX_ATTEMPTS: positiveInt(8, 100),
  ORC_LEASE_SECONDS: positiveInt(30, 3600),
  // Backoff between retries of a transient failure: full jitter up to base * 2^(attempt-1), capped.
  ORC_RETRY_BASE_MS: positiveInt(1_000, 60_000),
  ORC_RETRY_MAX_MS: positiveInt(5 * 60_000, 60 * 60_000),
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
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Configuration has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        '\nSet them in the environment or in .env (every setting is described in .env.example).',
    );
    this.name = 'ConfigError';
  }
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
  const problems: string[] = [];
  const app = [env.ORC_GH_APP_ID, env.ORC_GH_APP_PRIVATE_KEY, env.ORC_GH_APP_INSTALLATION_ID];
  if (app.some(Boolean) && !app.every(Boolean)) {
    problems.push(
      'ORC_GH_APP_ID, ORC_GH_APP_PRIVATE_KEY, ORC_GH_APP_INSTALLATION_ID: a GitHub App needs all three; set the missing ones or unset all and use ORC_GH_OAUTH2_TOKEN',
    );
  }
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

export const GITHUB_SETTINGS = [
  'ORC_GH_OAUTH2_TOKEN',
  'ORC_GH_API_URL',
  'ORC_GH_NAME',
  'ORC_GH_EMAIL',
  'ORC_GH_APP_ID',
  'ORC_GH_APP_PRIVATE_KEY',
  'ORC_GH_APP_INSTALLATION_ID',
  'ORC_COURSE_PREFIX',
  'ORC_STUDIO_ORG',
  'ORC_STUDIO_DEPLOY_TEAM',
  'ORC_XML_ORG',
  'ORC_XML_DEPLOY_TEAM',
  'ORC_STAGING_GITRELOAD',
  'ORC_PRODUCTION_GITRELOAD',
  'ORC_LOG_LEVEL',
] as const;
const githubSchema = envSchema.pick(Object.fromEntries(GITHUB_SETTINGS.map((k) => [k, true])) as { [K in (typeof GITHUB_SETTINGS)[number]]: true });
export type GithubConfig = z.infer<typeof githubSchema>;

/**
 * The GitHub settings alone, for the seven original CLI actions, which (as in 2015) need
 * nothing else: no database, Zendesk or edX. A token or a GitHub App is required, except by
 * a dry run (`requireAuth: false`), which makes no request.
 */
export function parseGithubConfig(source: Record<string, string | undefined>, options: { requireAuth?: boolean } = {}): GithubConfig {
  const { values, problems } = parseFields(githubSchema.shape, source);
  problems.push(...crossFieldProblems({ ...envSchema.parse({}), ...values }, true));
  if (options.requireAuth !== false && !values.ORC_GH_OAUTH2_TOKEN && !values.ORC_GH_APP_ID) {
    problems.push('ORC_GH_OAUTH2_TOKEN: required; set a GitHub token with repo and admin:org scopes (or ORC_GH_APP_ID, ORC_GH_APP_PRIVATE_KEY, ORC_GH_APP_INSTALLATION_ID)');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return values;
}

/**
 * Parses an environment into a Config, or throws ConfigError listing every problem at once.
 * Values of secret settings never appear in the message. `use`: the parts the caller uses
 * (default: all of them, as the service does).
 */
export function parseConfig(source: Record<string, string | undefined>, use: ConfigUse = SERVICE_USE): Config {
  const { values: env, problems } = parseFields(envSchema.shape, source);
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
  };
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
