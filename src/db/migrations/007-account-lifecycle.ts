import type { Kysely } from 'kysely';
import { columnTypes, type Dialect } from '../column-types';

/**
 * Account lifecycle and lockout:
 * - login_throttle counts sign-in attempts per user name and source (and per user name across all
 *   sources), whether or not the name exists, so lockout answers the same for unknown names. Keys are
 *   SHA-256 digests; no user name or address is stored. Replaces users.failed_logins / locked_until.
 * - password_resets holds operator-issued, single-use reset links (only the token's hash).
 * - invites.username: the operator names the account when inviting, so the invite form cannot be used
 *   to probe which user names exist. Invites made before this have none and can no longer be accepted.
 */
export function accountLifecycleMigration(dialect: Dialect) {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('login_throttle')
        .addColumn('subject_hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('source_hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('failures', t.int, (c) => c.notNull())
        .addColumn('locked_until', t.timestamp)
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('login_throttle_pk', ['subject_hash', 'source_hash'])
        .execute();
      await db.schema.createIndex('login_throttle_updated').on('login_throttle').column('updated_at').execute();

      await db.schema
        .createTable('password_resets')
        .addColumn('id', t.id, (c) => c.primaryKey())
        .addColumn('token_hash', 'varchar(128)', (c) => c.notNull().unique())
        .addColumn('user_id', t.id, (c) => c.notNull())
        .addColumn('created_by', t.id, (c) => c.notNull())
        .addColumn('expires_at', t.timestamp, (c) => c.notNull())
        .addColumn('used_at', t.timestamp)
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('password_resets_user').on('password_resets').column('user_id').execute();

      await db.schema.alterTable('invites').addColumn('username', 'varchar(128)').execute();
    },
  };
}
