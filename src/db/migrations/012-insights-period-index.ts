import type { Kysely } from 'kysely';

/**
 * The insights summary (API and admin overview) asks for a tenant's latest period and counts it by kind
 * and severity. The unique key starts with the recipient, so each of those queries read every insight
 * the tenant kept (13 months of weeks); this index answers them from the index alone.
 */
export const insightsPeriodIndexMigration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.createIndex('insights_tenant_period').on('insights').columns(['tenant_id', 'period', 'kind', 'severity']).execute();
  },
};
