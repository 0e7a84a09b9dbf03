import { createAuditLog } from '../../src/audit/audit.service';
import { fixedClock } from '../../src/clock';
import { createKyselyDataKeyRepo } from '../../src/crypto/data-key-repo';
import { createEnvelope, type Envelope } from '../../src/crypto/envelope';
import { createSecretStoreKeyProvider } from '../../src/crypto/key-provider';
import type { Db } from '../../src/db/db';
import { createDsrService, DSR_AUDIT_ACTIONS, type DsrService } from '../../src/dsr/dsr.service';
import type { DsrPort } from '../../src/web/ports';
import { absenceCipherContext as dailyFactCipher } from '../../src/db/fact-columns';
import { NotFoundError } from '../../src/errors';
import { subjectDigest } from '../../src/crypto/subject-digest';
import { createRetentionService } from '../../src/retention/retention.service';
import { createMemoryLogger } from '../fakes/memory-logger';
import { createMemorySecretStore } from '../fakes/memory-secret-store';
import { createTestDb } from '../fakes/test-db';

const TS = '2026-06-01T00:00:00.000Z';
const ADMIN = { actor: { type: 'admin' as const, id: 'u-1' }, ip: '192.0.2.7', requestId: '0b6f3c2e-1d4a-4f7e-9a51-2c9d0e8f7a10' };
/** The web layer's port is the service itself: main.ts passes it through without an adapter of its own. */
const asPort = (service: DsrService): DsrPort => service;

async function seed(db: Db, envelope: Envelope, tenantId: string, personId: string): Promise<void> {
  const k = db.kysely;
  await k.insertInto('tenants').values({ id: tenantId, display_name: tenantId, erp_kind: 'severa', erp_base_url: null, contract_start: '2024-01-01', contract_end: null, timezone: 'Europe/Helsinki', country: 'FI', default_language: 'fi', status: 'active', settings_json: '{}', created_at: TS, updated_at: TS }).onConflict((oc) => oc.doNothing()).execute();
  await k.insertInto('people').values({ tenant_id: tenantId, erp_person_id: personId, employment_start: '2024-01-01', employment_end: null, language: 'fi', country: 'FI', manager_id: null, is_active: 1, restricted: 0, updated_at: TS }).execute();
  await k.insertInto('work_contracts').values({ tenant_id: tenantId, erp_contract_id: `c-${personId}`, erp_person_id: personId, start_date: '2024-01-01', end_date: null, daily_minutes: 450, workdays_mask: 31, updated_at: TS }).execute();
  await k.insertInto('daily_facts').values([
    { tenant_id: tenantId, erp_person_id: personId, date: '2026-05-04', recorded_minutes: 210, billable_minutes: 200, expected_minutes: 450, absence_minutes_enc: await envelope.encryptNumber(dailyFactCipher(tenantId, personId, '2026-05-04'), 240), entry_count: 2, updated_at: TS },
    { tenant_id: tenantId, erp_person_id: personId, date: '2026-05-05', recorded_minutes: 450, billable_minutes: 400, expected_minutes: 450, absence_minutes_enc: null, entry_count: 3, updated_at: TS },
  ]).execute();
  await k.insertInto('work_entries').values({ tenant_id: tenantId, erp_entry_id: `e-${personId}`, erp_person_id: personId, erp_project_id: 'pr1', date: '2026-05-04', minutes: 210, billable: 1, updated_at: TS }).execute();
  await k.insertInto('insights').values({ id: `i-${tenantId}-${personId}`, tenant_id: tenantId, recipient_id: personId, period: '2026-W19', kind: 'missing-hours', subject_id: '-', severity: 'warn', values_json: '{"missingMinutes":240}', created_at: TS }).execute();
  await k.insertInto('deliveries').values({ id: `d-${tenantId}-${personId}`, tenant_id: tenantId, erp_person_id: personId, period: '2026-W19', kind: 'digest', state: 'sent', attempts: 1, provider_message_id: 'm1', reason: null, created_at: TS, updated_at: TS, sent_at: TS }).execute();
  await k.insertInto('email_preferences').values({ tenant_id: tenantId, erp_person_id: personId, frequency: 'weekly', language: 'sv', updated_at: TS }).execute();
  await k.insertInto('projects').values({ tenant_id: tenantId, erp_project_id: 'pr1', manager_id: personId, budget_minutes: 6000, start_date: null, end_date: null, is_closed: 0, updated_at: TS }).onConflict((oc) => oc.doNothing()).execute();
}

