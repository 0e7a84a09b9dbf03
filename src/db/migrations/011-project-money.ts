import type { Kysely } from 'kysely';
import { columnTypes, type Dialect } from '../column-types';

/**
 * Money per project and ISO week, summed by the sync from the work hours' unit prices and costs: the
 * only place a price or a cost is kept. No row names a person; a work entry's own money is never stored.
 */
export function projectMoneyMigration(dialect: Dialect) {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('project_money_weeks')
        .addColumn('tenant_id', t.id, (c) => c.notNull())
        .addColumn('erp_project_id', t.id, (c) => c.notNull())
        .addColumn('week', 'varchar(8)', (c) => c.notNull())
        .addColumn('currency', 'varchar(3)')
        .addColumn('billable_minutes', t.int, (c) => c.notNull())
        .addColumn('value_cents', t.bigint, (c) => c.notNull())
        .addColumn('unpriced_minutes', t.int, (c) => c.notNull())
        .addColumn('costed_minutes', t.int, (c) => c.notNull())
        .addColumn('cost_cents', t.bigint, (c) => c.notNull())
        .addColumn('uncosted_minutes', t.int, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('project_money_weeks_pk', ['tenant_id', 'erp_project_id', 'week'])
        .execute();
    },
  };
}
