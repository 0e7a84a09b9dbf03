/**
 * Table types shared by both dialects. Dates are 'YYYY-MM-DD' strings and timestamps ISO-8601 UTC
 * strings ('2026-11-26T07:00:00.000Z') in both SQLite and SQL Server, so they compare and sort the
 * same way; booleans are 0/1 integers. People are known by ERP technical ID only.
 */
import type { Generated, Selectable } from 'kysely';

export type Flag = 0 | 1;

export interface TenantsTable {
  id: string;
  display_name: string;
  erp_kind: string;
  erp_base_url: string | null;
  contract_start: string;
  contract_end: string | null;
  timezone: string;
  country: string;
  default_language: string;
  status: string;
  /** JSON of TenantSettings (insight switches, schedule, targets). */
  settings_json: string;
  created_at: string;
  updated_at: string;
}

/** Per-tenant data keys, wrapped by the key-encryption key; deleting them crypto-shreds the tenant. */
export interface TenantKeysTable {
  tenant_id: string;
  version: number;
  wrapped_key: string;
  kek_version: number;
  active: Flag;
  created_at: string;
}

export interface PeopleTable {
  tenant_id: string;
  erp_person_id: string;
  employment_start: string | null;
  employment_end: string | null;
  language: string | null;
  country: string | null;
  manager_id: string | null;
  is_active: Flag;
  /** Data subject asked to restrict processing: no sync, no email until lifted. */
  restricted: Generated<Flag>;
  updated_at: string;
}

export interface WorkContractsTable {
  tenant_id: string;
  erp_contract_id: string;
  erp_person_id: string;
  start_date: string;
  end_date: string | null;
  daily_minutes: number;
  /** ISO weekdays worked, as a bit mask: Monday = 1, Tuesday = 2, … Sunday = 64. */
  workdays_mask: number;
  updated_at: string;
}

/** One row per ERP work-hour entry: numbers and technical IDs only (no description text). */
export interface WorkEntriesTable {
  tenant_id: string;
  erp_entry_id: string;
  erp_person_id: string;
  erp_project_id: string | null;
  date: string;
  minutes: number;
  billable: Flag;
  updated_at: string;
}

/** One row per ERP absence; which days and how long is sensitive, so it is envelope-encrypted. */
export interface DailyFactsTable {
  tenant_id: string;
  erp_person_id: string;
  date: string;
  recorded_minutes: number;
  billable_minutes: number;
  expected_minutes: number;
  /** Encrypted integer minutes of absence that day. */
  absence_minutes_enc: string | null;
  entry_count: number;
  updated_at: string;
}

export interface ProjectsTable {
  tenant_id: string;
  erp_project_id: string;
  manager_id: string | null;
  budget_minutes: number | null;
  start_date: string | null;
  end_date: string | null;
  is_closed: Flag;
  updated_at: string;
}

/** One row per tenant: where its holidays come from, and the company's own days off when from the ERP. */
export interface TenantCalendarsTable {
  tenant_id: string;
  /** 'company' (the ERP's holiday calendar) or 'public' (public holidays of the tenant's country). */
  source: string;
  /** Why public holidays stand in: 'no-access' (the API client may not read holidays), 'none-listed'. */
  reason: string | null;
  /** JSON array of 'YYYY-MM-DD' days off, empty with source 'public'. */
  holidays_json: string;
  updated_at: string;
}

/** A person's flex balance as the ERP's flextime add-on reports it, as of a local date. */
export interface FlexBalancesTable {
  tenant_id: string;
  erp_person_id: string;
  as_of: string;
  balance_minutes: number;
  updated_at: string;
}

/**
 * Money of one project in one ISO week, in the currency of its first priced or costed hour. Hours in
 * another currency, without a price (billable) or without a cost count as unpriced / uncosted.
 */
export interface ProjectMoneyWeeksTable {
  tenant_id: string;
  erp_project_id: string;
  /** ISO week, e.g. '2026-W47'. */
  week: string;
  currency: string | null;
  billable_minutes: number;
  value_cents: number;
  unpriced_minutes: number;
  costed_minutes: number;
  cost_cents: number;
  uncosted_minutes: number;
  updated_at: string;
}

export interface SyncStateTable {
  tenant_id: string;
  resource: string;
  watermark: string | null;
  last_full_sync_at: string | null;
  updated_at: string;
}

export interface InsightsTable {
  id: string;
  tenant_id: string;
  recipient_id: string;
  period: string;
  kind: string;
  /** Project ID for project insights, '-' otherwise (part of the unique key on both dialects). */
  subject_id: string;
  severity: string;
  /** JSON object of numbers only. */
  values_json: string;
  created_at: string;
}

export interface DeliveriesTable {
  id: string;
  tenant_id: string;
  erp_person_id: string;
  period: string;
  kind: string;
  state: string;
  attempts: number;
  provider_message_id: string | null;
  reason: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
}

