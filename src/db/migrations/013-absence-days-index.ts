import { sql, type Kysely } from 'kysely';

/**
 * Each sync asks which days of its window hold an absence, to clear the ones the ERP no longer lists.
 * The facts' key starts with the person, so that read went through every fact of the tenant's window
 * (about 365,000 rows for 1,000 employees and a year) on the thread that also answers web requests.
 * Only absence days are in this index, so the read visits those rows and no others.
 */
export const absenceDaysIndexMigration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createIndex('daily_facts_absence_days')
      .on('daily_facts')
      .columns(['tenant_id', 'date'])
      .where(sql<boolean>`absence_minutes_enc is not null`)
      .execute();
  },
};
