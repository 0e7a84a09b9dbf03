import { DateTime } from 'luxon';
import pLimit from 'p-limit';
import type { Clock } from '../clock';
import type { Db } from '../db/db';
import { NotFoundError } from '../errors';
import type { Logger } from '../logging/logger';
import { createDeliveryRepo, type DeliveryState, type RecipientFacts } from './delivery.repo';
import { EmailSendError, type EmailSendErrorKind } from './errors';
import { forPreview } from './preview-redaction';
import type { EmailLanguage } from './i18n';
import { saysSomething } from './relevance';
import type { InsightEmailInput, InsightEmailRenderer, RenderedEmail } from './render';
import type { EmailTransport } from './transport';
import { type TokenSigner, unsubscribeHeaders } from './unsubscribe-token';

export interface DeliveryTenant {
  id: string;
  displayName: string;
  timezone: string;
  defaultLanguage: string;
  /** Where employees record hours in the ERP (tenant setting); linked from the missing-hours section. */
  erpWebUrl?: string | null;
}

/** The ERP's send-time lookup for ONE person: used for one message and forgotten, never stored or logged. */
export interface RecipientLookup {
  recipient(personId: string): Promise<{ firstName: string | null; email: string | null; language: string | null } | null>;
}

export interface DeliveryResult {
  sent: number;
  skipped: Record<string, number>;
  failed: number;
  unknown: number;
}

export interface DeliveryService {
  deliverPeriod(input: { tenant: DeliveryTenant; period: string; erp: RecipientLookup }): Promise<DeliveryResult>;
  /** What the person would receive for `period` (default: their latest), without sending or recording anything. */
  preview(input: { tenant: DeliveryTenant; personId: string; period?: string; erp: RecipientLookup }): Promise<RenderedEmail>;
}

export interface DeliveryDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  renderer: InsightEmailRenderer | ((input: InsightEmailInput) => RenderedEmail);
  transport: EmailTransport;
  signer: TokenSigner;
  publicBaseUrl: string;
  concurrency: number;
  /** Waits between retries; injectable so tests do not wait for real. */
  sleep?: (ms: number) => Promise<void>;
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxRateLimitWaits?: number; defaultRateLimitMs?: number };
  tokenTtlDays?: number;
  /** Told about every hand-over to the provider (metrics): 'sent', or the kind of failure. */
  onSend?: (info: { outcome: 'sent' | EmailSendErrorKind | 'unclassified'; durationMs: number }) => void;
}

const LANGUAGES: readonly EmailLanguage[] = ['fi', 'sv', 'en'];
const asLanguage = (code: string | null | undefined): EmailLanguage | null => {
  const short = code?.trim().slice(0, 2).toLowerCase();
  return LANGUAGES.find((l) => l === short) ?? null;
};

/** Weekly periods give weekly digests; a month period ('2026-11') is a monthly digest. */
export const deliveryKind = (period: string): 'weekly' | 'monthly' => (/^\d{4}-\d{2}$/.test(period) ? 'monthly' : 'weekly');

/**
 * A week's digest goes out on the Monday after it; the first such Monday of a month carries the
 * digest that people who chose "monthly" receive.
 */
export function isFirstDigestOfMonth(period: string): boolean {
  if (deliveryKind(period) === 'monthly') return true;
  const monday = DateTime.fromISO(`${period}-1`, { zone: 'utc' });
  if (!monday.isValid) return false;
  return monday.plus({ days: 7 }).day <= 7;
}

export function chooseLanguage(preferred: string | null, erp: string | null, synced: string | null, tenantDefault: string): EmailLanguage {
  return asLanguage(preferred) ?? asLanguage(erp) ?? asLanguage(synced) ?? asLanguage(tenantDefault) ?? 'en';
}

/** The message left: the provider took it, and may since have reported where it went. */
const SENT_STATES: ReadonlySet<string> = new Set<DeliveryState>(['sent', 'delivered', 'bounced']);

type Outcome = { type: 'sent' } | { type: 'skipped'; reason: string } | { type: 'failed' } | { type: 'unknown' };

