import { ConfigError, SECRET_SETTINGS } from '../config-error';
import { messageOf } from '../errors';
import { createScrubber } from '../log';

/**
 * A command's error line and secret scrubbing, apart from `./context` (which opens databases):
 * the GitHub actions use these without loading SQLite or drizzle.
 */

/** One line, whatever the error: a configuration error lists its problems separated by `;`. */
export function oneLineError(err: unknown): string {
  if (err instanceof ConfigError) return `configuration: ${err.problems.join('; ')}`;
  return messageOf(err).replace(/\s*\n\s*/g, ' ');
}

/** Scrubs every secret the environment holds, valid configuration or not. */
export function envScrubber(env: Record<string, string | undefined>): (text: string) => string {
  // The gitreload URLs carry their hook's credentials.
  const keys = [...SECRET_SETTINGS, 'ORC_STAGING_GITRELOAD', 'ORC_PRODUCTION_GITRELOAD'];
  return createScrubber(keys.map((k) => env[k]).filter((v): v is string => typeof v === 'string' && v.length >= 4));
}
