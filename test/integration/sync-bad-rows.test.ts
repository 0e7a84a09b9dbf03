/**
 * A tenant whose ERP data has broken rows (the hand-written pages in test/fixtures/severa: an impossible
 * date, nulls, a row without guid, an unknown weekday, a person nobody listed) still syncs: every usable
 * row is written, every unusable one is counted per resource and reason and logged by ERP id and field.
 */
import { fixture } from '../fakes/severa-client-harness';
import { startFakeSevera, type FakeSevera } from '../fakes/severa-fake-server';
import { openSeveraSyncDb, type SeveraSyncDb } from '../fakes/severa-sync-db';

const MAIJA = '6f1c2a4e-0001-4b7a-9c3e-1a2b3c4d5e01';
const STRANGER = '6f1c2a4e-0009-4b7a-9c3e-1a2b3c4d5e09';
const NOW = new Date('2026-12-01T05:00:00.000Z');

let fake: FakeSevera;
let store: SeveraSyncDb;
beforeEach(async () => {
  fake = await startFakeSevera();
  store = await openSeveraSyncDb(fake);
});
afterEach(async () => {
  await store.close();
  await fake.close();
});

function serveFixtures() {
  const strangerHour = { guid: 'a1000000-0000-4000-8000-0000000000ff', eventDate: '2026-11-06', quantity: 4, user: { guid: STRANGER } };
  const strangerAbsence = {
    guid: 'e0000000-0000-4000-8000-0000000000ff',
    name: 'Vuosiloma',
    startDateTime: '2026-11-16T00:00:00+02:00',
    endDateTime: '2026-11-16T23:59:59+02:00',
    isAllDay: true,
    activityType: { guid: 'e1000000-0000-4000-8000-000000000001' },
    ownerUser: { guid: STRANGER },
  };
  fake.route('GET', '/v1/users', () => ({ json: fixture('users.json') }));
  fake.route('GET', `/v1/users/${MAIJA}/workcontracts`, () => ({ json: fixture('workcontracts.json') }));
  fake.route('GET', '/v1/workhours', () => ({ json: [...(fixture('workhours.json') as object[]), strangerHour] }));
  fake.route('GET', '/v1/activities', () => ({ json: [...(fixture('activities.json') as object[]), strangerAbsence] }));
  fake.route('GET', '/v1/projects', () => ({ json: fixture('projects.json') }));
  fake.route('GET', '/v1/phases', () => ({ json: fixture('phases.json') }));
}

test('broken rows are skipped and counted; the rest of the tenant is written', async () => {
  serveFixtures();

  const result = await store.syncAt(NOW);

  expect(result).toMatchObject({ mode: 'full', people: 4, entries: 3, projects: 2 });
  expect(result.skipped).toEqual({
    users: { 'missing-field': 1 },
    workcontracts: { 'invalid-field': 1, 'missing-field': 1 },
    workhours: { 'impossible-date': 1, 'missing-field': 2, 'unknown-user': 1 },
    absences: { 'impossible-date': 1, 'missing-field': 1, 'unknown-user': 1 },
    projects: { 'impossible-date': 1 },
    phases: { 'missing-field': 1 },
  });
  expect(result.assumed).toEqual({ workcontracts: { 'workweek-assumed-monday-friday': 1 } });

  const entries = await store.db.kysely.selectFrom('work_entries').select(['erp_entry_id', 'date', 'minutes']).orderBy('erp_entry_id').execute();
  expect(entries.map((e) => [e.date, e.minutes])).toEqual([
    ['2026-11-02', 450],
    ['2026-11-03', 20],
    ['2026-11-04', 60],
  ]);
  const projects = await store.db.kysely.selectFrom('projects').select(['erp_project_id', 'budget_minutes']).orderBy('erp_project_id').execute();
  expect(projects.map((p) => p.budget_minutes)).toEqual([18_030, null]);
  // Maija's vacation week is stored as absence days: five working days of her full-time contract.
  const absenceDays = await store.db.kysely
    .selectFrom('daily_facts')
    .select('date')
    .where('erp_person_id', '=', MAIJA)
    .where('absence_minutes_enc', 'is not', null)
    .execute();
  expect(absenceDays.map((d) => d.date).sort()).toEqual(['2026-11-09', '2026-11-10', '2026-11-11', '2026-11-12', '2026-11-13']);

  const skips = store.logs.filter((r) => r.message === 'erp row skipped');
  expect(skips).toHaveLength(12);
  expect(skips.find((r) => r.meta.reason === 'unknown-user' && r.meta.resource === 'workhours')?.meta).toMatchObject({
    erpId: 'a1000000-0000-4000-8000-0000000000ff',
    field: 'user.guid',
  });
});

test('an ERP that pages forever fails the sync naming the resource, keeping the pages before it', async () => {
  serveFixtures();
  fake.route('GET', '/v1/workhours', (req, call) => ({
    json: [{ guid: `a-${call}`, eventDate: '2026-11-02', quantity: 1, user: { guid: MAIJA } }],
    headers: { NextPageToken: req.query.get('pageToken') === 't2' ? 't1' : `t${call}` },
  }));

  await expect(store.syncAt(NOW)).rejects.toThrow('ERP paging of workhours does not end: page 3 repeated an earlier page token');

  const entries = await store.db.kysely.selectFrom('work_entries').select('erp_entry_id').orderBy('erp_entry_id').execute();
  expect(entries.map((e) => e.erp_entry_id)).toEqual(['a-1', 'a-2', 'a-3']);
});
