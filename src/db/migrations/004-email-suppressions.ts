import type { Kysely } from 'kysely';
import { columnTypes, type Dialect } from '../column-types';

/**
 * People the provider reported as bounced or as having marked a digest as spam: never emailed again.
 * Kept against the ERP person ID, never the address.
 */
export function emailSuppressionsMigration(dialect: Dialect) {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('email_suppressions')
        .addColumn('tenant_id', t.id, (c) => c.notNull())
        .addColumn('erp_person_id', t.id, (c) => c.notNull())
        .addColumn('reason', 'varchar(20)', (c) => c.notNull())
        .addColumn('delivery_id', t.id, (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('email_suppressions_pk', ['tenant_id', 'erp_person_id'])
        .execute();
    },
  };
}
