import type { Db } from '../db/db';
import { upsert } from '../db/upsert';

export type SyncResource = 'workhours' | 'projects' | 'absences';

export function createSyncStateRepo(db: Db) {
  return {
    async watermark(tenantId: string, resource: SyncResource): Promise<string | null> {
      const row = await db.kysely
        .selectFrom('sync_state')
        .select('watermark')
        .where('tenant_id', '=', tenantId)
        .where('resource', '=', resource)
        .executeTakeFirst();
      return row?.watermark ?? null;
    },
    /** The watermark and when the resource was last read in full, in one read. */
    async read(tenantId: string, resource: SyncResource): Promise<{ watermark: string | null; lastFullSyncAt: string | null }> {
      const row = await db.kysely
        .selectFrom('sync_state')
        .select(['watermark', 'last_full_sync_at'])
        .where('tenant_id', '=', tenantId)
        .where('resource', '=', resource)
        .executeTakeFirst();
      return { watermark: row?.watermark ?? null, lastFullSyncAt: row?.last_full_sync_at ?? null };
    },
    /** Called only after everything the watermark covers is committed. */
    async advance(tenantId: string, resource: SyncResource, watermark: string, fullSync: boolean, now: string, tx: Pick<Db, 'kysely' | 'dialect'> = db): Promise<void> {
      const row = { tenant_id: tenantId, resource, watermark, updated_at: now, ...(fullSync ? { last_full_sync_at: now } : {}) };
      await upsert(tx, 'sync_state', [row], ['tenant_id', 'resource']);
    },
  };
}
