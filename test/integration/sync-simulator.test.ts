import fs from 'node:fs';
import { createSyncHarness, type SyncHarness } from '../fakes/sync-harness';

async function totals(h: SyncHarness) {
  const k = h.db.kysely;
  const count = async (t: 'people' | 'work_entries' | 'daily_facts' | 'projects' | 'work_contracts') =>
    Number((await k.selectFrom(t).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const sums = await k
    .selectFrom('daily_facts')
    .select((eb) => [eb.fn.sum<number>('recorded_minutes').as('facts')])
    .executeTakeFirstOrThrow();
  const entries = await k.selectFrom('work_entries').select((eb) => [eb.fn.sum<number>('minutes').as('m')]).executeTakeFirstOrThrow();
  return {
    people: await count('people'),
    entries: await count('work_entries'),
    facts: await count('daily_facts'),
    projects: await count('projects'),
    contracts: await count('work_contracts'),
    factMinutes: Number(sums.facts),
    entryMinutes: Number(entries.m),
  };
}

describe('sync against the ERP simulator', () => {
  let h: SyncHarness;
  afterEach(async () => h?.close());

  it('backfills, then syncs incrementally and reflects an edit and a deletion upstream', async () => {
    h = await createSyncHarness();
    const first = await h.sync.syncTenant(h.tenant, h.client());
    expect(first.mode).toBe('full');
    const before = await totals(h);
    expect(before.people).toBeGreaterThan(5);
    expect(before.entries).toBe(first.entries);
    expect(before.entries).toBeGreaterThan(500);
    expect(before.factMinutes).toBe(before.entryMinutes);
    expect(before.projects).toBeGreaterThan(0);

    const [edited, deleted] = await h.db.kysely.selectFrom('work_entries').selectAll().orderBy('date', 'desc').limit(2).execute();
    if (!edited || !deleted) throw new Error('expected entries');
    h.sim.mutate.editWorkHour(edited.erp_entry_id, { quantity: 11 });
    h.sim.mutate.deleteWorkHour(deleted.erp_entry_id);
    h.clock.advance(24 * 3600_000);

    const second = await h.sync.syncTenant(h.tenant, h.client());
    expect(second.mode).toBe('incremental');
    const after = await totals(h);
    const editedRow = await h.db.kysely.selectFrom('work_entries').selectAll().where('erp_entry_id', '=', edited.erp_entry_id).executeTakeFirst();
    expect(editedRow?.minutes).toBe(660);
    const gone = await h.db.kysely.selectFrom('work_entries').selectAll().where('erp_entry_id', '=', deleted.erp_entry_id).executeTakeFirst();
    expect(gone).toBeUndefined();
    expect(after.entries).toBe(before.entries - 1);
    expect(after.factMinutes).toBe(after.entryMinutes);
    expect(after.entryMinutes).toBe(before.entryMinutes - edited.minutes + 660 - deleted.minutes);
  });

  it('keeps no name, contact, identity number, bank account or free text of the ERP in the database file or the logs', async () => {
    h = await createSyncHarness();
    await h.sync.syncTenant(h.tenant, h.client());
    await h.db.close();
    const raw = fs.readFileSync(h.dbFile).toString('latin1') + fs.readFileSync(`${h.dbFile}-wal`, { flag: 'a+' }).toString('latin1');
    const logText = JSON.stringify(h.logs);
    const { users, customers } = h.sim.company;
    // Every personal field the ERP serves: user records, names inside work hours, projects and free text, sole traders' names, absence notes.
    const needles = [
      ...users.flatMap((u) => [u.personal.lastName, `${u.personal.firstName} ${u.personal.lastName}`, u.personal.email, u.personal.phone]),
      ...users.flatMap((u) => [u.personal.socialSecurityNumber, u.personal.bankAccountNumber, u.personal.address, u.personal.birthDate, u.personal.notes].filter(Boolean)),
      ...customers.filter((c) => c.name.startsWith('Tmi ')).map((c) => c.name),
      'Flunssa',
    ];
    expect(needles.length).toBeGreaterThan(80);
    const hits = needles.filter((n) => raw.includes(n) || logText.includes(n));
    expect(hits).toEqual([]);
    // Re-open to let afterEach close cleanly.
    h.db = (await import('../../src/db/open-sqlite')).openSqlite({ file: h.dbFile, key: 'sync-test-key-sync-test-key-000000', keySetting: 'DB_KEY' });
  });

  it('stores absence minutes only encrypted, readable with the tenant key', async () => {
    h = await createSyncHarness();
    const result = await h.sync.syncTenant(h.tenant, h.client());
    expect(result.absenceDays).toBeGreaterThan(0);
    const row = await h.db.kysely.selectFrom('daily_facts').selectAll().where('absence_minutes_enc', 'is not', null).executeTakeFirstOrThrow();
    expect(row.absence_minutes_enc).toMatch(/^v1\./);
    const minutes = await h.envelope.decryptNumber(
      { tenantId: 'tenant-a', table: 'daily_facts', column: 'absence_minutes', rowId: `${row.erp_person_id}|${row.date}` },
      row.absence_minutes_enc as string,
    );
    expect(minutes).toBeGreaterThan(0);
    expect(minutes).toBeLessThanOrEqual(8 * 60);
  });
});

describe('sync after a data subject erasure', () => {
  let h: SyncHarness;
  afterEach(async () => h?.close());

  it('does not bring an erased person back, while a restricted person keeps their data but gets no new entries', async () => {
    const { createRetentionService } = await import('../../src/retention/retention.service');
    h = await createSyncHarness();
    await h.sync.syncTenant(h.tenant, h.client());
    const people = await h.db.kysely.selectFrom('people').select('erp_person_id').orderBy('erp_person_id').execute();
    const [erased, restricted] = people.map((p) => p.erp_person_id);
    if (!erased || !restricted) throw new Error('expected people');
    const retention = createRetentionService({
      db: h.db,
      clock: h.clock,
      envelope: h.envelope,
      secrets: { delete: async () => undefined },
      logger: (await import('../fakes/memory-logger')).createMemoryLogger(),
      config: { tenantMonths: 6, personMonths: 6, factsMonths: 25, insightsMonths: 13, deliveriesMonths: 13, jobRunsDays: 90 },
    });
    await retention.purgePerson('tenant-a', erased, 'erasure');
    await h.db.kysely.updateTable('people').set({ restricted: 1 }).where('erp_person_id', '=', restricted).execute();
    const restrictedBefore = await h.db.kysely.selectFrom('work_entries').select('erp_entry_id').where('erp_person_id', '=', restricted).execute();
    const userGuid = restricted;
    h.sim.mutate.addWorkHour({ userGuid, eventDate: '2026-11-24', quantity: 2 });
    h.clock.advance(24 * 3600_000);

    await h.sync.syncTenant(h.tenant, h.client());
    const count = async (personId: string) =>
      Number((await h.db.kysely.selectFrom('work_entries').select((eb) => eb.fn.countAll<number>().as('n')).where('erp_person_id', '=', personId).executeTakeFirstOrThrow()).n);
    expect(await h.db.kysely.selectFrom('people').selectAll().where('erp_person_id', '=', erased).executeTakeFirst()).toBeUndefined();
    expect(await count(erased)).toBe(0);
    expect(restrictedBefore.length).toBeGreaterThan(0);
    expect(await count(restricted)).toBe(restrictedBefore.length);
  });
});
