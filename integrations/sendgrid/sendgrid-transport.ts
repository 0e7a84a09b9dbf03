import { Client } from '@sendgrid/client';
import { MailService } from '@sendgrid/mail';
import { type Clock, systemClock } from '../../src/clock';
import { EmailSendError, redactAddresses } from '../../src/email/errors';
import type { EmailTransport, OutgoingEmail, Sender } from '../../src/email/transport';
import { ValidationError } from '../../src/errors';
import type { Logger } from '../../src/logging/logger';

export interface SendGridTransportOptions {
  apiKey: string;
  /** Defaults to SendGrid's global API; tests point it at a loopback capture server. */
  baseUrl?: string;
  /** mail_settings.sandbox_mode: SendGrid validates the request but delivers nothing. */
  sandbox?: boolean;
  from: Sender;
  logger: Logger;
  clock?: Clock;
  timeoutMs?: number;
}

/** Used when a 429 carries neither X-RateLimit-Reset nor Retry-After. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;
const MAX_REASON_LENGTH = 300;

/**
 * EmailTransport over the SendGrid v3 mail/send API. Headers and custom args travel inside the
 * personalization, not as top-level `headers`: @sendgrid/mail would also copy top-level mail headers
 * onto the HTTP request. Click and open tracking are off, so links (unsubscribe included) stay as
 * rendered and nobody is tracked.
 */
export function createSendGridTransport(opts: SendGridTransportOptions): EmailTransport {
  if (!opts.apiKey.startsWith('SG.')) throw new ValidationError('SendGrid API key must start with "SG."');
  const clock = opts.clock ?? systemClock;
  const sandbox = opts.sandbox ?? false;
  const client = new Client();
  // setApiKey resets baseUrl to the global region, so the override must come after it.
  client.setApiKey(opts.apiKey);
  if (opts.baseUrl) client.setDefaultRequest('baseUrl', opts.baseUrl);
  const mail = new MailService();
  mail.setClient(client);
  mail.setTimeout(opts.timeoutMs ?? 15_000);

  return {
    async send(msg: OutgoingEmail) {
      const ids = { tenantId: msg.customArgs.tenant_id, deliveryId: msg.customArgs.delivery_id };
      try {
        const [response] = await mail.send({
          from: opts.from,
          subject: msg.subject,
          text: msg.text,
          html: msg.html,
          personalizations: [{ to: [{ email: msg.to }], headers: msg.headers, customArgs: msg.customArgs }],
          categories: msg.categories,
          mailSettings: { sandboxMode: { enable: sandbox } },
          trackingSettings: {
            clickTracking: { enable: false, enableText: false },
            openTracking: { enable: false },
          },
        });
        const headers = response.headers as Record<string, unknown>;
        const messageId = headers['x-message-id'];
        const providerId = typeof messageId === 'string' && messageId ? messageId : sandbox ? 'sandbox' : 'unknown';
        opts.logger.info('email sent', { ...ids, providerId, sandbox });
        return { providerId };
      } catch (err) {
        const error = toSendError(err, clock);
        opts.logger.warn('email send failed', { ...ids, kind: error.kind, status: error.providerStatus, reason: error.reason });
        throw error;
      }
    },
  };
}

interface ProviderErrorShape {
  code?: unknown;
  response?: { headers?: Record<string, unknown>; body?: unknown };
}

/**
 * Errors raised before a single byte of the request can have reached SendGrid (no connection, no
 * name, a refused TLS handshake). Anything else without an answer — a reset or a timeout once the
 * connection was up — may come after SendGrid accepted the message.
 */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL',
  'ERR_INVALID_URL',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function toSendError(err: unknown, clock: Clock): EmailSendError {
  const shape = (typeof err === 'object' && err !== null ? err : {}) as ProviderErrorShape;
  const status = typeof shape.code === 'number' ? shape.code : undefined;
  if (status === undefined || !shape.response) {
    const code = typeof shape.code === 'string' ? shape.code : 'no response';
    if (NOT_SENT_CODES.has(code)) return new EmailSendError({ kind: 'retryable', reason: `not connected (${code})`, cause: err });
    return new EmailSendError({ kind: 'unknown', reason: `no answer after sending (${code})`, cause: err });
  }
  const headers = shape.response.headers ?? {};
  const reason = providerReason(shape.response.body) ?? `HTTP ${status}`;
  if (status === 429) {
    return new EmailSendError({
      kind: 'rate_limited',
      reason,
      providerStatus: status,
      retryAfterMs: retryAfterMs(headers, clock) ?? DEFAULT_RATE_LIMIT_WAIT_MS,
      cause: err,
    });
  }
  const kind = status >= 500 ? 'retryable' : 'permanent';
  return new EmailSendError({ kind, reason, providerStatus: status, cause: err });
}

function retryAfterMs(headers: Record<string, unknown>, clock: Clock): number | undefined {
  const now = clock.now().getTime();
  const reset = Number(headers['x-ratelimit-reset']);
  if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now);
  const retryAfter = headers['retry-after'];
  if (typeof retryAfter !== 'string' || retryAfter.trim() === '') return undefined;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(retryAfter);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** SendGrid answers `{ errors: [{ message, field, help }] }`; messages may quote the recipient. */
function providerReason(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const errors = (body as { errors?: unknown }).errors;
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  const text = errors
    .map((e: { message?: unknown; field?: unknown }) =>
      [e.field, e.message].filter((part) => typeof part === 'string' && part !== '').join(': '),
    )
    .filter(Boolean)
    .join('; ');
  return text ? redactAddresses(text).slice(0, MAX_REASON_LENGTH) : undefined;
}
