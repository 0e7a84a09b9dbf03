import type { Kysely, Selectable } from 'kysely';
import type { Database, TenantKeysTable } from '../db/schema';
import { NotFoundError } from '../errors';

export type DataKeyRow = Selectable<TenantKeysTable>;

/** Storage of wrapped per-tenant data keys (the tenant_keys table). Never sees an unwrapped key. */
export interface DataKeyRepo {
  active(tenantId: string): Promise<DataKeyRow | undefined>;
  get(tenantId: string, version: number): Promise<DataKeyRow | undefined>;
  /** Fails (unique key) when the version already exists, e.g. another instance created it first. */
  insert(row: DataKeyRow): Promise<void>;
  /** Makes one version active and every other version of the tenant inactive. */
  setActive(tenantId: string, version: number): Promise<void>;
  /** Every version of the tenant, oldest first. */
  list(tenantId: string): Promise<DataKeyRow[]>;
  updateWrapped(tenantId: string, version: number, wrapped: string, kekVersion: number): Promise<void>;
  /** Crypto-shredding: returns how many versions were removed. */
  deleteAll(tenantId: string): Promise<number>;
  /** Tenants that have at least one data key (for KEK re-wrapping). */
  tenantIds(): Promise<string[]>;
}

export function createKyselyDataKeyRepo(db: Kysely<Database>): DataKeyRepo {
  return {
    active: (tenantId) =>
      db
        .selectFrom('tenant_keys')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('active', '=', 1)
        .orderBy('version', 'desc')
        .executeTakeFirst(),
    get: (tenantId, version) =>
      db
        .selectFrom('tenant_keys')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('version', '=', version)
        .executeTakeFirst(),
    async insert(row) {
      await db.insertInto('tenant_keys').values(row).execute();
    },
    async setActive(tenantId, version) {
      await db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('tenant_keys')
          .set({ active: 1 })
          .where('tenant_id', '=', tenantId)
          .where('version', '=', version)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) throw new NotFoundError(`Data key version ${version} not found`);
        await trx
          .updateTable('tenant_keys')
          .set({ active: 0 })
          .where('tenant_id', '=', tenantId)
          .where('version', '<>', version)
          .where('active', '=', 1)
          .execute();
      });
    },
    list: (tenantId) =>
      db.selectFrom('tenant_keys').selectAll().where('tenant_id', '=', tenantId).orderBy('version', 'asc').execute(),
    async updateWrapped(tenantId, version, wrapped, kekVersion) {
      const result = await db
        .updateTable('tenant_keys')
        .set({ wrapped_key: wrapped, kek_version: kekVersion })
        .where('tenant_id', '=', tenantId)
        .where('version', '=', version)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw new NotFoundError(`Data key version ${version} not found`);
    },
    async deleteAll(tenantId) {
      const result = await db.deleteFrom('tenant_keys').where('tenant_id', '=', tenantId).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async tenantIds() {
      const rows = await db.selectFrom('tenant_keys').select('tenant_id').distinct().orderBy('tenant_id').execute();
      return rows.map((r) => r.tenant_id);
    },
  };
}
