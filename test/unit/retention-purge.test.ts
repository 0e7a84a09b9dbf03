import { fixedClock } from '../../src/clock';
import { createKyselyDataKeyRepo } from '../../src/crypto/data-key-repo';
import { createEnvelope, type Envelope } from '../../src/crypto/envelope';
import { createSecretStoreKeyProvider } from '../../src/crypto/key-provider';
import type { Db } from '../../src/db/db';
import type { Database } from '../../src/db/schema';
import { subjectDigest } from '../../src/crypto/subject-digest';
import { PurgeIncompleteError } from '../../src/retention/purge-runner';
import { createRetentionService, type RetentionDeps } from '../../src/retention/retention.service';
import { secretName } from '../../src/secrets/secret-store';
import { createMemoryLogger, type LogRecord } from '../fakes/memory-logger';
import { createMemorySecretStore } from '../fakes/memory-secret-store';
import { createTestDb } from '../fakes/test-db';

const CONFIG = { tenantMonths: 6, personMonths: 6, factsMonths: 25, insightsMonths: 13, deliveriesMonths: 13, jobRunsDays: 90 };
const TS = '2026-06-01T00:00:00.000Z';
const PER_TENANT_TABLES: (keyof Database)[] = [
  'people', 'work_contracts', 'work_entries', 'daily_facts', 'projects', 'sync_state', 'insights',
  'deliveries', 'email_preferences', 'job_runs', 'users', 'api_keys', 'invites', 'audit_events', 'tenant_keys',
  'tenant_calendars', 'flex_balances', 'job_run_logs', 'project_money_weeks',
];

async function seedTenant(db: Db, envelope: Envelope, id: string, contractEnd: string | null, people: [string, string | null][]) {
  const k = db.kysely;
  await k.insertInto('tenants').values({
    id, display_name: `Customer ${id}`, erp_kind: 'severa', erp_base_url: 'https://erp.example.test', contract_start: '2024-01-01',
    contract_end: contractEnd, timezone: 'Europe/Helsinki', country: 'FI', default_language: 'fi', status: 'active',
    settings_json: '{"digest":true}', created_at: TS, updated_at: TS,
  }).execute();
  for (const [p, end] of people) {
    await k.insertInto('people').values({ tenant_id: id, erp_person_id: p, employment_start: '2024-01-01', employment_end: end, language: 'fi', country: 'FI', manager_id: 'p1', is_active: end ? 0 : 1, restricted: 0, updated_at: TS }).execute();
    await k.insertInto('work_contracts').values({ tenant_id: id, erp_contract_id: `c-${p}`, erp_person_id: p, start_date: '2024-01-01', end_date: end, daily_minutes: 450, workdays_mask: 31, updated_at: TS }).execute();
    await k.insertInto('email_preferences').values({ tenant_id: id, erp_person_id: p, frequency: 'weekly', language: null, updated_at: TS }).execute();
    await k.insertInto('flex_balances').values({ tenant_id: id, erp_person_id: p, as_of: '2026-05-31', balance_minutes: 90, updated_at: TS }).execute();
    await k.insertInto('insights').values({ id: `i-${id}-${p}`, tenant_id: id, recipient_id: p, period: '2026-W22', kind: 'missing-hours', subject_id: '-', severity: 'info', values_json: '{"minutes":60}', created_at: TS }).execute();
    await k.insertInto('deliveries').values({ id: `d-${id}-${p}`, tenant_id: id, erp_person_id: p, period: '2026-W22', kind: 'digest', state: 'sent', attempts: 1, provider_message_id: null, reason: null, created_at: TS, updated_at: TS, sent_at: TS }).execute();
    for (let d = 1; d <= 5; d += 1) {
      const date = `2026-05-0${d}`;
      await k.insertInto('work_entries').values({ tenant_id: id, erp_entry_id: `e-${p}-${d}`, erp_person_id: p, erp_project_id: 'pr1', date, minutes: 450, billable: 1, updated_at: TS }).execute();
      const absence = await envelope.encryptNumber({ tenantId: id, table: 'daily_facts', column: 'absence_minutes_enc', rowId: `${p}|${date}` }, 0);
      await k.insertInto('daily_facts').values({ tenant_id: id, erp_person_id: p, date, recorded_minutes: 450, billable_minutes: 450, expected_minutes: 450, absence_minutes_enc: absence, entry_count: 1, updated_at: TS }).execute();
    }
  }
  await k.insertInto('projects').values({ tenant_id: id, erp_project_id: 'pr1', manager_id: 'p2', budget_minutes: 10_000, start_date: null, end_date: null, is_closed: 0, updated_at: TS }).execute();
  await k.insertInto('project_money_weeks').values({ tenant_id: id, erp_project_id: 'pr1', week: '2026-W19', currency: 'EUR', billable_minutes: 2250, value_cents: 375000, unpriced_minutes: 0, costed_minutes: 2250, cost_cents: 168750, uncosted_minutes: 0, updated_at: TS }).execute();
  await k.insertInto('sync_state').values({ tenant_id: id, resource: 'people', watermark: TS, last_full_sync_at: TS, updated_at: TS }).execute();
  await k.insertInto('tenant_calendars').values({ tenant_id: id, source: 'company', reason: null, holidays_json: '["2026-06-19"]', updated_at: TS }).execute();
  await k.insertInto('job_runs').values({ id: `j-${id}`, job: 'sync', tenant_id: id, slot: '2026-06-01', state: 'succeeded', attempts: 1, run_after: TS, lease_owner: null, lease_expires_at: null, started_at: TS, finished_at: '2027-02-20T00:00:00.000Z', duration_ms: 5, counters_json: null, checkpoint_json: null, error_class: null, error_message: null, created_at: TS, updated_at: TS }).execute();
  await k.insertInto('job_run_logs').values({ run_id: `j-${id}`, attempt: 1, seq: 1, tenant_id: id, at: TS, level: 'info', message: 'Job run succeeded', meta_json: null }).execute();
  await k.insertInto('users').values({ id: `u-${id}`, role: 'admin', tenant_id: id, username: `admin-${id}`, password_hash: 'x', totp_secret_enc: null, mfa_enabled: 0, failed_logins: 0, locked_until: null, created_at: TS, disabled_at: null }).execute();
  await k.insertInto('sessions').values({ id_hash: `s-${id}`, user_id: `u-${id}`, created_at: TS, last_seen_at: TS, expires_at: TS, mfa_passed: 1 }).execute();
  await k.insertInto('password_resets').values({ id: `r-${id}`, token_hash: `rt-${id}`, user_id: `u-${id}`, created_by: 'staff-1', expires_at: TS, used_at: null, created_at: TS }).execute();
  await k.insertInto('api_keys').values({ id: `k-${id}`, tenant_id: id, key_hash: `h-${id}`, prefix: 'ei_', scope: 'read', created_by: `u-${id}`, created_at: TS, revoked_at: null }).execute();
  await k.insertInto('invites').values({ id: `v-${id}`, token_hash: `t-${id}`, tenant_id: id, created_by: `u-${id}`, expires_at: TS, used_at: null, created_at: TS }).execute();
  await k.insertInto('audit_events').values({ id: `ae-${id}`, at: TS, actor_type: 'admin', actor_id: `u-${id}`, tenant_id: id, action: 'login', object_type: null, object_id: null, ip: '127.0.0.1', request_id: null, details_json: null }).execute();
}

