import type { Db } from '../db/db';
import type { FileOutbox } from './file-outbox';

/** Our own copies of sent messages, erased with the tenant or person they were for. */
export interface SentMessageEraser {
  eraseTenant(tenantId: string): Promise<number>;
  erasePerson(tenantId: string, personId: string): Promise<number>;
}

/**
 * The file outbox's messages carry their tenant and person in headers; messages written before the
 * person header existed are found through the person's delivery rows, so the purge must call this
 * before it deletes those rows.
 */
export function createSentMessageEraser(deps: { db: Db; outbox: Pick<FileOutbox, 'erase'> }): SentMessageEraser {
  return {
    eraseTenant: (tenantId) => deps.outbox.erase({ tenantId }),
    async erasePerson(tenantId, personId) {
      const rows = await deps.db.kysely
        .selectFrom('deliveries')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('erp_person_id', '=', personId)
        .execute();
      return deps.outbox.erase({ tenantId, personId, deliveryIds: rows.map((r) => r.id) });
    },
  };
}
