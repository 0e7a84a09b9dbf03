import { sql, type Kysely } from 'kysely';

/**
 * Employees' own actions (unsubscribe, preferences) are no longer recorded with their IP address: an
 * employee is known by ERP ID only, and the address told us nothing we act on. Earlier events lose it.
 */
export function forgetEmployeeIpsMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`update audit_events set ip = null where actor_type = 'employee' and ip is not null`.execute(db);
    },
  };
}
