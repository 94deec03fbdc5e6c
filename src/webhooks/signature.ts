/**
 * Zendesk webhook signatures: base64(HMAC-SHA256(secret, timestamp + raw body)), with the
 * secret string used as-is as the key (Zendesk's "Verifying webhook authenticity" page).
 * WebCrypto's `verify` compares in constant time and runs on Node and Workers alike.
 */

export const SIGNATURE_HEADER = 'x-zendesk-webhook-signature';
export const TIMESTAMP_HEADER = 'x-zendesk-webhook-signature-timestamp';
export const INVOCATION_HEADER = 'x-zendesk-webhook-invocation-id';
export const WEBHOOK_ID_HEADER = 'x-zendesk-webhook-id';

/** How far a signature timestamp may be from our clock before the delivery counts as a replay. */
export const MAX_SKEW_MS = 5 * 60_000;

const encoder = new TextEncoder();

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

function decodeBase64(value: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return undefined;
  return Uint8Array.from(atob(value), (c) => c.charCodeAt(0));
}

// Imported keys are reused: importing per request is measurable on the intake hot path.
const keys = new Map<string, Promise<CryptoKey>>();
function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size > 16) keys.clear();
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    keys.set(secret, key);
  }
  return key;
}

export async function signZendeskPayload(secret: string, timestamp: string, body: string | Uint8Array): Promise<string> {
  const signed = await crypto.subtle.sign('HMAC', await hmacKey(secret), concat(encoder.encode(timestamp), typeof body === 'string' ? encoder.encode(body) : body));
  return btoa(String.fromCharCode(...new Uint8Array(signed)));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
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
  const at = Date.parse(input.timestamp);
  if (Number.isNaN(at)) return { ok: false, reason: `${TIMESTAMP_HEADER} is not an ISO-8601 time` };
  if (Math.abs(input.now - at) > MAX_SKEW_MS) return { ok: false, reason: `${TIMESTAMP_HEADER} is more than 5 minutes from the server's clock (stale or replayed)` };
  const signature = decodeBase64(input.signature.trim());
  if (!signature) return { ok: false, reason: `${SIGNATURE_HEADER} is not base64` };
  const message = concat(encoder.encode(input.timestamp), input.body);
  for (const secret of input.secrets) {
    if (await crypto.subtle.verify('HMAC', await hmacKey(secret), signature, message)) return { ok: true };
  }
  return { ok: false, reason: 'signature does not match' };
}
