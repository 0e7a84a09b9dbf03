import type { Clock } from '../clock';
import type { Db } from '../db/db';
import { NotFoundError, ValidationError } from '../errors';
import type { DeliveryState } from './delivery.repo';

/**
 * What staff decide about a delivery whose outcome nobody knows, after looking at the provider's own
 * activity log: it went out ('sent'), it never left and may go again with the next run ('resend'), or
 * it is given up ('failed').
 */
export const RESOLUTIONS = { sent: 'sent', resend: 'failed-retryable', failed: 'failed' } as const satisfies Record<string, DeliveryState>;
export type Resolution = keyof typeof RESOLUTIONS;

export interface UnknownDelivery {
  id: string;
  tenantId: string;
  personId: string;
  period: string;
  kind: string;
  attempts: number;
  reason: string | null;
  since: string;
}

export interface Suppression {
  tenantId: string;
  personId: string;
  reason: string;
  deliveryId: string;
  since: string;
}

export interface DeliveryReview {
  unknown(limit: number): Promise<UnknownDelivery[]>;
  suppressions(limit: number): Promise<Suppression[]>;
  /** Settles one 'unknown' delivery; NotFoundError when it is not (or no longer) unknown. Returns its tenant. */
  resolve(deliveryId: string, resolution: string): Promise<{ tenantId: string; state: DeliveryState }>;
  /** Lets the person be emailed again, e.g. once their address in the ERP is fixed. */
  lift(tenantId: string, personId: string): Promise<void>;
}

export const isResolution = (value: string): value is Resolution => Object.hasOwn(RESOLUTIONS, value);

export function createDeliveryReview(deps: { db: Db; clock: Clock }): DeliveryReview {
  const k = deps.db.kysely;
  return {
    async unknown(limit) {
      const rows = await k
        .selectFrom('deliveries')
        .select(['id', 'tenant_id', 'erp_person_id', 'period', 'kind', 'attempts', 'reason', 'updated_at'])
        .where('state', '=', 'unknown')
        .orderBy('updated_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, personId: r.erp_person_id, period: r.period, kind: r.kind, attempts: r.attempts, reason: r.reason, since: r.updated_at }));
    },

    async suppressions(limit) {
      const rows = await k.selectFrom('email_suppressions').selectAll().orderBy('created_at', 'desc').orderBy('tenant_id').orderBy('erp_person_id').limit(limit).execute();
      return rows.map((r) => ({ tenantId: r.tenant_id, personId: r.erp_person_id, reason: r.reason, deliveryId: r.delivery_id, since: r.created_at }));
    },

    async resolve(deliveryId, resolution) {
      if (!isResolution(resolution)) throw new ValidationError('Choose sent, resend or failed', [], { pageTexts: [{ key: 'error.chooseResolution' }] });
      const row = await k.selectFrom('deliveries').select(['tenant_id']).where('id', '=', deliveryId).where('state', '=', 'unknown').executeTakeFirst();
      if (!row) throw new NotFoundError('No unknown delivery with this ID', { pageTexts: [{ key: 'error.deliveryNotUnknown' }] });
      const state = RESOLUTIONS[resolution];
      const now = deps.clock.now().toISOString();
      const result = await k
        .updateTable('deliveries')
        .set({ state, reason: `resolved by staff: ${resolution}`, updated_at: now, ...(state === 'sent' ? { sent_at: now } : {}) })
        .where('id', '=', deliveryId)
        .where('state', '=', 'unknown')
        .executeTakeFirst();
      // A provider event may have settled it between the read and the update.
      if (Number(result.numUpdatedRows) !== 1) throw new NotFoundError('No unknown delivery with this ID', { pageTexts: [{ key: 'error.deliveryNotUnknown' }] });
      return { tenantId: row.tenant_id, state };
    },

    async lift(tenantId, personId) {
      const result = await k.deleteFrom('email_suppressions').where('tenant_id', '=', tenantId).where('erp_person_id', '=', personId).executeTakeFirst();
      if (Number(result.numDeletedRows) !== 1) throw new NotFoundError('This person is not suppressed', { pageTexts: [{ key: 'error.notSuppressed' }] });
    },
  };
}
