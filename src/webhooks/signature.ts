/**
 * Zendesk webhook signatures: base64(HMAC-SHA256(secret, timestamp + raw body)), with the
 * secret string used as-is as the key (Zendesk's "Verifying webhook authenticity" page).
 * node:crypto's synchronous HMAC and timingSafeEqual (constant time) run on Node and on
 * Workers (nodejs_compat). Synchronous on purpose: WebCrypto's async verify cost ~0.3 ms of
 * main-thread dispatch per delivery and spread a burst's verifications over many event-loop
 * turns, so the delivery recorder's group commits got small.
 */
import { Buffer } from 'node:buffer';
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-zendesk-webhook-signature';
export const TIMESTAMP_HEADER = 'x-zendesk-webhook-signature-timestamp';
export const INVOCATION_HEADER = 'x-zendesk-webhook-invocation-id';
export const WEBHOOK_ID_HEADER = 'x-zendesk-webhook-id';

/** How far a signature timestamp may be from our clock before the delivery counts as a replay. */
export const MAX_SKEW_MS = 5 * 60_000;

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * The form Zendesk sends: UTC to the second with a Z, e.g. 2021-03-25T05:09:27Z
 * (developer.zendesk.com/documentation/webhooks/anatomy-of-a-webhook-request/). Fractional
 * seconds are tolerated in case Zendesk ever adds them (docs/real-systems.md); offsets, local
 * times, bare dates and epoch numbers are not, since a signature is over the header as sent.
 */
const ZENDESK_TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,9})?Z$/;

/** The last timestamp read: deliveries within a second carry the same one, read once. */
let lastTime: { value: string; at: number | undefined } | undefined;

/** Epoch ms of a timestamp in Zendesk's form, or undefined (a form that is not, or a day that does not exist). */
function zendeskTime(value: string): number | undefined {
  if (lastTime?.value !== value) lastTime = { value, at: parseZendeskTime(value) };
  return lastTime.at;
}

function parseZendeskTime(value: string): number | undefined {
  const match = ZENDESK_TIMESTAMP.exec(value);
  if (!match) return undefined;
  const at = Date.parse(`${match[1]}Z`);
  // Date.parse rolls 2021-02-30 over to March 2; a real time reads back the same.
  if (Number.isNaN(at) || new Date(at).toISOString().slice(0, 19) !== match[1]) return undefined;
  return at;
}

function decodeBase64(value: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return undefined;
  return Buffer.from(value, 'base64');
}

function hmac(secret: string, timestamp: string, body: string | Uint8Array): Buffer {
  return createHmac('sha256', secret).update(timestamp).update(body).digest();
}

export async function signZendeskPayload(secret: string, timestamp: string, body: string | Uint8Array): Promise<string> {
  return hmac(secret, timestamp, body).toString('base64');
}

/** Checks presence, freshness and the HMAC against every current secret (rotation keeps two). */
export async function verifyZendeskSignature(input: {
  secrets: readonly string[];
  signature: string | undefined;
  timestamp: string | undefined;
  body: Uint8Array;
  now: number;
}): Promise<SignatureCheck> {
  if (input.secrets.length === 0) return { ok: false, reason: 'no webhook secret is configured (run `orcoursetrion zendesk setup` or set ORC_ZENDESK_WEBHOOK_SECRET)' };
  if (!input.signature) return { ok: false, reason: `missing ${SIGNATURE_HEADER} header` };
  if (!input.timestamp) return { ok: false, reason: `missing ${TIMESTAMP_HEADER} header` };
  const at = zendeskTime(input.timestamp);
  if (at === undefined) return { ok: false, reason: `${TIMESTAMP_HEADER} must be a UTC time as Zendesk sends it, YYYY-MM-DDTHH:MM:SSZ (e.g. 2021-03-25T05:09:27Z)` };
  if (Math.abs(input.now - at) > MAX_SKEW_MS) return { ok: false, reason: `${TIMESTAMP_HEADER} is more than 5 minutes from the server's clock (stale or replayed)` };
  const signature = decodeBase64(input.signature.trim());
  if (!signature) return { ok: false, reason: `${SIGNATURE_HEADER} is not base64` };
  for (const secret of input.secrets) {
    const expected = hmac(secret, input.timestamp, input.body);
    // timingSafeEqual needs equal lengths; a wrong length reveals nothing about the secret.
    if (signature.length === expected.length && timingSafeEqual(signature, expected)) return { ok: true };
  }
  return { ok: false, reason: 'signature does not match' };
}
