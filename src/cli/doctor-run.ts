import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from './io';
import { configEnv, parseConfig, secretValues } from '../config';
import { createLogger, createScrubber } from '../log';
import { nodeFiles } from '../node-files';
import { startService } from '../server';
import type { Check } from '../doctor/check';
import { runDoctor } from '../doctor/run';

/**
 * The doctor from the command line: against the configured systems, or in sandbox mode against
 * the simulators with the real service running on a temporary database (Zendesk's webhook test
 * must reach it). Every line is scrubbed of the configured secrets.
 */
export async function diagnose(io: CliIo, verbose: boolean): Promise<Check[]> {
  const requested = parseConfig(io.env, nodeFiles);
  const secrets = (config: typeof requested) => [...secretValues(config), config.ORC_STAGING_GITRELOAD, config.ORC_PRODUCTION_GITRELOAD].filter((v): v is string => Boolean(v));
  const logFor = (config: typeof requested) => createLogger({ level: verbose ? 'warn' : 'error', secrets: secrets(config), write: (line) => io.stderr(line + '\n') });
  if (!requested.sandbox) {
    const checks = await runDoctor({ config: requested, log: logFor(requested), publicUrl: requested.ORC_PUBLIC_URL ? requested.publicUrl : undefined });
    return scrubbed(checks, secrets(requested));
  }
  io.stderr('sandbox mode: no credentials are set, so the doctor checks the simulators, with the service running on a temporary database\n');
  const dir = mkdtempSync(join(tmpdir(), 'orc-doctor-'));
  try {
    // Its engine has nothing to do while the checks run: inline, no thread to start.
    const service = await startService(parseConfig({ ...configEnv(requested), ORC_DATABASE: join(dir, 'doctor.db'), PORT: '0' }, nodeFiles), { log: logFor(requested), engine: 'inline' });
    try {
      const config = service.config;
      const checks = await runDoctor({ config, log: logFor(config), publicUrl: config.ORC_PUBLIC_URL ? config.publicUrl : service.url });
      return scrubbed(checks, secrets(config));
    } finally {
      await service.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function scrubbed(checks: Check[], secrets: string[]): Check[] {
  const scrub = createScrubber(secrets);
  return checks.map((c) => ({ ...c, detail: scrub(c.detail), ...(c.fix !== undefined && { fix: scrub(c.fix) }) }));
}
