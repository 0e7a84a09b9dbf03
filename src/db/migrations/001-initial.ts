import type { Kysely } from 'kysely';
import { columnTypes, type Dialect } from '../column-types';

/** The whole schema of DESIGN.md "Data kept": technical IDs and numbers only. */
export function initialMigration(dialect: Dialect) {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const s = db.schema;
      await s
        .createTable('tenants')
        .addColumn('id', t.id, (c) => c.primaryKey())
        .addColumn('display_name', t.shortText, (c) => c.notNull())
        .addColumn('erp_kind', t.shortText, (c) => c.notNull())
        .addColumn('erp_base_url', 'varchar(2048)')
        .addColumn('contract_start', t.date, (c) => c.notNull())
        .addColumn('contract_end', t.date)
        .addColumn('timezone', t.shortText, (c) => c.notNull())
        .addColumn('country', 'varchar(2)', (c) => c.notNull())
        .addColumn('default_language', 'varchar(10)', (c) => c.notNull())
        .addColumn('status', 'varchar(20)', (c) => c.notNull())
        .addColumn('settings_json', t.longText, (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();

      await s
        .createTable('tenant_keys')
        .addColumn('tenant_id', t.id, (c) => c.notNull())
        .addColumn('version', t.int, (c) => c.notNull())
        .addColumn('wrapped_key', 'varchar(512)', (c) => c.notNull())
        .addColumn('kek_version', t.int, (c) => c.notNull())
        .addColumn('active', t.int, (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('tenant_keys_pk', ['tenant_id', 'version'])
        .execute();

      await s
        .createTable('people')
        .addColumn('tenant_id', t.id, (c) => c.notNull())
        .addColumn('erp_person_id', t.id, (c) => c.notNull())
        .addColumn('employment_start', t.date)
        .addColumn('employment_end', t.date)
        .addColumn('language', 'varchar(10)')
        .addColumn('country', 'varchar(2)')
        .addColumn('manager_id', t.id)
        .addColumn('is_active', t.int, (c) => c.notNull())
        .addColumn('restricted', t.int, (c) => c.notNull().defaultTo(0))
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('people_pk', ['tenant_id', 'erp_person_id'])
        .execute();

      await s
        .createTable('work_contracts')
        .addColumn('tenant_id', t.id, (c) => c.notNull())
        .addColumn('erp_contract_id', t.id, (c) => c.notNull())
        .addColumn('erp_person_id', t.id, (c) => c.notNull())
        .addColumn('start_date', t.date, (c) => c.notNull())
        .addColumn('end_date', t.date)
        .addColumn('daily_minutes', t.int, (c) => c.notNull())
        .addColumn('workdays_mask', t.int, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('work_contracts_pk', ['tenant_id', 'erp_contract_id'])
        .execute();
      await s.createIndex('work_contracts_person').on('work_contracts').columns(['tenant_id', 'erp_person_id']).execute();

      await s
        .createTable('work_entries')
        .addColumn('tenant_id', t.id, (c) => c.notNull())
        .addColumn('erp_entry_id', t.id, (c) => c.notNull())
        .addColumn('erp_person_id', t.id, (c) => c.notNull())
        .addColumn('erp_project_id', t.id)
        .addColumn('date', t.date, (c) => c.notNull())
        .addColumn('minutes', t.int, (c) => c.notNull())
        .addColumn('billable', t.int, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('work_entries_pk', ['tenant_id', 'erp_entry_id'])
        .execute();
      await s.createIndex('work_entries_person_date').on('work_entries').columns(['tenant_id', 'erp_person_id', 'date']).execute();

      await s
        .createTable('absences')
        .addColumn('tenant_id', t.id, (c) => c.notNull())
        .addColumn('erp_absence_id', t.id, (c) => c.notNull())
        .addColumn('erp_person_id', t.id, (c) => c.notNull())
        .addColumn('payload_enc', t.longText, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('absences_pk', ['tenant_id', 'erp_absence_id'])
        .execute();
      await s.createIndex('absences_person').on('absences').columns(['tenant_id', 'erp_person_id']).execute();

      await s
        .createTable('daily_facts')
        .addColumn('tenant_id', t.id, (c) => c.notNull())
        .addColumn('erp_person_id', t.id, (c) => c.notNull())
        .addColumn('date', t.date, (c) => c.notNull())
        .addColumn('recorded_minutes', t.int, (c) => c.notNull())
        .addColumn('billable_minutes', t.int, (c) => c.notNull())
        .addColumn('expected_minutes', t.int, (c) => c.notNull())
        .addColumn('absence_minutes_enc', 'varchar(512)')
        .addColumn('entry_count', t.int, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('daily_facts_pk', ['tenant_id', 'erp_person_id', 'date'])
        .execute();

      await s
        .createTable('projects')
        .addColumn('tenant_id', t.id, (c) => c.notNull())
        .addColumn('erp_project_id', t.id, (c) => c.notNull())
        .addColumn('manager_id', t.id)
        .addColumn('budget_minutes', t.int)
        .addColumn('start_date', t.date)
        .addColumn('end_date', t.date)
        .addColumn('is_closed', t.int, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('projects_pk', ['tenant_id', 'erp_project_id'])
        .execute();

      await s
        .createTable('sync_state')
        .addColumn('tenant_id', t.id, (c) => c.notNull())
        .addColumn('resource', 'varchar(40)', (c) => c.notNull())
        .addColumn('watermark', t.timestamp)
        .addColumn('last_full_sync_at', t.timestamp)
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('sync_state_pk', ['tenant_id', 'resource'])
        .execute();

      await s
        .createTable('insights')
        .addColumn('id', t.id, (c) => c.primaryKey())
        .addColumn('tenant_id', t.id, (c) => c.notNull())
        .addColumn('recipient_id', t.id, (c) => c.notNull())
        .addColumn('period', 'varchar(20)', (c) => c.notNull())
        .addColumn('kind', 'varchar(40)', (c) => c.notNull())
        .addColumn('subject_id', t.id, (c) => c.notNull())
        .addColumn('severity', 'varchar(20)', (c) => c.notNull())
        .addColumn('values_json', t.longText, (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addUniqueConstraint('insights_key', ['tenant_id', 'recipient_id', 'period', 'kind', 'subject_id'])
        .execute();

      await s
        .createTable('deliveries')
        .addColumn('id', t.id, (c) => c.primaryKey())
        .addColumn('tenant_id', t.id, (c) => c.notNull())
        .addColumn('erp_person_id', t.id, (c) => c.notNull())
        .addColumn('period', 'varchar(20)', (c) => c.notNull())
        .addColumn('kind', 'varchar(40)', (c) => c.notNull())
        .addColumn('state', 'varchar(20)', (c) => c.notNull())
        .addColumn('attempts', t.int, (c) => c.notNull())
        .addColumn('provider_message_id', t.shortText)
        .addColumn('reason', t.shortText)
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addColumn('sent_at', t.timestamp)
        .addUniqueConstraint('deliveries_key', ['tenant_id', 'erp_person_id', 'period', 'kind'])
        .execute();
      await s.createIndex('deliveries_state').on('deliveries').columns(['state', 'tenant_id']).execute();

      await s
        .createTable('email_preferences')
        .addColumn('tenant_id', t.id, (c) => c.notNull())
        .addColumn('erp_person_id', t.id, (c) => c.notNull())
        .addColumn('frequency', 'varchar(20)', (c) => c.notNull())
        .addColumn('language', 'varchar(10)')
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addPrimaryKeyConstraint('email_preferences_pk', ['tenant_id', 'erp_person_id'])
        .execute();

      await s
        .createTable('job_runs')
        .addColumn('id', t.id, (c) => c.primaryKey())
        .addColumn('job', 'varchar(40)', (c) => c.notNull())
        .addColumn('tenant_id', t.id, (c) => c.notNull())
        .addColumn('slot', 'varchar(40)', (c) => c.notNull())
        .addColumn('state', 'varchar(20)', (c) => c.notNull())
        .addColumn('attempts', t.int, (c) => c.notNull())
        .addColumn('run_after', t.timestamp, (c) => c.notNull())
        .addColumn('lease_owner', t.id)
        .addColumn('lease_expires_at', t.timestamp)
        .addColumn('started_at', t.timestamp)
        .addColumn('finished_at', t.timestamp)
        .addColumn('duration_ms', t.bigint)
        .addColumn('counters_json', t.longText)
        .addColumn('checkpoint_json', t.longText)
        .addColumn('error_class', t.shortText)
        .addColumn('error_message', 'varchar(1000)')
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addUniqueConstraint('job_runs_key', ['job', 'tenant_id', 'slot'])
        .execute();
      await s.createIndex('job_runs_claim').on('job_runs').columns(['state', 'run_after']).execute();

      await s
        .createTable('audit_events')
        .addColumn('id', t.id, (c) => c.primaryKey())
        .addColumn('at', t.timestamp, (c) => c.notNull())
        .addColumn('actor_type', 'varchar(20)', (c) => c.notNull())
        .addColumn('actor_id', t.id)
        .addColumn('tenant_id', t.id)
        .addColumn('action', 'varchar(80)', (c) => c.notNull())
        .addColumn('object_type', 'varchar(40)')
        .addColumn('object_id', t.id)
        .addColumn('ip', 'varchar(64)')
        .addColumn('request_id', t.id)
        .addColumn('details_json', t.longText)
        .execute();
      await s.createIndex('audit_events_tenant_at').on('audit_events').columns(['tenant_id', 'at']).execute();

      await s
        .createTable('purge_records')
        .addColumn('id', t.id, (c) => c.primaryKey())
        .addColumn('tenant_id', t.id, (c) => c.notNull())
        .addColumn('scope', 'varchar(20)', (c) => c.notNull())
        .addColumn('subject_id', t.id)
        .addColumn('state', 'varchar(20)', (c) => c.notNull())
        .addColumn('counts_json', t.longText, (c) => c.notNull())
        .addColumn('reason', 'varchar(40)', (c) => c.notNull())
        .addColumn('started_at', t.timestamp, (c) => c.notNull())
        .addColumn('completed_at', t.timestamp)
        .execute();

      await s
        .createTable('users')
        .addColumn('id', t.id, (c) => c.primaryKey())
        .addColumn('role', 'varchar(20)', (c) => c.notNull())
        .addColumn('tenant_id', t.id)
        .addColumn('username', 'varchar(128)', (c) => c.notNull().unique())
        .addColumn('password_hash', t.shortText)
        .addColumn('totp_secret_enc', 'varchar(512)')
        .addColumn('mfa_enabled', t.int, (c) => c.notNull())
        .addColumn('failed_logins', t.int, (c) => c.notNull())
        .addColumn('locked_until', t.timestamp)
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('disabled_at', t.timestamp)
        .execute();

      await s
        .createTable('invites')
        .addColumn('id', t.id, (c) => c.primaryKey())
        .addColumn('token_hash', 'varchar(128)', (c) => c.notNull().unique())
        .addColumn('tenant_id', t.id, (c) => c.notNull())
        .addColumn('created_by', t.id, (c) => c.notNull())
        .addColumn('expires_at', t.timestamp, (c) => c.notNull())
        .addColumn('used_at', t.timestamp)
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .execute();

      await s
        .createTable('sessions')
        .addColumn('id_hash', 'varchar(128)', (c) => c.primaryKey())
        .addColumn('user_id', t.id, (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('last_seen_at', t.timestamp, (c) => c.notNull())
        .addColumn('expires_at', t.timestamp, (c) => c.notNull())
        .addColumn('mfa_passed', t.int, (c) => c.notNull())
        .execute();
      await s.createIndex('sessions_user').on('sessions').column('user_id').execute();

      await s
        .createTable('api_keys')
        .addColumn('id', t.id, (c) => c.primaryKey())
        .addColumn('tenant_id', t.id, (c) => c.notNull())
        .addColumn('key_hash', 'varchar(128)', (c) => c.notNull().unique())
        .addColumn('prefix', 'varchar(20)', (c) => c.notNull())
        .addColumn('scope', 'varchar(40)', (c) => c.notNull())
        .addColumn('created_by', t.id, (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('revoked_at', t.timestamp)
        .execute();
    },
  };
}
