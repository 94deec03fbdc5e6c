import type { Config } from '../config';
import type { EdxEnvironment } from '../courses/edx';
import { messageOf } from '../errors';
import type { EdxClient } from '../integrations/edx/client';
import { EdxPermanentError } from '../integrations/edx/errors';
import { isEdxApiEnabled } from '../integrations/edx/enabled';
import { fail, ok, skip, type Check } from './check';

type EdxSettings = Pick<Config, 'edx' | 'ORC_EDX_STUDIO_URL' | 'ORC_EDX_STAGING_URL' | 'ORC_EDX_CLIENT_ID' | 'ORC_EDX_CLIENT_SECRET' | 'ORC_STAGING_GITRELOAD' | 'ORC_PRODUCTION_GITRELOAD' | 'ORC_XML_ORG'>;

const HOOKS: Array<{ environment: EdxEnvironment; setting: 'ORC_STAGING_GITRELOAD' | 'ORC_PRODUCTION_GITRELOAD' }> = [
  { environment: 'staging', setting: 'ORC_STAGING_GITRELOAD' },
  { environment: 'production', setting: 'ORC_PRODUCTION_GITRELOAD' },
];

/** The Studio API (token, global staff, giturl) and each gitreload hook; what is not configured is skipped. */
export async function edxChecks(edx: EdxClient, config: EdxSettings): Promise<Check[]> {
  return [...(await studioChecks(edx, config)), ...(await Promise.all(HOOKS.map((h) => hookCheck(edx, config, h))))];
}

async function studioChecks(edx: EdxClient, config: EdxSettings): Promise<Check[]> {
  const missing = (['ORC_EDX_STUDIO_URL', 'ORC_EDX_STAGING_URL', 'ORC_EDX_CLIENT_ID', 'ORC_EDX_CLIENT_SECRET'] as const).filter((k) => !config[k]);
  if (missing.length > 0) return [skip('edx api', `not configured (${missing.join(', ')} unset): every edX step but git import is left to an agent`)];
  let runs;
  try {
    // One run (page_size=1): the list answers only global staff, and each page walks the modulestore.
    runs = await edx.listCourseRuns(1);
  } catch (err) {
    const status = err instanceof EdxPermanentError ? err.status : undefined;
    const detail = messageOf(err);
    // The token source names its operation "get an edX access token" (integrations/edx/token.ts).
    if (status === 401 || /access token/i.test(detail)) {
      return [fail('edx token', detail, 'ORC_EDX_CLIENT_SECRET', 'set ORC_EDX_CLIENT_ID and ORC_EDX_CLIENT_SECRET to the OAuth application (client credentials) of the service user on the LMS at ORC_EDX_STAGING_URL')];
    }
    if (status === 403) {
      return [ok('edx token', 'obtained'), fail('edx global staff', detail, 'ORC_EDX_CLIENT_ID', 'make the user of that OAuth application global staff (Django admin: is_staff), as the course_runs API requires')];
    }
    return [fail('edx api', detail, 'ORC_EDX_STUDIO_URL', 'check ORC_EDX_STUDIO_URL and ORC_EDX_STAGING_URL point at the Studio and LMS of one installation')];
  }
  const checks = [ok('edx token', 'obtained'), ok('edx global staff', `GET course_runs?page_size=1 answered with ${runs.length === 0 ? 'no run' : 'one run'}`)];
  if (!isEdxApiEnabled(config, 'advanced_settings')) {
    checks.push(skip('edx giturl', 'advanced_settings is not in ORC_EDX_API: an agent sets giturl by hand'));
  } else if (runs.length === 0) {
    checks.push(skip('edx giturl', 'Studio has no course run to read advanced settings from; assumed writable (Studio shows giturl only when git export is enabled)'));
  } else {
    const key = runs[0]!.id;
    try {
      const visible = await edx.visibleAdvancedSettings(key, ['giturl']);
      checks.push(
        visible.includes('giturl')
          ? ok('edx giturl', `Studio shows giturl in ${key}'s advanced settings, so it keeps what is written`)
          : fail('edx giturl', `Studio hides giturl in ${key}'s advanced settings (git export is off), so a write would be dropped`, 'ORC_EDX_API', 'turn on ENABLE_EXPORT_GIT in Studio, or remove advanced_settings from ORC_EDX_API so an agent sets giturl'),
      );
    } catch (err) {
      checks.push(fail('edx giturl', messageOf(err), 'ORC_EDX_API', 'the service user must be able to read advanced settings; or remove advanced_settings from ORC_EDX_API'));
    }
  }
  return checks;
}

async function hookCheck(edx: EdxClient, config: EdxSettings, hook: (typeof HOOKS)[number]): Promise<Check> {
  const name = `edx ${hook.environment} gitreload`;
  if (!config[hook.setting]) return skip(name, `${hook.setting} is not set: ${hook.environment} imports are left to an agent`);
  // A repository that does not matter: the branch does not exist, so nothing is imported.
  const result = await edx.checkGitreloadHook(hook.environment, `${config.ORC_XML_ORG}/orcoursetrion-doctor`);
  const detail = `${result.receiver} (${hook.setting}): ${result.detail}`;
  if (result.verdict === 'ok') return ok(name, `${detail} (refused an unknown branch itself: the signature was accepted)`);
  const setting = result.verdict === 'wrong-secret' && result.receiver === 'edx-sysadmin' ? 'ORC_GITRELOAD_SECRET' : result.verdict === 'other' && /_BRANCH=/.test(result.fix ?? '') ? `${hook.setting}_BRANCH` : hook.setting;
  return fail(name, detail, setting, result.fix ?? `check ${hook.setting}`);
}