describe('data subject requests', () => {
  let db: Db;
  let dsr: DsrService;
  const clock = fixedClock(new Date('2026-06-02T10:00:00.000Z'));
  const audit = () => db.kysely.selectFrom('audit_events').selectAll().orderBy('at').orderBy('action').execute();

  beforeEach(async () => {
    db = await createTestDb();
    const secrets = createMemorySecretStore();
    const envelope = createEnvelope({ keys: createSecretStoreKeyProvider({ secrets }), repo: createKyselyDataKeyRepo(db.kysely), clock });
    await seed(db, envelope, 't1', 'p1');
    await seed(db, envelope, 't1', 'p2');
    await seed(db, envelope, 't2', 'p9');
    const retention = createRetentionService({
      db, clock, envelope, secrets, logger: createMemoryLogger(),
      config: { tenantMonths: 6, personMonths: 6, factsMonths: 25, insightsMonths: 13, deliveriesMonths: 13, jobRunsDays: 90 },
    });
    dsr = createDsrService({ db, envelope, retention, audit: createAuditLog({ db, clock }), clock });
  });
  afterEach(() => db.close());

  it('exports everything stored about the person with absence decrypted', async () => {
    const out = await dsr.exportPerson('t1', 'p1', ADMIN);
    expect(out).toMatchObject({ format: 'erp-insights.person-export.v1', tenantId: 't1', personId: 'p1', exportedAt: clock.now().toISOString() });
    expect(out.person).toMatchObject({ employment_start: '2024-01-01', restricted: 0 });
    expect(out.dailyFacts).toEqual([
      expect.objectContaining({ date: '2026-05-04', recorded_minutes: 210, absence_minutes: 240 }),
      expect.objectContaining({ date: '2026-05-05', absence_minutes: null }),
    ]);
    expect(out.insights).toEqual([expect.objectContaining({ kind: 'missing-hours', values: { missingMinutes: 240 } })]);
    expect(out.workContracts).toHaveLength(1);
    expect(out.workEntries).toHaveLength(1);
    expect(out.deliveries).toEqual([expect.objectContaining({ period: '2026-W19', state: 'sent' })]);
    expect(out.emailPreferences).toMatchObject({ frequency: 'weekly', language: 'sv' });
    expect(out.managedProjects).toEqual([expect.objectContaining({ erp_project_id: 'pr1' })]);
    expect(JSON.stringify(out)).not.toMatch(/_enc|v1\.\d+\./);
    expect(await audit()).toEqual([
      expect.objectContaining({ action: DSR_AUDIT_ACTIONS.export, tenant_id: 't1', object_id: 'p1', actor_type: 'admin', actor_id: 'u-1', ip: ADMIN.ip, request_id: ADMIN.requestId, details_json: '{"dailyFacts":2,"insights":1}' }),
    ]);
  });

  it('is tenant-scoped: another tenant\'s or an unknown person is not found, and nothing is audited', async () => {
    await expect(dsr.exportPerson('t1', 'p9', ADMIN)).rejects.toBeInstanceOf(NotFoundError);
    await expect(dsr.erasePerson('t2', 'p1', ADMIN)).rejects.toBeInstanceOf(NotFoundError);
    await expect(dsr.restrict('t1', 'nobody', true, ADMIN)).rejects.toBeInstanceOf(NotFoundError);
    expect(await audit()).toEqual([]);
  });

  it("leaves no raw ERP ID of the erased person in older audit events, and others' events as they were", async () => {
    const log = createAuditLog({ db, clock });
    await dsr.exportPerson('t1', 'p1', ADMIN);
    await dsr.restrict('t1', 'p1', true, ADMIN);
    await log.record({ actor: ADMIN.actor, tenantId: 't1', action: 'email.previewed', object: { type: 'person', id: 'p1' } });
    await log.record({ actor: { type: 'employee', id: 'p1' }, tenantId: 't1', action: 'email.unsubscribe', object: { type: 'person', id: 'p1' }, details: { frequency: 'off' } });
    await log.record({ actor: { type: 'employee', id: 'p2' }, tenantId: 't1', action: 'email.unsubscribe', object: { type: 'person', id: 'p2' } });
    await log.record({ actor: { type: 'employee', id: 'p1' }, tenantId: 't2', action: 'email.unsubscribe', object: { type: 'person', id: 'p1' } });
    await dsr.erasePerson('t1', 'p1', ADMIN);
    const digest = subjectDigest('t1', 'p1');
    const events = await audit();
    const t1 = events.filter((e) => e.tenant_id === 't1');
    expect(t1.filter((e) => JSON.stringify(e).includes('"p1"'))).toEqual([]);
    expect(t1.filter((e) => e.object_id === digest).map((e) => e.action).sort()).toEqual(['dsr.erased', 'dsr.exported', 'dsr.restricted', 'email.previewed', 'email.unsubscribe']);
    expect(t1.filter((e) => e.actor_id === digest).map((e) => e.action)).toEqual(['email.unsubscribe']);
    expect(t1.filter((e) => e.object_id === 'p2')).toEqual([expect.objectContaining({ actor_id: 'p2', action: 'email.unsubscribe' })]);
    // Another tenant's person with the same ERP ID is someone else.
    expect(events.filter((e) => e.tenant_id === 't2')).toEqual([expect.objectContaining({ actor_id: 'p1', object_id: 'p1' })]);
  });

  it('erases a person through the purge path and audits it by digest', async () => {
    const result = await asPort(dsr).erasePerson('t1', 'p1', ADMIN);
    expect(result.counts).toMatchObject({ people: 1, daily_facts: 2, work_entries: 1, insights: 1, deliveries: 1, email_preferences: 1, work_contracts: 1 });
    await expect(dsr.exportPerson('t1', 'p1', ADMIN)).rejects.toBeInstanceOf(NotFoundError);
    expect((await dsr.exportPerson('t1', 'p2', ADMIN)).dailyFacts).toHaveLength(2);
    const record = await db.kysely.selectFrom('purge_records').selectAll().executeTakeFirstOrThrow();
    expect(record).toMatchObject({ id: result.purgeId, reason: 'erasure', state: 'completed', subject_id: subjectDigest('t1', 'p1') });
    const events = await audit();
    expect(events.filter((e) => e.action === DSR_AUDIT_ACTIONS.erase)).toHaveLength(1);
    const erase = events.find((e) => e.action === DSR_AUDIT_ACTIONS.erase);
    expect(erase).toMatchObject({ object_type: 'person', object_id: subjectDigest('t1', 'p1'), actor_id: 'u-1', ip: ADMIN.ip, request_id: ADMIN.requestId });
    expect(JSON.stringify(erase)).not.toContain('"p1"');
    const project = await db.kysely.selectFrom('projects').select('manager_id').where('tenant_id', '=', 't1').executeTakeFirstOrThrow();
    expect(project.manager_id).toBeNull();
  });

  it('records an unknown origin as null, not as a made-up value', async () => {
    await dsr.restrict('t1', 'p1', true, { actor: { type: 'system', id: null } });
    expect(await audit()).toEqual([expect.objectContaining({ actor_type: 'system', ip: null, request_id: null })]);
  });

  it('restricts and lifts the restriction, audited each time', async () => {
    await dsr.restrict('t1', 'p1', true, ADMIN);
    const flag = () => db.kysely.selectFrom('people').select('restricted').where('tenant_id', '=', 't1').where('erp_person_id', '=', 'p1').executeTakeFirstOrThrow();
    expect((await flag()).restricted).toBe(1);
    await dsr.restrict('t1', 'p1', false, ADMIN);
    expect((await flag()).restricted).toBe(0);
    const events = await audit();
    expect(events.map((e) => e.action).sort()).toEqual([DSR_AUDIT_ACTIONS.restrict, DSR_AUDIT_ACTIONS.unrestrict].sort());
    for (const e of events) expect(e).toMatchObject({ actor_id: 'u-1', ip: ADMIN.ip, request_id: ADMIN.requestId });
  });
});
