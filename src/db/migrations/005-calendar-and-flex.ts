import type { Kysely } from 'kysely';
import { columnTypes, type Dialect } from '../column-types';

/**
 * The company's own holiday calendar as read from the ERP (or the note that public holidays stand in
 * for it), and each person's flex balance as the ERP's flextime add-on reports it.
 */
export function calendarAndFlexMigration(dialect: Dialect) {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('tenant_calendars')
        .addColumn('tenant_id', t.id, (c) => c.primaryKey())
        .addColumn('source', 'varchar(20)', (c) => c.notNull())
        .addColumn('reason', 'varchar(40)')
        .addColumn('holidays_json', t.longText, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('flex_balances')
        .addColumn('tenant_id', t.id, (c) => c.notNull())
        .addColumn('erp_person_id', t.id, (c) => c.notNull())
        .addColumn('as_of', t.date, (c) => c.notNull())
        .addColumn('balance_minutes', t.int, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('flex_balances_pk', ['tenant_id', 'erp_person_id'])
        .execute();
    },
  };
}
