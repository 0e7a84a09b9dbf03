import { EventWebhook, EventWebhookHeader } from '@sendgrid/eventwebhook';
import express, { Router, type Request, type Response } from 'express';
import type { ProviderEvent, ProviderEvents } from '../email/provider-events';
import { ValidationError } from '../errors';
import type { Logger } from '../logging/logger';

export const SENDGRID_EVENTS_PATH = '/api/webhooks/sendgrid/events';
/** SendGrid posts a batch when it reaches 768 KB (or every 30 s); anything much larger is not SendGrid. */
export const SENDGRID_EVENTS_BODY_LIMIT = '1mb';

export interface SendGridEventsDeps {
  /** The Event Webhook's verification key (base64 DER as SendGrid shows it, or PEM); undefined: not set up. */
  publicKey: string | undefined;
  events: ProviderEvents;
  logger: Logger;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * SendGrid's event JSON: an array of objects with `event`, `timestamp` (Unix seconds), `sg_message_id`,
 * and our custom args (`delivery_id`, `tenant_id`) at the top level. Events without our delivery ID
 * (other mail of the same account) are counted and skipped; `email` is never read.
 */
export function parseSendGridEvents(body: string): { events: ProviderEvent[]; skipped: number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new ValidationError('The body is not JSON');
  }
  if (!Array.isArray(parsed)) throw new ValidationError('Expected a JSON array of events');
  const events: ProviderEvent[] = [];
  let skipped = 0;
  for (const item of parsed as unknown[]) {
    const e = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    const event = text(e.event);
    const deliveryId = text(e.delivery_id);
    const seconds = typeof e.timestamp === 'number' && Number.isFinite(e.timestamp) ? e.timestamp : null;
    if (!event || !deliveryId || seconds === null) {
      skipped += 1;
      continue;
    }
    events.push({
      event,
      deliveryId,
      tenantId: text(e.tenant_id),
      occurredAt: new Date(seconds * 1000).toISOString(),
      bounceType: text(e.type),
      reason: text(e.reason),
    });
  }
  return { events, skipped };
}

/**
 * POST /api/webhooks/sendgrid/events: no session, no CSRF, no API key — the ECDSA signature over the
 * raw body (checked with SendGrid's own @sendgrid/eventwebhook) is the only credential. Mounted before
 * the JSON body parser so the bytes are the ones SendGrid signed. Applying a batch twice changes
 * nothing, so SendGrid's retries are harmless.
 */
export function sendgridEventsRoutes(deps: SendGridEventsDeps): Router {
  const webhook = new EventWebhook();
  let key: ReturnType<EventWebhook['convertPublicKeyToECDSA']> | undefined;
  try {
    key = deps.publicKey ? webhook.convertPublicKeyToECDSA(deps.publicKey) : undefined;
  } catch {
    throw new ValidationError('SENDGRID_WEBHOOK_PUBLIC_KEY is not an ECDSA public key (paste the verification key SendGrid shows for the signed Event Webhook)');
  }
  const router = Router();
  const refuse = (req: Request, res: Response, status: number, code: string, message: string) => {
    res.status(status).json({ error: { code, message, requestId: req.requestId } });
  };

  router.post(SENDGRID_EVENTS_PATH, express.raw({ type: () => true, limit: SENDGRID_EVENTS_BODY_LIMIT }), async (req, res) => {
    if (!key) {
      refuse(req, res, 503, 'not_configured', 'The SendGrid event webhook key is not configured (SENDGRID_WEBHOOK_PUBLIC_KEY)');
      return;
    }
    const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const signature = req.get(EventWebhookHeader.SIGNATURE());
    const timestamp = req.get(EventWebhookHeader.TIMESTAMP());
    let valid = false;
    try {
      valid = !!signature && !!timestamp && webhook.verifySignature(key, body, signature, timestamp);
    } catch {
      valid = false;
    }
    if (!valid) {
      deps.logger.warn('sendgrid event batch refused: bad signature', { requestId: req.requestId });
      refuse(req, res, 403, 'bad_signature', 'The event batch is not signed with the configured key');
      return;
    }
    const { events, skipped } = parseSendGridEvents(body);
    const result = await deps.events.apply(events);
    deps.logger.info('sendgrid event batch applied', { requestId: req.requestId, events: events.length, skipped, applied: result.applied });
    res.json({ received: events.length + skipped, applied: result.applied, ignored: result.ignored + skipped });
  });
  return router;
}