export function createDeliveryService(deps: DeliveryDeps): DeliveryService {
  const { clock, transport, signer } = deps;
  const repo = createDeliveryRepo(deps.db);
  const render = typeof deps.renderer === 'function' ? deps.renderer : deps.renderer.render.bind(deps.renderer);
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxAttempts = deps.retry?.maxAttempts ?? 4;
  const baseDelayMs = deps.retry?.baseDelayMs ?? 1000;
  const maxRateLimitWaits = deps.retry?.maxRateLimitWaits ?? 5;
  const defaultRateLimitMs = deps.retry?.defaultRateLimitMs ?? 1000;
  const ttlDays = deps.tokenTtlDays ?? 90;
  const base = deps.publicBaseUrl.replace(/\/+$/, '');
  const now = () => clock.now().toISOString();

  const links = (tenantId: string, personId: string) => ({
    unsubscribeUrl: `${base}/u/${signer.sign({ tenantId, personId, purpose: 'unsubscribe', ttlDays })}`,
    preferencesUrl: `${base}/p/${signer.sign({ tenantId, personId, purpose: 'preferences', ttlDays })}`,
  });

  /** Hands the message to the provider, retrying what may succeed later; returns the final state. */
  async function sendWithRetries(
    msg: Parameters<EmailTransport['send']>[0],
    log: Logger,
  ): Promise<{ state: DeliveryState; providerId?: string; reason?: string }> {
    let failures = 0;
    let rateLimitWaits = 0;
    for (;;) {
      const startedAt = clock.now().getTime();
      const observe = (outcome: 'sent' | EmailSendErrorKind | 'unclassified') => deps.onSend?.({ outcome, durationMs: clock.now().getTime() - startedAt });
      try {
        const { providerId } = await transport.send(msg);
        observe('sent');
        return { state: 'sent', providerId };
      } catch (err) {
        observe(err instanceof EmailSendError ? err.kind : 'unclassified');
        if (!(err instanceof EmailSendError)) {
          // Not a classified provider answer: the message may or may not have left.
          log.error('email send outcome unknown', { error: err instanceof Error ? err.name : typeof err });
          return { state: 'unknown', reason: 'unclassified transport error' };
        }
        if (err.kind === 'permanent') return { state: 'failed', reason: err.reason };
        if (err.kind === 'unknown') {
          log.warn('email send outcome unknown', { reason: err.reason });
          return { state: 'unknown', reason: err.reason };
        }
        if (err.kind === 'rate_limited' && rateLimitWaits < maxRateLimitWaits) {
          rateLimitWaits += 1;
          const wait = err.retryAfterMs ?? defaultRateLimitMs;
          log.warn('email provider rate limit, waiting', { waitMs: wait });
          await sleep(wait);
          continue;
        }
        failures += 1;
        if (failures >= maxAttempts || err.kind === 'rate_limited') return { state: 'failed-retryable', reason: err.reason };
        const delay = baseDelayMs * 2 ** (failures - 1);
        log.warn('email send failed, retrying', { attempt: failures, delayMs: delay, kind: err.kind });
        await sleep(delay);
      }
    }
  }

  async function deliverOne(tenant: DeliveryTenant, period: string, person: RecipientFacts, erp: RecipientLookup): Promise<Outcome> {
    const kind = deliveryKind(period);
    const personId = person.personId;
    if (person.restricted) return { type: 'skipped', reason: 'restricted' };
    if (person.frequency === 'off') return { type: 'skipped', reason: 'unsubscribed' };
    if (person.frequency === 'monthly' && !isFirstDigestOfMonth(period)) return { type: 'skipped', reason: 'monthly' };

    const key = { tenantId: tenant.id, personId, period, kind };
    const existing = await repo.find(key);
    if (existing && SENT_STATES.has(existing.state)) return { type: 'skipped', reason: 'already-sent' };
    if (existing?.state === 'unknown') return { type: 'unknown' };
    if (existing?.state === 'failed') return { type: 'skipped', reason: 'failed-before' };
    if (existing?.state === 'dropped') return { type: 'skipped', reason: 'dropped' };
    if (person.suppressed) return { type: 'skipped', reason: 'suppressed' };

    const insights = (await repo.insightsFor(tenant.id, personId, period)).filter(saysSomething);
    if (insights.length === 0) return { type: 'skipped', reason: 'nothing-to-say' };

    const log = deps.logger.child({ tenantId: tenant.id, personId, period });
    let contact: Awaited<ReturnType<RecipientLookup['recipient']>>;
    try {
      contact = await erp.recipient(personId);
    } catch (err) {
      log.warn('recipient lookup failed', { error: err instanceof Error ? err.name : typeof err });
      return { type: 'skipped', reason: 'erp-unavailable' };
    }
    const to = contact?.email?.trim();
    if (!contact || !to) return { type: 'skipped', reason: 'no-address' };

    const language = chooseLanguage(person.preferredLanguage, contact.language, person.language, tenant.defaultLanguage);
    const urls = links(tenant.id, personId);
    const rendered = render({
      insights,
      firstName: contact.firstName,
      language,
      tenantName: tenant.displayName,
      period,
      timezone: tenant.timezone,
      erpWebUrl: tenant.erpWebUrl ?? null,
      ...urls,
    });

    const row = existing ?? (await repo.ensurePending(key, now()));
    if (!(await repo.claimForSending(row.id, ['pending', 'failed-retryable'], now()))) {
      return { type: 'skipped', reason: 'in-progress-elsewhere' };
    }
    const result = await sendWithRetries(
      {
        to,
        subject: rendered.subject,
        html: rendered.html,
        text: rendered.text,
        headers: unsubscribeHeaders(urls.unsubscribeUrl),
        categories: ['insights', kind],
        customArgs: { tenant_id: tenant.id, delivery_id: row.id },
        recipientId: personId,
      },
      log.child({ deliveryId: row.id }),
    );
    await repo.finish(row.id, { state: result.state, reason: result.reason ?? null, providerId: result.providerId }, now());
    log.info('delivery finished', { deliveryId: row.id, state: result.state });
    if (result.state === 'sent') return { type: 'sent' };
    if (result.state === 'unknown') return { type: 'unknown' };
    return { type: 'failed' };
  }

  return {
    async deliverPeriod({ tenant, period, erp }) {
      const stale = await repo.markStaleSendingUnknown(tenant.id, now());
      if (stale > 0) deps.logger.warn('interrupted deliveries marked unknown', { tenantId: tenant.id, count: stale });
      const people = await repo.recipients(tenant.id, period);
      const limit = pLimit(Math.max(1, deps.concurrency));
      const outcomes = await Promise.all(people.map((p) => limit(() => deliverOne(tenant, period, p, erp))));
      const result: DeliveryResult = { sent: 0, skipped: {}, failed: 0, unknown: 0 };
      for (const o of outcomes) {
        if (o.type === 'skipped') result.skipped[o.reason] = (result.skipped[o.reason] ?? 0) + 1;
        else result[o.type] += 1;
      }
      deps.logger.info('period delivered', { tenantId: tenant.id, period, sent: result.sent, failed: result.failed, unknown: result.unknown });
      return result;
    },

    async preview({ tenant, personId, period, erp }) {
      const chosen = period ?? (await repo.latestPeriodFor(tenant.id, personId)) ?? null;
      const insights = chosen ? await repo.insightsFor(tenant.id, personId, chosen) : [];
      const person = await repo.recipient(tenant.id, personId);
      if (!person) throw new NotFoundError('No such person in this tenant', { pageTexts: [{ key: 'error.personNotFound' }] });
      const contact = await erp.recipient(personId);
      // Preview links are deliberately inert: an admin clicking them must not unsubscribe the employee.
      return render({
        insights: forPreview(insights),
        firstName: contact?.firstName ?? null,
        language: chooseLanguage(person.preferredLanguage, contact?.language ?? null, person.language, tenant.defaultLanguage),
        tenantName: tenant.displayName,
        period: chosen ?? DateTime.fromJSDate(clock.now(), { zone: tenant.timezone }).toFormat("kkkk-'W'WW"),
        timezone: tenant.timezone,
        erpWebUrl: tenant.erpWebUrl ?? null,
        unsubscribeUrl: `${base}/u/preview`,
        preferencesUrl: `${base}/p/preview`,
      });
    },
  };
}
