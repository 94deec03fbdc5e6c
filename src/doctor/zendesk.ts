import type { Config } from '../config';
import { messageOf } from '../errors';
import type { ZendeskAdapter } from '../integrations/zendesk/adapter';
import { ZendeskRequestFailed } from '../integrations/zendesk/errors';
import { readAccount } from '../integrations/zendesk/setup/apply';
import { REQUESTER_UPDATE_CONDITION, UPDATED_TRIGGER_TITLE, WEBHOOK_PATH } from '../integrations/zendesk/setup/desired';
import type { ZendeskTrigger } from '../integrations/zendesk/schemas';
import { planSetup, type Action } from '../integrations/zendesk/setup/plan';
import { PROBE_FIELD } from '../routes/webhooks';
import { fail, ok, skip, type Check } from './check';

type ZendeskSettings = Pick<Config, 'ORC_ZENDESK_URL'>;

const SETUP = 'run `orcoursetrion zendesk setup` (with the same ORC_PUBLIC_URL), then doctor again';

/**
 * The API credentials and their role, `zendesk setup` applied and unchanged (its own plan, so
 * "unchanged" means exactly what setup would leave alone), and Zendesk's webhook test reaching
 * the service with a signature it accepts.
 */
export async function zendeskChecks(adapter: () => ZendeskAdapter, config: ZendeskSettings, publicUrl: string | undefined, nonce: () => string): Promise<Check[]> {
  if (!config.ORC_ZENDESK_URL) return [skip('zendesk', 'not configured (ORC_ZENDESK_URL unset): requests come only from the command line')];
  const zendesk = adapter();
  let role: string;
  try {
    const me = await zendesk.me();
    role = me.role;
  } catch (err) {
    const status = err instanceof ZendeskRequestFailed ? err.failure.status : undefined;
    return status === 401 || status === 403
      ? [fail('zendesk credentials', `GET /api/v2/users/me refused: ${messageOf(err)}`, 'ORC_ZENDESK_TOKEN', 'set ORC_ZENDESK_EMAIL and ORC_ZENDESK_TOKEN to an admin\'s email and an active API token (Admin Center > Apps and integrations > Zendesk API)')]
      : [fail('zendesk credentials', `GET /api/v2/users/me failed: ${messageOf(err)}`, 'ORC_ZENDESK_URL', 'set ORC_ZENDESK_URL to the account\'s URL, e.g. https://acme.zendesk.com')];
  }
  const checks = [ok('zendesk credentials', 'GET /api/v2/users/me answered')];
  checks.push(role === 'admin' ? ok('zendesk role', 'the API user is an admin') : fail('zendesk role', `the API user is ${role}`, 'ORC_ZENDESK_EMAIL', 'use an admin\'s email and API token: setup and the webhook test need an admin'));
  if (!publicUrl) {
    checks.push(fail('zendesk setup', 'cannot compare: the webhook endpoint is unknown', 'ORC_PUBLIC_URL', 'set ORC_PUBLIC_URL to the https URL where Zendesk reaches this service'));
    return checks;
  }
  let actions: Action[];
  let triggers: ZendeskTrigger[];
  try {
    const snapshot = await readAccount(zendesk.admin);
    actions = planSetup(snapshot, publicUrl);
    triggers = snapshot.triggers;
  } catch (err) {
    checks.push(fail('zendesk setup', `cannot read the account's objects: ${messageOf(err)}`, 'ORC_ZENDESK_EMAIL', 'use an admin\'s credentials'));
    return checks;
  }
  const pending = actions.filter((a) => a.type !== 'unchanged');
  checks.push(
    pending.length === 0
      ? ok('zendesk setup', `applied and unchanged (${actions.length} objects)`)
      : fail('zendesk setup', `changes pending: ${pending.map(describe).join('; ')}`, 'ORC_PUBLIC_URL', SETUP),
  );
  checks.push(requesterUpdates(triggers));
  const webhook = actions.find((a) => a.kind === 'webhook');
  if (!webhook || webhook.type === 'create') {
    checks.push(skip('zendesk webhook test', 'no webhook yet: zendesk setup creates it'));
    return checks;
  }
  checks.push(await webhookTest(zendesk, webhook.id, `${publicUrl}${WEBHOOK_PATH}`, nonce()));
  return checks;
}

/** Intake hears of a requester's edits and replies only through this condition of the "updated" trigger. */
function requesterUpdates(triggers: ZendeskTrigger[]): Check {
  const name = 'zendesk requester updates';
  const trigger = triggers.find((t) => t.title === UPDATED_TRIGGER_TITLE);
  const { field, operator, value } = REQUESTER_UPDATE_CONDITION;
  const condition = `${field} ${operator} ${value}`;
  if (!trigger) return skip(name, `no trigger "${UPDATED_TRIGGER_TITLE}" yet: zendesk setup creates it`);
  const found = trigger.active && trigger.conditions.any.some((c) => c.field === field && c.operator === operator && c.value === value);
  return found
    ? ok(name, `"${UPDATED_TRIGGER_TITLE}" fires on a requester's edit or reply (${condition})`)
    : fail(name, `"${UPDATED_TRIGGER_TITLE}" is ${trigger.active ? `missing its "${condition}" condition` : 'inactive'}: a requester's fixes would never be checked again`, 'ORC_PUBLIC_URL', SETUP);
}

const describe = (a: Action) => `${a.type} ${a.kind} "${a.title}"${a.type === 'update' ? ` (${a.changes.join(', ')})` : a.type === 'conflict' ? ` (${a.reason})` : ''}`;

async function webhookTest(zendesk: ZendeskAdapter, webhookId: string, endpoint: string, probe: string): Promise<Check> {
  const name = 'zendesk webhook test';
  let answer;
  try {
    answer = await zendesk.admin.testWebhook(webhookId, { endpoint, payload: JSON.stringify({ [PROBE_FIELD]: probe }) });
  } catch (err) {
    return fail(name, `POST /api/v2/webhooks/test failed: ${messageOf(err)}`, 'ORC_ZENDESK_EMAIL', 'use an admin\'s credentials (testing a webhook needs one)');
  }
  const body = (answer.body ?? '').slice(0, 200);
  if (answer.status === 200 && body.includes(probe)) return ok(name, `Zendesk reached ${endpoint} and the service accepted the signature`);
  if (answer.status === 401) {
    return fail(name, `${endpoint} refused the signature (401)`, 'ORC_ZENDESK_WEBHOOK_SECRET', `the service does not hold this webhook's signing secret: ${SETUP.replace(', then', ' (on Workers also apply its --d1-sql), then')}; or set ORC_ZENDESK_WEBHOOK_SECRET to the webhook's signing secret`);
  }
  return fail(name, `Zendesk got ${answer.status === 0 ? 'no answer' : `${answer.status}`} from ${endpoint}${body ? `: ${body}` : ''}`, 'ORC_PUBLIC_URL', 'set ORC_PUBLIC_URL to the https URL where Zendesk reaches this running service (a proxy must pass /webhooks/zendesk through)');
}
