import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { configEnv, parseConfig, secretValues, type Config, type ConfigUse } from '../config';
import { openSqlite } from '../db/sqlite';
import { PermanentError } from '../errors';
import { nodeFiles } from '../node-files';
import { createLogger, createScrubber, type Logger } from '../log';
import type { Actor } from '../requests/events';
import { runningSandbox, type SandboxEndpoints } from '../sandbox/running';
import type { CliIo } from './io';
import { envScrubber, oneLineError } from './scrub';

export { envScrubber, oneLineError };

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
  /** Where an agent opens a ticket: the running sandbox's help desk, or Zendesk's agent workspace. */
  ticketUrl(ticketId: number): string | undefined;
}

/** The sandbox recorded in `database` and answering, if any (a database not made yet has none, and is not made here). */
export async function sandboxBeside(database: string): Promise<SandboxEndpoints | undefined> {
  if (database === ':memory:' || !existsSync(database)) return undefined;
  const handle = openSqlite(database);
  try {
    return await runningSandbox(handle.db);
  } finally {
    handle.close();
  }
}

/**
 * The sandbox running on the database the settings name, if any; none when they do not parse
 * (the caller reports its own settings' problems).
 */
export async function sandboxOfSettings(env: Record<string, string | undefined>): Promise<SandboxEndpoints | undefined> {
  let database: string;
  try {
    database = parseConfig(env, nodeFiles, { sidebar: false, github: false, edx: false }).ORC_DATABASE;
  } catch {
    return undefined;
  }
  return sandboxBeside(database);
}

/**
 * Parses the settings. With no credentials (sandbox mode) and `useSandbox`, the command works on
 * the simulators of the sandbox (`npm start`) running on the same database, so its requests,
 * tickets and repositories are the ones the help desk shows; with none running it stops and
 * says how to start one (a throwaway copy would record requests whose tickets exist nowhere).
 */
export async function cliSettings(io: CliIo, options: { verbose?: boolean; useSandbox: boolean; use: ConfigUse }): Promise<CliSettings> {
  let config = parseConfig(io.env, nodeFiles, options.use);
  let helpdesk: string | undefined;
  if (config.sandbox && options.useSandbox) {
    const running = await sandboxBeside(config.ORC_DATABASE);
    if (!running) {
      throw new PermanentError(
        `sandbox mode (no credentials are set) needs the sandbox running on this database (${config.ORC_DATABASE}): start it with \`npm start\` in another terminal, with the same ORC_DATABASE, then run this command again`,
      );
    }
    config = parseConfig({ ...configEnv(config), ...running.env, ORC_SANDBOX: '1' }, nodeFiles, options.use);
    helpdesk = `${running.service}/helpdesk`;
    io.stderr(`sandbox mode: working on the sandbox running at ${running.service} (its simulated GitHub, Zendesk and edX); nothing real is changed\n`);
  }
  const secrets = [...secretValues(config), config.ORC_STAGING_GITRELOAD, config.ORC_PRODUCTION_GITRELOAD].filter((v): v is string => Boolean(v));
  const log = createLogger({ level: options.verbose ? 'warn' : 'error', secrets, write: (line) => io.stderr(line + '\n') });
  const zendesk = config.ORC_ZENDESK_URL ? new URL(config.ORC_ZENDESK_URL).origin : undefined;
  const ticketUrl = (id: number) => (helpdesk ? `${helpdesk}/tickets/${id}` : zendesk && `${zendesk}/agent/tickets/${id}`);
  return { config, log, scrub: createScrubber(secrets), ticketUrl };
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
