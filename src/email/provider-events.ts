import type { Clock } from '../clock';
import type { Db } from '../db/db';
import { upsert } from '../db/upsert';
import type { Logger } from '../logging/logger';
import type { DeliveryState } from './delivery.repo';
import { redactAddresses } from './errors';

/** One provider event, reduced to what we act on; the address the provider sends along is dropped before this. */
export interface ProviderEvent {
  /** The provider's event name: processed, delivered, bounce, dropped, spamreport, … */
  event: string;
  /** Our delivery ID, echoed from the custom args. */
  deliveryId: string;
  tenantId: string | null;
  /** When the provider saw it, ISO 8601. */
  occurredAt: string;
  /** For bounces: 'bounce' (the address does not take mail) or 'blocked' (refused this time). */
  bounceType: string | null;
  reason: string | null;
}

export interface ProviderEventsResult {
  /** Events that moved a delivery on or suppressed a person. */
  applied: number;
  /** Events with nothing to do: unknown delivery, already known outcome, or a kind we do not track. */
  ignored: number;
}

export interface ProviderEvents {
  apply(events: ProviderEvent[]): Promise<ProviderEventsResult>;
}

/**
 * Outcomes rank from "we do not know" up to the provider's final word. An event only ever raises a
 * row's rank, so events that arrive twice or out of order leave the same result as one in order.
 */
const RANK: Record<DeliveryState, number> = {
  pending: 0,
  sending: 0,
  'failed-retryable': 0,
  failed: 0,
  unknown: 0,
  sent: 1,
  delivered: 2,
  bounced: 3,
  dropped: 3,
};
const TARGET: Record<string, DeliveryState> = { processed: 'sent', delivered: 'delivered', bounce: 'bounced', dropped: 'dropped' };
const MAX_REASON = 255;

const below = (target: DeliveryState): DeliveryState[] => (Object.keys(RANK) as DeliveryState[]).filter((s) => RANK[s] < RANK[target]);

/** A bounce of an address that takes no mail, or a spam report: the person is not emailed again. */
function suppressionReason(e: ProviderEvent): 'bounce' | 'spamreport' | null {
  if (e.event === 'spamreport') return 'spamreport';
  if (e.event === 'bounce' && e.bounceType !== 'blocked') return 'bounce';
  return null;
}

export function createProviderEvents(deps: { db: Db; clock: Clock; logger: Logger }): ProviderEvents {
  const k = deps.db.kysely;

  async function applyOne(e: ProviderEvent): Promise<boolean> {
    const row = await k.selectFrom('deliveries').select(['id', 'tenant_id', 'erp_person_id', 'state', 'sent_at']).where('id', '=', e.deliveryId).executeTakeFirst();
    if (!row || (e.tenantId !== null && e.tenantId !== row.tenant_id)) return false;
    const now = deps.clock.now().toISOString();
    let changed = false;

    const target = TARGET[e.event];
    if (target) {
      const reason = target === 'bounced' || target === 'dropped' ? redactAddresses(e.reason ?? e.event).slice(0, MAX_REASON) : null;
      const result = await k
        .updateTable('deliveries')
        .set({
          state: target,
          updated_at: now,
          ...(reason !== null ? { reason } : {}),
          ...(target !== 'dropped' && row.sent_at === null ? { sent_at: e.occurredAt } : {}),
        })
        .where('id', '=', row.id)
        .where('state', 'in', below(target))
        .executeTakeFirst();
      changed = Number(result.numUpdatedRows) === 1;
      if (changed) deps.logger.info('delivery outcome from provider', { tenantId: row.tenant_id, deliveryId: row.id, from: row.state, to: target });
    }

    const suppress = suppressionReason(e);
    if (suppress) {
      const existing = await k
        .selectFrom('email_suppressions')
        .select('reason')
        .where('tenant_id', '=', row.tenant_id)
        .where('erp_person_id', '=', row.erp_person_id)
        .executeTakeFirst();
      if (!existing) {
        await upsert(
          deps.db,
          'email_suppressions',
          [{ tenant_id: row.tenant_id, erp_person_id: row.erp_person_id, reason: suppress, delivery_id: row.id, created_at: now }],
          ['tenant_id', 'erp_person_id'],
          [],
        );
        deps.logger.warn('person suppressed after provider report', { tenantId: row.tenant_id, personId: row.erp_person_id, deliveryId: row.id, reason: suppress });
        changed = true;
      }
    }
    return changed;
  }

  return {
    async apply(events) {
      const result: ProviderEventsResult = { applied: 0, ignored: 0 };
      for (const e of events) {
        if (await applyOne(e)) result.applied += 1;
        else result.ignored += 1;
      }
      return result;
    },
  };
}
