import type { Kysely } from 'kysely';
import { columnTypes, type Dialect } from '../column-types';

/**
 * What the staff console shows beyond the run records: each run's own log lines (already redacted by
 * the logger, technical IDs only, a bounded number per attempt, deleted with the run) and the workers
 * that are alive, by their heartbeats.
 */
export function staffConsoleMigration(dialect: Dialect) {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('job_run_logs')
        .addColumn('run_id', t.id, (c) => c.notNull())
        .addColumn('attempt', t.int, (c) => c.notNull())
        .addColumn('seq', t.int, (c) => c.notNull())
        .addColumn('tenant_id', t.id, (c) => c.notNull())
        .addColumn('at', t.timestamp, (c) => c.notNull())
        .addColumn('level', 'varchar(10)', (c) => c.notNull())
        .addColumn('message', 'varchar(500)', (c) => c.notNull())
        .addColumn('meta_json', 'varchar(2000)')
        .addPrimaryKeyConstraint('job_run_logs_pk', ['run_id', 'attempt', 'seq'])
        .execute();
      await db.schema.createIndex('job_run_logs_tenant').on('job_run_logs').columns(['tenant_id']).execute();
      await db.schema
        .createTable('workers')
        .addColumn('id', t.id, (c) => c.primaryKey())
        .addColumn('started_at', t.timestamp, (c) => c.notNull())
        .addColumn('heartbeat_at', t.timestamp, (c) => c.notNull())
        .addColumn('stopped_at', t.timestamp)
        .addColumn('concurrency', t.int, (c) => c.notNull())
        .addColumn('active', t.int, (c) => c.notNull())
        .addColumn('jobs', t.shortText, (c) => c.notNull())
        .execute();
    },
  };
}
