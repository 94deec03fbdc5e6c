/**
 * What every settings parser shares (the service's zod schema in ./config, the GitHub settings
 * checked by hand in ./github-config): its error, and which settings are secret. Apart from
 * ./config so the CLI's GitHub actions report and scrub without loading zod.
 */

/** Settings whose values must never be printed, logged or echoed in an error. */
export const SECRET_SETTINGS = [
  'ORC_GH_OAUTH2_TOKEN',
  'ORC_GH_APP_PRIVATE_KEY',
  'ORC_ZENDESK_TOKEN',
  'ORC_ZENDESK_WEBHOOK_SECRET',
  'ORC_APP_SHARED_SECRET',
  'ORC_EDX_CLIENT_SECRET',
  'ORC_GITRELOAD_SECRET',
  'ORC_METRICS_TOKEN',
] as const;

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
