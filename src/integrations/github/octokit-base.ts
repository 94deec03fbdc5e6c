import type { Octokit as Core } from '@octokit/core';
import type { PaginateInterface } from '@octokit/plugin-paginate-rest';
import type { GithubConfig } from '../../github-config';
import type { Logger } from '../../log';
import type { RetryPolicyOptions } from './retry-policy';

/**
 * What the GitHub operations use of a client, whichever assembly built it (octokit.ts for the
 * service, sequential-octokit.ts for the CLI): Octokit's core and paginate. Requests name their
 * route (`octokit.request('GET /repos/{owner}/{repo}', …)`), typed the same way.
 */
export type Octokit = Core & { paginate: PaginateInterface };

export interface OctokitDeps extends RetryPolicyOptions {
  config: Pick<GithubConfig, 'ORC_GH_API_URL' | 'ORC_GH_OAUTH2_TOKEN' | 'ORC_GH_APP_ID' | 'ORC_GH_APP_PRIVATE_KEY' | 'ORC_GH_APP_INSTALLATION_ID'>;
  log: Logger;
  fetch?: typeof fetch;
  /** Per-request timeout; a timed-out request is retried like a 5xx. */
  requestTimeoutMs?: number;
}

/** GHES `https://host/api/v3/` and api.github.com, with or without a trailing slash. */
export function apiBaseUrl(apiUrl: string): string {
  return apiUrl.replace(/\/+$/, '');
}

function withTimeout(base: typeof fetch, ms: number): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(ms);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return base(input, { ...init, signal });
  };
}

/** The options both assemblies give Octokit: base URL, user agent, transport with timeout, logs. */
export function baseOptions(deps: OctokitDeps) {
  const { config, log } = deps;
  return {
    baseUrl: apiBaseUrl(config.ORC_GH_API_URL),
    userAgent: 'orcoursetrion',
    request: { fetch: withTimeout(deps.fetch ?? fetch, deps.requestTimeoutMs ?? 30_000) },
    log: {
      debug: () => {},
      info: () => {},
      warn: (message: string) => log.warn(message),
      error: (message: string) => log.error(message),
    },
  };
}

/** An Octokit class's instance with token or GitHub App installation auth. */
export async function authenticated<T>(Configured: new (options: object) => T, config: OctokitDeps['config']): Promise<T> {
  if (config.ORC_GH_APP_ID && config.ORC_GH_APP_PRIVATE_KEY && config.ORC_GH_APP_INSTALLATION_ID) {
    // Loaded only with App settings: a token never compiles the JWT and token-cache code.
    const { createAppAuth } = await import('@octokit/auth-app');
    return new Configured({
      authStrategy: createAppAuth,
      auth: {
        appId: config.ORC_GH_APP_ID,
        // Env files often carry the PEM with literal \n.
        privateKey: config.ORC_GH_APP_PRIVATE_KEY.replace(/\\n/g, '\n'),
        installationId: Number(config.ORC_GH_APP_INSTALLATION_ID),
      },
    });
  }
  return new Configured({ auth: config.ORC_GH_OAUTH2_TOKEN });
}
