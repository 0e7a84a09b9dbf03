import type { Kysely } from 'kysely';

/** Remembers the time step of the last accepted TOTP code, so an observed code cannot be replayed. */
export const totpLastStepMigration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('users').addColumn('totp_last_step', 'bigint').execute();
  },
};
