import type { Kysely } from 'kysely';

/** The language an admin or operator chose for the pages; null follows the browser. */
export const accountLanguageMigration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('users').addColumn('language', 'varchar(5)').execute();
  },
};
