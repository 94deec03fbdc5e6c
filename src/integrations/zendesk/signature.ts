import { createHmac } from 'node:crypto';

/**
 * Zendesk's webhook signature, as the current "Verifying webhook authenticity" page gives it:
 * base64(HMAC-SHA256(key = the signing secret string as-is, message = timestamp + raw body)),
 * the timestamp being the x-zendesk-webhook-signature-timestamp header (ISO-8601 UTC). An
 * older copy of the page says body + timestamp; its own worked example agrees with that
 * order, known-working third-party verifiers use timestamp + body. Unverified against a real
 * delivery (see reference/zendesk.md §1.2): the simulator signs this way, the receiver must match.
 */
export function zendeskSignature(secret: string, timestamp: string, rawBody: string): string {
  return createHmac('sha256', secret).update(timestamp + rawBody).digest('base64');
}

/** Zendesk's timestamp format: ISO-8601 UTC without milliseconds, e.g. 2021-03-25T05:09:27Z. */
export const zendeskTimestamp = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
