/**
 * The nightly incremental sync takes each person's current contract from the user list and asks for a
 * contract history only for people who are new or changed since the last run.
 */
import { startFakeSevera, type FakeSevera } from '../fakes/severa-fake-server';
import { openSeveraSyncDb, type SeveraSyncDb } from '../fakes/severa-sync-db';

const FIRST = new Date('2026-11-30T00:30:00.000Z');
const SECOND = new Date('2026-12-01T00:30:00.000Z');
const BEFORE_FIRST = '2026-11-20T10:00:00+02:00';
const BETWEEN = '2026-11-30T15:00:00+02:00';

const contract = (id: string, start: string, end: string | null, dailyHours: number) => ({
  guid: id,
  title: 'Contract',
  startDate: start,
  endDate: end,
  dailyHours,
  workWeek: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'],
});

let fake: FakeSevera;
let store: SeveraSyncDb;
let users: Record<string, unknown>[];
beforeEach(async () => {
  fake = await startFakeSevera();
  store = await openSeveraSyncDb(fake);
  users = ['u-1', 'u-2', 'u-3'].map((guid) => ({
    guid,
    firstName: 'Anna',
    lastName: 'Esimerkki',
    workContract: contract(`${guid}-c1`, '2025-01-01', null, 7.5),
    lastUpdatedDateTime: BEFORE_FIRST,
  }));
  fake.route('GET', '/v1/users', () => ({ json: users }));
  for (const guid of ['u-1', 'u-2', 'u-3', 'u-4']) {
    fake.route('GET', `/v1/users/${guid}/workcontracts`, () => ({
      json: [contract(`${guid}-c0`, '2024-01-01', '2024-12-31', 6), contract(`${guid}-c1`, '2025-01-01', null, 7.5)],
    }));
  }
  for (const path of ['/v1/workhours', '/v1/deletedworkhours', '/v1/activities', '/v1/projects', '/v1/phases']) {
    fake.route('GET', path, () => ({ json: [] }));
  }
});
afterEach(async () => {
  await store.close();
  await fake.close();
});

const historyReads = () => fake.requests.filter((r) => r.path.endsWith('/workcontracts')).map((r) => r.path.split('/')[3]);

async function storedContracts(personId: string) {
  const rows = await store.db.kysely
    .selectFrom('work_contracts')
    .select(['erp_contract_id', 'start_date', 'end_date', 'daily_minutes'])
    .where('erp_person_id', '=', personId)
    .orderBy('start_date')
    .execute();
  return rows.map((r) => [r.erp_contract_id, r.start_date, r.end_date, r.daily_minutes]);
}

test('only new and changed people have their contract history read; a new current contract is taken from the list', async () => {
  await store.syncAt(FIRST);
  expect(historyReads()).toEqual(['u-1', 'u-2', 'u-3']);
  fake.requests.length = 0;

  // u-2 changed after the first run; u-3 did not, but its list entry shows a new current contract; u-4 is new.
  users[1] = { ...users[1], lastUpdatedDateTime: BETWEEN };
  users[2] = { ...users[2], workContract: contract('u-3-c2', '2026-12-01', null, 6) };
  users.push({ guid: 'u-4', firstName: 'Uusi', lastName: 'Henkilö', lastUpdatedDateTime: BETWEEN });
  fake.route('GET', '/v1/workhours', () => ({
    json: ['2026-11-30', '2026-12-01'].map((day) => ({ guid: `wh-${day}`, eventDate: day, quantity: 1, user: { guid: 'u-3' } })),
  }));
  const result = await store.syncAt(SECOND);

  expect(result.mode).toBe('incremental');
  expect(historyReads()).toEqual(['u-2', 'u-4']);
  expect(result.people).toBe(4);
  expect(await storedContracts('u-1')).toEqual([
    ['u-1-c0', '2024-01-01', '2024-12-31', 360],
    ['u-1-c1', '2025-01-01', null, 450],
  ]);
  expect(await storedContracts('u-3')).toEqual([
    ['u-3-c0', '2024-01-01', '2024-12-31', 360],
    ['u-3-c1', '2025-01-01', null, 450],
    ['u-3-c2', '2026-12-01', null, 360],
  ]);
  // The new contract governs expected hours from its start, where the two open ones overlap.
  const facts = await store.db.kysely
    .selectFrom('daily_facts')
    .select(['date', 'expected_minutes'])
    .where('erp_person_id', '=', 'u-3')
    .orderBy('date')
    .execute();
  expect(facts.map((f) => [f.date, f.expected_minutes])).toEqual([
    ['2026-11-30', 450],
    ['2026-12-01', 360],
  ]);
});

test('a person the list says nothing about (no timestamp, no current contract) has the history read every night', async () => {
  users[0] = { guid: 'u-1', firstName: 'Anna', lastName: 'Esimerkki' };
  await store.syncAt(FIRST);
  fake.requests.length = 0;

  await store.syncAt(SECOND);

  expect(historyReads()).toEqual(['u-1']);
});

test('a former employee left out as past the retention horizon is not read again while unchanged', async () => {
  // u-3 left in 2025: far beyond the six months people are kept after their employment ends.
  users[2] = { ...users[2], isActive: false, workContract: undefined };
  fake.route('GET', '/v1/users/u-3/workcontracts', () => ({ json: [contract('u-3-c0', '2020-01-01', '2025-03-31', 7.5)] }));
  await store.syncAt(FIRST);
  expect(historyReads()).toEqual(['u-1', 'u-2', 'u-3']);
  expect(await storedContracts('u-3')).toEqual([]);
  fake.requests.length = 0;

  await store.syncAt(SECOND);
  expect(historyReads()).toEqual([]);

  // Rehired: the change shows in the list, so the history is read and the person comes back.
  users[2] = { ...users[2], isActive: true, lastUpdatedDateTime: '2026-12-01T09:00:00+02:00', workContract: contract('u-3-c1', '2026-12-01', null, 7.5) };
  fake.route('GET', '/v1/users/u-3/workcontracts', () => ({
    json: [contract('u-3-c0', '2020-01-01', '2025-03-31', 7.5), contract('u-3-c1', '2026-12-01', null, 7.5)],
  }));
  await store.syncAt(new Date('2026-12-02T00:30:00.000Z'));
  expect(historyReads()).toEqual(['u-3']);
  expect((await storedContracts('u-3')).map((c) => c[0])).toEqual(['u-3-c0', 'u-3-c1']);
});