export interface EmailPreferencesTable {
  tenant_id: string;
  erp_person_id: string;
  frequency: string;
  language: string | null;
  updated_at: string;
}

export interface EmailSuppressionsTable {
  tenant_id: string;
  erp_person_id: string;
  /** 'bounce' | 'spamreport' */
  reason: string;
  delivery_id: string;
  created_at: string;
}

export interface JobRunsTable {
  id: string;
  job: string;
  /** '-' for global jobs, so the unique key works the same on both dialects. */
  tenant_id: string;
  slot: string;
  state: string;
  attempts: number;
  run_after: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  counters_json: string | null;
  checkpoint_json: string | null;
  error_class: string | null;
  error_message: string | null;
  created_at: string;
  updated_at: string;
}

/** A job run's own log lines, as the logger wrote them (redacted, technical IDs only), per attempt. */
export interface JobRunLogsTable {
  run_id: string;
  attempt: number;
  seq: number;
  tenant_id: string;
  at: string;
  level: string;
  message: string;
  /** JSON object of the line's fields other than the run's own context. */
  meta_json: string | null;
}

/** One row per job worker process; live while its heartbeat is recent and it has not stopped. */
export interface WorkersTable {
  id: string;
  started_at: string;
  heartbeat_at: string;
  stopped_at: string | null;
  concurrency: number;
  /** Runs it was executing at its last heartbeat. */
  active: number;
  /** Comma-separated job names it runs. */
  jobs: string;
}

export interface AuditEventsTable {
  id: string;
  at: string;
  actor_type: string;
  actor_id: string | null;
  tenant_id: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  ip: string | null;
  request_id: string | null;
  details_json: string | null;
}

export interface PurgeRecordsTable {
  id: string;
  tenant_id: string;
  scope: string;
  subject_id: string | null;
  state: string;
  counts_json: string;
  reason: string;
  started_at: string;
  completed_at: string | null;
}

export interface UsersTable {
  id: string;
  role: string;
  tenant_id: string | null;
  username: string;
  password_hash: string | null;
  totp_secret_enc: string | null;
  /** Time step of the last accepted TOTP code: a code is accepted once (migration 002). */
  totp_last_step: Generated<number | null>;
  mfa_enabled: Flag;
  /** Unused since migration 007 (login_throttle counts attempts); kept so older rows stay valid. */
  failed_logins: number;
  /** Unused since migration 007, like failed_logins. */
  locked_until: string | null;
  created_at: string;
  disabled_at: string | null;
  /** 'fi' | 'sv' | 'en' chosen for the pages, null to follow the browser (migration 010). */
  language: Generated<string | null>;
}

export interface InvitesTable {
  id: string;
  token_hash: string;
  tenant_id: string;
  created_by: string;
  expires_at: string;
  used_at: string | null;
  created_at: string;
  /** The account name the operator chose (migration 007); null on older invites, which are refused. */
  username: Generated<string | null>;
}

/** Sign-in attempts per (user name, source) digest; source_hash '*' counts every source (migration 007). */
export interface LoginThrottleTable {
  subject_hash: string;
  source_hash: string;
  failures: number;
  locked_until: string | null;
  updated_at: string;
}

/** Operator-issued, single-use password reset links; only the token's SHA-256 is kept (migration 007). */
export interface PasswordResetsTable {
  id: string;
  token_hash: string;
  user_id: string;
  created_by: string;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  mfa_passed: Flag;
}

export interface ApiKeysTable {
  id: string;
  tenant_id: string;
  key_hash: string;
  prefix: string;
  scope: string;
  created_by: string;
  created_at: string;
  revoked_at: string | null;
}

export interface Database {
  tenants: TenantsTable;
  tenant_keys: TenantKeysTable;
  people: PeopleTable;
  work_contracts: WorkContractsTable;
  work_entries: WorkEntriesTable;
  daily_facts: DailyFactsTable;
  projects: ProjectsTable;
  sync_state: SyncStateTable;
  tenant_calendars: TenantCalendarsTable;
  flex_balances: FlexBalancesTable;
  project_money_weeks: ProjectMoneyWeeksTable;
  insights: InsightsTable;
  deliveries: DeliveriesTable;
  email_preferences: EmailPreferencesTable;
  email_suppressions: EmailSuppressionsTable;
  job_runs: JobRunsTable;
  job_run_logs: JobRunLogsTable;
  workers: WorkersTable;
  audit_events: AuditEventsTable;
  purge_records: PurgeRecordsTable;
  users: UsersTable;
  invites: InvitesTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  login_throttle: LoginThrottleTable;
  password_resets: PasswordResetsTable;
}

export type Tenant = Selectable<TenantsTable>;
export type Person = Selectable<PeopleTable>;
export type JobRun = Selectable<JobRunsTable>;
export type Delivery = Selectable<DeliveriesTable>;
