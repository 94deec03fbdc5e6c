import { Hono } from 'hono';
import { z } from 'zod';
import type { Clock } from '../engine/types';
import { AppError } from '../errors';
import type { Logger } from '../log';
import type { DeliveryRecorder } from '../webhooks/delivery-recorder';
import { boundedBody } from './body-limit';
import { parseJson } from './http-errors';
import { INVOCATION_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyZendeskSignature, WEBHOOK_ID_HEADER } from '../webhooks/signature';

/** Trigger bodies carry ids only (free text would break the JSON Zendesk pastes together). */
const deliveryBody = z.object({
  ticket_id: z.unknown().transform((value, ctx) => {
    const id = typeof value === 'number' ? value : typeof value === 'string' && /^[1-9]\d{0,14}$/.test(value) ? Number(value) : Number.NaN;
    if (Number.isSafeInteger(id) && id > 0) return id;
    ctx.addIssue({
      code: 'custom',
      message:
        value === undefined
          ? 'is required: the trigger body must be {"ticket_id":"{{ticket.id}}","event":"..."}'
          : 'is malformed: it must be the ticket number, a positive whole number as {{ticket.id}} gives it (e.g. "ticket_id":"12345")',
    });
    return z.NEVER;
  }),
  event: z.string().max(64).optional(),
});

/**
 * `orcoursetrion doctor`'s probe, sent through Zendesk's webhook test: signed like a delivery but
 * about no ticket. It is answered 200 with its nonce (so the doctor knows this service answered)
 * and never recorded; Zendesk's test requests may lack an invocation id, so none is asked for.
 */
export const PROBE_FIELD = 'orcoursetrion_probe';
const probeBody = z.object({ [PROBE_FIELD]: z.string().min(1).max(64) }).strict();

const MAX_BODY_BYTES = 256 * 1024;

export interface WebhookDeps {
  clock: Clock;
  log: Logger;
  recorder: DeliveryRecorder;
  webhookSecrets(): Promise<readonly string[]>;
  /** Called after a new delivery is durable: the engine should look at it now. */
  onDelivery(): void;
}

/**
 * POST /webhooks/zendesk: verify, record, acknowledge. Nothing else happens on this path: the
 * ticket is re-read through the API by the engine, so the answer takes milliseconds and
 * Zendesk's 10 s timeout and circuit breaker never come near.
 */
export function webhookRoutes(deps: WebhookDeps) {
  const app = new Hono();
  // Accepted deliveries are logged by the engine when processed; refusals are logged here.
  app.use('*', async (c, next) => {
    await next();
    if (c.res.status >= 300) deps.log.info('http', { method: c.req.method, path: c.req.path, status: c.res.status });
  });
  app.post(
    '/zendesk',
    boundedBody(MAX_BODY_BYTES, 'Webhook bodies are at most 256 KiB; trigger bodies should carry the ticket id only'),
    async (c) => {
      const body = new Uint8Array(await c.req.arrayBuffer());
      const check = await verifyZendeskSignature({
        secrets: await deps.webhookSecrets(),
        signature: c.req.header(SIGNATURE_HEADER),
        timestamp: c.req.header(TIMESTAMP_HEADER),
        body,
        now: deps.clock(),
      });
      if (!check.ok) {
        deps.log.warn('webhook rejected', { reason: check.reason });
        return c.json({ error: { code: 'invalid_signature', message: `Webhook rejected: ${check.reason}`, details: null } }, 401);
      }
      const type = c.req.header('content-type') ?? '';
      if (!/^application\/json\b/i.test(type)) {
        throw new AppError(415, 'unsupported_media_type', `Content-Type must be application/json (got "${type.slice(0, 60)}")`);
      }
      const text = new TextDecoder().decode(body);
      const probe = probeOf(text);
      if (probe !== undefined) return c.json({ status: 'probe', [PROBE_FIELD]: probe }, 200);
      const invocationId = c.req.header(INVOCATION_HEADER);
      if (!invocationId || invocationId.length > 200) throw new AppError(400, 'missing_invocation_id', `The ${INVOCATION_HEADER} header is required`);
      const parsed = parseJson(text, deliveryBody);
      const outcome = await deps.recorder.record({
        invocationId,
        webhookId: c.req.header(WEBHOOK_ID_HEADER) ?? null,
        ticketId: parsed.ticket_id,
        event: parsed.event ?? null,
        body: text,
        receivedAt: deps.clock(),
      });
      if (outcome === 'duplicate') return c.json({ status: 'duplicate' }, 200);
      // A coalesced one gives the engine nothing new to claim: the pending one it joined woke it.
      if (outcome === 'new') deps.onDelivery();
      return c.json({ status: 'accepted' }, 202);
    },
  );
  return app;
}

function probeOf(text: string): string | undefined {
  // A delivery never names the field: it is parsed once, as a delivery.
  if (!text.includes(PROBE_FIELD)) return undefined;
  try {
    const parsed = probeBody.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data[PROBE_FIELD] : undefined;
  } catch {
    return undefined;
  }
}
