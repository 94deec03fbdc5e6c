import { chmod, writeFile } from 'node:fs/promises';
import { envSchema, secretValues, SECRET_SETTINGS } from '../config';
import { openSqlite } from '../db/sqlite';
import type { Db } from '../db/types';
import { messageOf } from '../errors';
import { createLogger } from '../log';
import { createZendeskAdapter } from '../integrations/zendesk/adapter';
import { applySetup, readAccount, SetupConflict } from '../integrations/zendesk/setup/apply';
import { storedObjectsSql } from '../integrations/zendesk/setup/d1-sql';
import { WEBHOOK_PATH } from '../integrations/zendesk/setup/desired';
import { planSetup } from '../integrations/zendesk/setup/plan';
import { reportJson, reportText, type SetupReport } from '../integrations/zendesk/setup/report';

const SETTINGS = ['ORC_ZENDESK_URL', 'ORC_ZENDESK_EMAIL', 'ORC_ZENDESK_TOKEN', 'ORC_PUBLIC_URL', 'ORC_DATABASE', 'ORC_LOG_LEVEL', ...SECRET_SETTINGS] as const;
const setupSettings = envSchema.pick(Object.fromEntries(SETTINGS.map((k) => [k, true])) as { [K in (typeof SETTINGS)[number]]: true });

export interface SetupRun {
  env: Record<string, string | undefined>;
  dryRun: boolean;
  json: boolean;
  /** Also write what was stored as SQL for D1 to this file (a Worker deployment). */
  d1Sql?: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Tests and the sandbox may route Zendesk calls elsewhere; default global fetch. */
  fetch?: typeof globalThis.fetch;
}

/**
 * `orcoursetrion zendesk setup`: needs only the Zendesk settings, ORC_PUBLIC_URL and
 * ORC_DATABASE (not GitHub or edX). Exit codes: 0 done (or nothing to do), 1 Zendesk or the
 * database failed or an object needs a person, 2 settings missing or invalid.
 */
export async function runZendeskSetup(run: SetupRun): Promise<0 | 1 | 2> {
  const parsed = setupSettings.safeParse(run.env);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
  if (parsed.success) {
    const needed = {
      ORC_ZENDESK_URL: 'your Zendesk URL, e.g. https://acme.zendesk.com',
      ORC_ZENDESK_EMAIL: 'the email address of a Zendesk admin',
      ORC_ZENDESK_TOKEN: 'a Zendesk API token (Admin Center > Apps and integrations > Zendesk API)',
    } as const;
    for (const key of ['ORC_ZENDESK_URL', 'ORC_ZENDESK_EMAIL', 'ORC_ZENDESK_TOKEN'] as const) {
      if (!parsed.data[key]) problems.push(`${key}: required for zendesk setup; set it to ${needed[key]}`);
    }
    if (!parsed.data.ORC_PUBLIC_URL) problems.push(`ORC_PUBLIC_URL: required for zendesk setup; set the https URL where Zendesk reaches this service (the webhook calls ORC_PUBLIC_URL${WEBHOOK_PATH})`);
  }
  if (run.dryRun && run.d1Sql) problems.push('--d1-sql: writes what setup stored, and --dry-run stores nothing; drop one of them');
  if (!parsed.success || problems.length > 0) {
    run.stderr(problems.map((p) => `orcoursetrion zendesk setup: ${p}\n`).join(''));
    return 2;
  }
  const config = parsed.data;
  const logger = createLogger({ level: 'warn', secrets: secretValues(config), write: (l) => run.stderr(l + '\n') });
  const publicUrl = (config.ORC_PUBLIC_URL ?? '').replace(/\/+$/, '');
  const admin = createZendeskAdapter({ config, logger, fetch: run.fetch }).admin;
  const base = { dryRun: run.dryRun, zendeskUrl: config.ORC_ZENDESK_URL ?? '', webhookEndpoint: `${publicUrl}${WEBHOOK_PATH}` };

  let report: SetupReport;
  try {
    if (run.dryRun) {
      report = { ...base, actions: planSetup(await readAccount(admin), publicUrl) };
    } else {
      let handle;
      try {
        handle = openSqlite(config.ORC_DATABASE);
      } catch (err) {
        run.stderr(`orcoursetrion zendesk setup: ORC_DATABASE: cannot open ${config.ORC_DATABASE}: ${messageOf(err)}\n`);
        return 1;
      }
      try {
        report = { ...base, ...(await applySetup({ admin, db: handle.db, publicUrl, now: Date.now })) };
        if (run.d1Sql) await writeD1Sql(run, handle.db, run.d1Sql);
      } finally {
        handle.close();
      }
    }
  } catch (err) {
    const hint = err instanceof SetupConflict ? '' : ' (safe to run again once fixed: objects already made are found again by title)';
    run.stderr(`orcoursetrion zendesk setup: ${messageOf(err)}${hint}\n`);
    return 1;
  }
  run.stdout(run.json ? reportJson(report) : reportText(report));
  return report.actions.some((a) => a.type === 'conflict') ? 1 : 0;
}

/** The file holds the webhook's signing secret: readable by its owner only, and said so. */
async function writeD1Sql(run: SetupRun, db: Db, file: string): Promise<void> {
  const { sql, rows } = await storedObjectsSql(db);
  try {
    await writeFile(file, sql, { mode: 0o600 });
    await chmod(file, 0o600);
  } catch (err) {
    throw new Error(`--d1-sql: cannot write ${file}: ${messageOf(err)}; setup itself is done`);
  }
  run.stderr(`wrote ${rows} rows for D1 to ${file}; it holds the webhook signing secret: apply it with \`npx wrangler d1 execute DB --remote --file ${file}\`, then delete it\n`);
}
