import { userInfo } from 'node:os';
import { ConfigError, configEnv, parseConfig, secretValues, SECRET_SETTINGS, type Config, type ConfigUse } from '../config';
import { messageOf } from '../errors';
import { createLogger, createScrubber, type Logger } from '../log';
import type { Actor } from '../requests/events';
import type { CliIo } from './io';

/** `cli:<os user>`: the audit log's actor for everything done from the command line. */
export function cliActor(env: Record<string, string | undefined>): Actor {
  let user = env.USER ?? env.USERNAME;
  if (!user) {
    try {
      user = userInfo().username;
    } catch {
      user = 'unknown';
    }
  }
  return { id: `cli:${user}`, name: `cli:${user}` };
}

export interface CliSettings {
  config: Config;
  log: Logger;
  scrub(text: string): string;
  /** Stops what the settings started (the sandbox's simulators). */
  close(): Promise<void>;
}

/**
 * Parses the settings. With no credentials (sandbox mode) the simulators are started in this
 * process, seeded as the sandbox seeds them, so a command validates and runs against them
 * instead of failing on a GitHub it cannot reach; stderr says so.
 */
export async function cliSettings(io: CliIo, options: { verbose?: boolean; simulate: boolean; use: ConfigUse }): Promise<CliSettings> {
  let config = parseConfig(io.env, options.use);
  let close = async () => {};
  if (config.sandbox && options.simulate) {
    // Loaded only here: with credentials set, a command never needs the simulators.
    const { seedGithub, startSimulators } = await import('../sandbox/simulators');
    const sims = await startSimulators();
    config = parseConfig({ ...configEnv(config), ...sims.env, ORC_SANDBOX: '1' }, options.use);
    seedGithub(sims.github, config);
    close = () => sims.close();
    io.stderr('sandbox mode: no credentials are set, so GitHub, Zendesk and edX are simulated in this process; nothing real is changed\n');
  }
  const secrets = [...secretValues(config), config.ORC_STAGING_GITRELOAD, config.ORC_PRODUCTION_GITRELOAD].filter((v): v is string => Boolean(v));
  const log = createLogger({ level: options.verbose ? 'warn' : 'error', secrets, write: (line) => io.stderr(line + '\n') });
  return { config, log, scrub: createScrubber(secrets), close };
}

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

/**
 * Runs a command body: its result is the exit code; a thrown error becomes one line on stderr
 * (scrubbed; the stack with --verbose) and exit code 1.
 */
export async function runCommand(name: string, io: CliIo, verbose: boolean | undefined, body: () => Promise<number>): Promise<void> {
  const scrub = envScrubber(io.env);
  try {
    process.exitCode = await body();
  } catch (err) {
    io.stderr(scrub(`orcoursetrion ${name}: ${oneLineError(err)}`) + '\n');
    if (verbose && err instanceof Error && err.stack) io.stderr(scrub(err.stack) + '\n');
    process.exitCode = 1;
  }
}