async function countRows(db: Db, tenantId: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of PER_TENANT_TABLES) {
    const row = await db.kysely.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).executeTakeFirst();
    out[table] = Number(row?.n ?? 0);
  }
  return out;
}

describe('retention purge', () => {
  let db: Db;
  let envelope: Envelope;
  const secrets = createMemorySecretStore();
  const clock = fixedClock(new Date('2027-02-28T12:00:00.000Z'));
  const service = (over: Partial<RetentionDeps> = {}) =>
    createRetentionService({ db, clock, envelope, secrets, logger: createMemoryLogger(), config: CONFIG, batchSize: 3, ...over });

  beforeEach(async () => {
    db = await createTestDb();
    envelope = createEnvelope({ keys: createSecretStoreKeyProvider({ secrets }), repo: createKyselyDataKeyRepo(db.kysely), clock });
    clock.set(new Date('2026-06-01T00:00:00.000Z'));
    await seedTenant(db, envelope, 'ended', '2026-08-31', [['p1', null], ['p2', null]]);
    await seedTenant(db, envelope, 'live', null, [['p1', null], ['p2', '2026-09-30'], ['p3', null]]);
    await secrets.set(secretName('erp', 'ended'), '{"clientId":"a","clientSecret":"b"}');
    await secrets.set(secretName('erp', 'live'), '{"clientId":"c","clientSecret":"d"}');
  });
  afterEach(() => db.close());

  it('keeps a tenant on the day exactly six months after its contract end', async () => {
    clock.set(new Date('2027-02-28T12:00:00.000Z'));
    const before = await countRows(db, 'ended');
    const summary = await service().purgeDue();
    expect(summary.tenants).toEqual([]);
    expect(await countRows(db, 'ended')).toEqual(before);
    expect(await db.kysely.selectFrom('purge_records').selectAll().execute()).toEqual([]);
  });

  it('purges every row, the data keys and the ERP credentials from the next day on (tenant calendar)', async () => {
    // 22:30 UTC on Feb 28 is already March 1 in Helsinki.
    clock.set(new Date('2027-02-28T22:30:00.000Z'));
    const before = await countRows(db, 'ended');
    const live = await countRows(db, 'live');
    const summary = await service().purgeDue();
    expect(summary.tenants.map((t) => t.tenantId)).toEqual(['ended']);
    expect(Object.values(await countRows(db, 'ended')).every((n) => n === 0)).toBe(true);
    expect(await db.kysely.selectFrom('sessions').selectAll().where('user_id', '=', 'u-ended').execute()).toEqual([]);
    expect(await db.kysely.selectFrom('password_resets').selectAll().where('user_id', '=', 'u-ended').execute()).toEqual([]);
    expect(await secrets.get(secretName('erp', 'ended'))).toBeUndefined();
    expect(await secrets.get(secretName('erp', 'live'))).toBeDefined();
    expect(await countRows(db, 'live')).toEqual(live);

    const tenant = await db.kysely.selectFrom('tenants').selectAll().where('id', '=', 'ended').executeTakeFirstOrThrow();
    expect(tenant).toMatchObject({ status: 'purged', contract_end: '2026-08-31', erp_base_url: null, settings_json: '{}' });

    const [record, ...others] = await db.kysely.selectFrom('purge_records').selectAll().execute();
    expect(others).toEqual([]);
    expect(record).toMatchObject({ tenant_id: 'ended', scope: 'tenant', subject_id: null, state: 'completed', reason: 'contract-ended', completed_at: clock.now().toISOString() });
    const counts = JSON.parse(record!.counts_json) as Record<string, number>;
    for (const table of PER_TENANT_TABLES) expect(counts[table] ?? 0).toBe(before[table]);
    expect(counts).toMatchObject({ daily_facts: 10, sessions: 1, password_resets: 1, erp_credentials: 1 });
    expect(Object.values(counts).every((n) => typeof n === 'number')).toBe(true);
  });

  it('purging twice gives the same result', async () => {
    clock.set(new Date('2027-03-01T12:00:00.000Z'));
    await service().purgeDue();
    const afterFirst = { ended: await countRows(db, 'ended'), live: await countRows(db, 'live'), records: await db.kysely.selectFrom('purge_records').selectAll().execute() };
    const second = await service().purgeDue();
    expect(second).toMatchObject({ resumed: 0, tenants: [], persons: [] });
    expect({ ended: await countRows(db, 'ended'), live: await countRows(db, 'live'), records: await db.kysely.selectFrom('purge_records').selectAll().execute() }).toEqual(afterFirst);
  });

  it('a purge that dies after its first batch is finished by the next run', async () => {
    clock.set(new Date('2027-03-01T12:00:00.000Z'));
    const before = await countRows(db, 'ended');
    let batches = 0;
    const crashing = service({
      afterBatch: () => {
        batches += 1;
        if (batches === 1) throw new Error('killed');
      },
    });
    await expect(crashing.purgeDue()).rejects.toThrow('killed');
    const [midway] = await db.kysely.selectFrom('purge_records').selectAll().execute();
    expect(midway).toMatchObject({ state: 'running', counts_json: '{"work_entries":3}' });
    expect((await db.kysely.selectFrom('tenants').select('status').where('id', '=', 'ended').executeTakeFirstOrThrow()).status).toBe('purging');
    expect(await secrets.get(secretName('erp', 'ended'))).toBeDefined();

    const summary = await service().purgeDue();
    expect(summary.resumed).toBe(1);
    const records = await db.kysely.selectFrom('purge_records').selectAll().where('scope', '=', 'tenant').execute();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ id: midway!.id, state: 'completed' });
    const counts = JSON.parse(records[0]!.counts_json) as Record<string, number>;
    expect(counts.work_entries).toBe(before.work_entries);
    expect(counts.daily_facts).toBe(before.daily_facts);
    expect(Object.values(await countRows(db, 'ended')).every((n) => n === 0)).toBe(true);
    expect(await secrets.get(secretName('erp', 'ended'))).toBeUndefined();
  });

  it('re-checks for rows written while it ran (past the fence) and deletes them before calling the purge complete', async () => {
    clock.set(new Date('2027-03-01T12:00:00.000Z'));
    let wroteLate = false;
    const logs: LogRecord[] = [];
    const racing = service({
      logger: createMemoryLogger(logs),
      afterBatch: async (table) => {
        // A writer outside the fence adds an entry and a data key after their tables were purged.
        if (table !== 'people' || wroteLate) return;
        wroteLate = true;
        await db.kysely.insertInto('work_entries').values({ tenant_id: 'ended', erp_entry_id: 'late', erp_person_id: 'p1', erp_project_id: 'pr1', date: '2026-05-06', minutes: 60, billable: 0, updated_at: TS }).execute();
        await envelope.encryptNumber({ tenantId: 'ended', table: 'daily_facts', column: 'absence_minutes_enc', rowId: 'p1|2026-05-06' }, 60);
      },
    });
    const summary = await racing.purgeDue();
    expect(wroteLate).toBe(true);
    expect(summary.tenants[0]!.counts).toMatchObject({ work_entries: 11 });
    expect(Object.values(await countRows(db, 'ended')).every((n) => n === 0)).toBe(true);
    expect(logs.find((l) => l.message === 'Purge found rows written while it ran')?.meta).toMatchObject({ tenantId: 'ended', pass: 1, leftovers: { work_entries: 1 } });
    expect((await db.kysely.selectFrom('purge_records').select('state').executeTakeFirstOrThrow()).state).toBe('completed');
  });

  it('stops at the next batch once the purge job loses its lease, and the next run finishes it', async () => {
    clock.set(new Date('2027-03-01T12:00:00.000Z'));
    const lease = new AbortController();
    const lost = service({ afterBatch: () => void lease.abort(new Error('Lease lost')) });
    await expect(lost.purgeDue({ signal: lease.signal })).rejects.toThrow('Lease lost');
    const [record] = await db.kysely.selectFrom('purge_records').selectAll().execute();
    expect(record).toMatchObject({ state: 'running', counts_json: '{"work_entries":3}' });
    expect((await service().purgeDue()).resumed).toBe(1);
    expect(Object.values(await countRows(db, 'ended')).every((n) => n === 0)).toBe(true);
  });

  it('stays unfinished while a writer keeps adding rows, and the next run finishes it', async () => {
    clock.set(new Date('2027-03-01T12:00:00.000Z'));
    let late = 0;
    const endless = service({
      afterBatch: async (table) => {
        if (table !== 'audit_events') return;
        late += 1;
        await db.kysely.insertInto('audit_events').values({ id: `late-${late}`, at: TS, actor_type: 'system', actor_id: null, tenant_id: 'ended', action: 'x', object_type: null, object_id: null, ip: null, request_id: null, details_json: null }).execute();
      },
    });
    await expect(endless.purgeDue()).rejects.toBeInstanceOf(PurgeIncompleteError);
    expect(await db.kysely.selectFrom('purge_records').select('state').execute()).toEqual([{ state: 'running' }]);
    expect((await db.kysely.selectFrom('tenants').select('status').where('id', '=', 'ended').executeTakeFirstOrThrow()).status).toBe('purging');
    const summary = await service().purgeDue();
    expect(summary.resumed).toBe(1);
    expect(Object.values(await countRows(db, 'ended')).every((n) => n === 0)).toBe(true);
  });

  it('checks purged tenants again every day and deletes what was written after their purge', async () => {
    clock.set(new Date('2027-03-01T12:00:00.000Z'));
    await service().purgeDue();
    // A sync that was already past its last fence check when the purge completed creates a data key.
    await envelope.encrypt({ tenantId: 'ended', table: 'daily_facts', column: 'absence_minutes_enc', rowId: 'p1|2026-05-01' }, '60');
    const logs: LogRecord[] = [];
    const again = await service({ logger: createMemoryLogger(logs) }).purgeDue();
    expect(again.leftovers).toBe(1);
    expect(logs.find((l) => l.message === 'Purged tenant still had rows; deleted them')?.meta).toEqual({ tenantId: 'ended', found: { tenant_keys: 1 } });
    expect(await countRows(db, 'ended')).toMatchObject({ tenant_keys: 0 });
    expect((await service().purgeDue()).leftovers).toBe(0);
  });

  it('purges a person six months after employment end and keeps only a digest of the ID', async () => {
    clock.set(new Date('2027-03-31T12:00:00.000Z'));
    expect((await service().purgeDue()).persons).toEqual([]);
    await db.kysely
      .insertInto('audit_events')
      .values({ id: 'ev-p2', at: '2026-12-01T00:00:00.000Z', actor_type: 'employee', actor_id: 'p2', tenant_id: 'live', action: 'email.unsubscribe', object_type: 'person', object_id: 'p2', ip: null, request_id: null, details_json: null })
      .execute();
    clock.set(new Date('2027-04-01T12:00:00.000Z'));
    const summary = await service().purgeDue();
    expect(summary.persons.map((p) => [p.tenantId, p.reason])).toEqual([['live', 'employment-ended']]);
    const event = await db.kysely.selectFrom('audit_events').select(['actor_id', 'object_id']).where('id', '=', 'ev-p2').executeTakeFirstOrThrow();
    expect(event).toEqual({ actor_id: subjectDigest('live', 'p2'), object_id: subjectDigest('live', 'p2') });
    const people = await db.kysely.selectFrom('people').select(['erp_person_id', 'manager_id']).where('tenant_id', '=', 'live').execute();
    expect(people.map((p) => p.erp_person_id).sort()).toEqual(['p1', 'p3']);
    const facts = await db.kysely.selectFrom('daily_facts').select('erp_person_id').distinct().where('tenant_id', '=', 'live').execute();
    expect(facts.map((f) => f.erp_person_id).sort()).toEqual(['p1', 'p3']);
    const project = await db.kysely.selectFrom('projects').select('manager_id').where('tenant_id', '=', 'live').executeTakeFirstOrThrow();
    expect(project.manager_id).toBeNull();
    const record = await db.kysely.selectFrom('purge_records').selectAll().where('scope', '=', 'person').executeTakeFirstOrThrow();
    expect(record).toMatchObject({ tenant_id: 'live', state: 'completed', subject_id: subjectDigest('live', 'p2') });
    expect(JSON.stringify(record)).not.toContain('"p2"');
    expect(JSON.parse(record.counts_json)).toMatchObject({ people: 1, daily_facts: 5, work_entries: 5, insights: 1, deliveries: 1 });
  });

  it('rolling windows delete old facts and finished job runs only', async () => {
    clock.set(new Date('2028-06-03T12:00:00.000Z'));
    await db.kysely.insertInto('job_runs').values({ id: 'old-running', job: 'sync', tenant_id: 'live', slot: 'x', state: 'running', attempts: 1, run_after: TS, lease_owner: 'w', lease_expires_at: TS, started_at: TS, finished_at: null, duration_ms: null, counters_json: null, checkpoint_json: null, error_class: null, error_message: null, created_at: TS, updated_at: TS }).execute();
    await db.kysely.insertInto('job_run_logs').values({ run_id: 'old-running', attempt: 1, seq: 1, tenant_id: 'live', at: TS, level: 'info', message: 'still running', meta_json: null }).execute();
    await db.kysely.insertInto('daily_facts').values({ tenant_id: 'live', erp_person_id: 'p1', date: '2028-06-30', recorded_minutes: 1, billable_minutes: 0, expected_minutes: 0, absence_minutes_enc: null, entry_count: 1, updated_at: TS }).execute();
    const counts = await service().purgeRolling();
    // Facts are kept 25 months: on 2028-06-03 those dated before 2026-05-03 go (2 days × 5 people).
    expect(counts).toEqual({ daily_facts: 10, work_entries: 10, insights: 5, deliveries: 5, job_runs: 2, job_run_logs: 2 });
    clock.set(new Date('2028-07-02T12:00:00.000Z'));
    // From 2026-06-02 (week 2026-W23) on: project money of 2026-W19 goes too, one row per tenant; on
    // 2028-06-03 the cut was 2026-05-03, a Sunday of W18, so W19 stayed.
    expect(await service().purgeRolling()).toEqual({ daily_facts: 15, work_entries: 15, project_money_weeks: 2 });
    const left = await db.kysely.selectFrom('job_runs').select('id').execute();
    expect(left).toEqual([{ id: 'old-running' }]);
    expect(await db.kysely.selectFrom('job_run_logs').select('run_id').execute()).toEqual([{ run_id: 'old-running' }]);
    expect(await db.kysely.selectFrom('daily_facts').select('date').execute()).toEqual([{ date: '2028-06-30' }]);
  });

  it('lists upcoming purges with ids, dates and counts only', async () => {
    clock.set(new Date('2027-02-10T12:00:00.000Z'));
    expect(await service().upcoming(10)).toEqual({ tenants: [], persons: [] });
    const tenants = [{ tenantId: 'ended', contractEnd: '2026-08-31', dueDate: '2027-03-01', people: 2 }];
    expect(await service().upcoming(30)).toEqual({ tenants, persons: [] });
    expect(await service().upcoming(60)).toEqual({
      tenants,
      persons: [{ tenantId: 'live', personId: 'p2', employmentEnd: '2026-09-30', dueDate: '2027-04-01', dailyFacts: 5 }],
    });
  });
});
