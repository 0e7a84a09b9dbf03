import type { Db } from '../db/db';
import type { Delivery } from '../db/schema';
import { upsert } from '../db/upsert';
import type { Insight } from '../insights/types';
import { newId } from '../util/ids';

/**
 * Delivery states. A row exists before anything is sent; 'sending' is committed before the provider
 * call, so a row still 'sending' when a run starts means the process died mid-send and nobody knows
 * whether the message left: it becomes 'unknown' and is shown to staff instead of being resent. The
 * provider's events move rows on to 'delivered', 'bounced' or 'dropped' (see provider-events.ts).
 */
export type DeliveryState = 'pending' | 'sending' | 'sent' | 'failed-retryable' | 'failed' | 'unknown' | 'delivered' | 'bounced' | 'dropped';

export interface DeliveryKey {
  tenantId: string;
  personId: string;
  period: string;
  kind: string;
}

export interface RecipientFacts {
  personId: string;
  restricted: boolean;
  /** Language code kept from the ERP sync, if any. */
  language: string | null;
  frequency: string | null;
  preferredLanguage: string | null;
  /** The provider reported a bounce or a spam report for this person: never emailed again. */
  suppressed: boolean;
}

export interface DeliveryRepo {
  /** People to consider for a period: active people plus anyone with insights in it. */
  recipients(tenantId: string, period: string): Promise<RecipientFacts[]>;
  /** One person's facts, or undefined when the tenant has no such person. */
  recipient(tenantId: string, personId: string): Promise<RecipientFacts | undefined>;
  insightsFor(tenantId: string, personId: string, period: string): Promise<Insight[]>;
  latestPeriodFor(tenantId: string, personId: string): Promise<string | null>;
  /** The tenant's rows left in 'sending' by a dead process (any period) become 'unknown'; returns how many. */
  markStaleSendingUnknown(tenantId: string, now: string): Promise<number>;
  find(key: DeliveryKey): Promise<Delivery | undefined>;
  /** Inserts a 'pending' row unless the key exists; returns the row either way. */
  ensurePending(key: DeliveryKey, now: string): Promise<Delivery>;
  /** Moves a row from one of `from` to 'sending' and counts the attempt; false when another run took it. */
  claimForSending(id: string, from: DeliveryState[], now: string): Promise<boolean>;
  finish(id: string, update: { state: DeliveryState; reason?: string | null; providerId?: string | null }, now: string): Promise<void>;
}

export function createDeliveryRepo(db: Db): DeliveryRepo {
  const k = db.kysely;
  const selectKey = (key: DeliveryKey) =>
    k
      .selectFrom('deliveries')
      .selectAll()
      .where('tenant_id', '=', key.tenantId)
      .where('erp_person_id', '=', key.personId)
      .where('period', '=', key.period)
      .where('kind', '=', key.kind);

  const peopleWithPreferences = (tenantId: string) =>
    k
      .selectFrom('people')
      .leftJoin('email_preferences as ep', (j) =>
        j.onRef('ep.tenant_id', '=', 'people.tenant_id').onRef('ep.erp_person_id', '=', 'people.erp_person_id'),
      )
      .leftJoin('email_suppressions as es', (j) =>
        j.onRef('es.tenant_id', '=', 'people.tenant_id').onRef('es.erp_person_id', '=', 'people.erp_person_id'),
      )
      .select([
        'people.erp_person_id as personId',
        'people.restricted',
        'people.language',
        'people.is_active',
        'ep.frequency',
        'ep.language as preferredLanguage',
        'es.reason as suppression',
      ])
      .where('people.tenant_id', '=', tenantId);
  const toFacts = (p: {
    personId: string;
    restricted: number;
    language: string | null;
    frequency: string | null;
    preferredLanguage: string | null;
    suppression: string | null;
  }): RecipientFacts => ({
    personId: p.personId,
    restricted: p.restricted === 1,
    language: p.language,
    frequency: p.frequency,
    preferredLanguage: p.preferredLanguage,
    suppressed: p.suppression !== null,
  });

  return {
    async recipient(tenantId, personId) {
      const row = await peopleWithPreferences(tenantId).where('people.erp_person_id', '=', personId).executeTakeFirst();
      return row ? toFacts(row) : undefined;
    },

    async recipients(tenantId, period) {
      const people = await peopleWithPreferences(tenantId).execute();
      const withInsights = new Set(
        (await k.selectFrom('insights').select('recipient_id').distinct().where('tenant_id', '=', tenantId).where('period', '=', period).execute()).map(
          (r) => r.recipient_id,
        ),
      );
      return people
        .filter((p) => p.is_active === 1 || withInsights.has(p.personId))
        .map(toFacts)
        .sort((a, b) => (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0));
    },

    async insightsFor(tenantId, personId, period) {
      const rows = await k
        .selectFrom('insights')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('recipient_id', '=', personId)
        .where('period', '=', period)
        .orderBy('kind')
        .orderBy('subject_id')
        .execute();
      return rows.map(
        (r) =>
          ({
            tenantId: r.tenant_id,
            recipientId: r.recipient_id,
            period: r.period,
            kind: r.kind,
            severity: r.severity,
            subjectId: r.subject_id === '-' ? null : r.subject_id,
            values: JSON.parse(r.values_json) as unknown,
          }) as Insight,
      );
    },

    async latestPeriodFor(tenantId, personId) {
      const row = await k
        .selectFrom('insights')
        .select('period')
        .where('tenant_id', '=', tenantId)
        .where('recipient_id', '=', personId)
        .orderBy('created_at', 'desc')
        .orderBy('period', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row?.period ?? null;
    },

    async markStaleSendingUnknown(tenantId, now) {
      const result = await k
        .updateTable('deliveries')
        .set({ state: 'unknown', reason: 'interrupted while sending', updated_at: now })
        .where('tenant_id', '=', tenantId)
        .where('state', '=', 'sending')
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    find: (key) => selectKey(key).executeTakeFirst(),

    async ensurePending(key, now) {
      await upsert(
        db,
        'deliveries',
        [
          {
            id: newId(),
            tenant_id: key.tenantId,
            erp_person_id: key.personId,
            period: key.period,
            kind: key.kind,
            state: 'pending',
            attempts: 0,
            provider_message_id: null,
            reason: null,
            created_at: now,
            updated_at: now,
            sent_at: null,
          },
        ],
        ['tenant_id', 'erp_person_id', 'period', 'kind'],
        [],
      );
      const row = await selectKey(key).executeTakeFirst();
      if (!row) throw new Error('Delivery row vanished right after insert');
      return row;
    },

    async claimForSending(id, from, now) {
      const result = await k
        .updateTable('deliveries')
        .set((eb) => ({ state: 'sending', attempts: eb('attempts', '+', 1), updated_at: now }))
        .where('id', '=', id)
        .where('state', 'in', from)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async finish(id, update, now) {
      await k
        .updateTable('deliveries')
        .set({
          state: update.state,
          reason: update.reason ?? null,
          updated_at: now,
          ...(update.providerId !== undefined ? { provider_message_id: update.providerId } : {}),
          ...(update.state === 'sent' ? { sent_at: now } : {}),
        })
        .where('id', '=', id)
        .where('state', '=', 'sending')
        .execute();
    },
  };
}
