import type { Config, EdxOperation } from '../../config';

/**
 * Whether an edX operation runs through its API (an `auto` step) or is left to an agent with
 * instructions (a `manual` step): only the operations named in ORC_EDX_API are automatic.
 */
export function isEdxApiEnabled(config: Pick<Config, 'edx'>, operation: EdxOperation): boolean {
  return config.edx.api.has(operation);
}

/**
 * Whether the service can look up LMS accounts (usernames, emails): it has the edX token, which
 * every ORC_EDX_API operation but git_import needs (the settings refuse to start without it).
 */
export function canLookUpEdxAccounts(config: Pick<Config, 'edx'>): boolean {
  return [...config.edx.api].some((op) => op !== 'git_import');
}
