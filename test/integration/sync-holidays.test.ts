/**
 * Expected hours follow the company's own holiday calendar in Severa; without access to it (no
 * settings:read) public holidays of the country stand in, and the tenant's calendar record says why.
 */
import { loadCompanyHolidays } from '../../src/insights/insights.repo';
import { fixture } from '../fakes/severa-client-harness';
import { startFakeSevera, type FakeSevera } from '../fakes/severa-fake-server';
import { openSeveraSyncDb, type SeveraSyncDb } from '../fakes/severa-sync-db';

const MAIJA = '6f1c2a4e-0001-4b7a-9c3e-1a2b3c4d5e01';
const NOW = new Date('2026-12-01T05:00:00.000Z');

let fake: FakeSevera;
let store: SeveraSyncDb;
beforeEach(async () => {
  fake = await startFakeSevera();
  store = await openSeveraSyncDb(fake);
  fake.route('GET', '/v1/users', () => ({ json: fixture('users.json') }));
  fake.route('GET', `/v1/users/${MAIJA}/workcontracts`, () => ({ json: fixture('workcontracts.json') }));
  // Thursday 5 November is an ordinary day; Friday 6 November is the company's anniversary.
  fake.route('GET', '/v1/workhours', () => ({
    json: ['2026-11-05', '2026-11-06'].map((day) => ({ guid: `wh-${day}`, eventDate: day, quantity: 2, user: { guid: MAIJA } })),
  }));
  for (const path of ['/v1/activities', '/v1/projects', '/v1/phases']) fake.route('GET', path, () => ({ json: [] }));
});
afterEach(async () => {
  await store.close();
  await fake.close();
});

async function expected() {
  const rows = await store.db.kysely.selectFrom('daily_facts').select(['date', 'expected_minutes']).where('erp_person_id', '=', MAIJA).orderBy('date').execute();
  return rows.map((r) => [r.date, r.expected_minutes]);
}

async function calendarRow() {
  return store.db.kysely.selectFrom('tenant_calendars').select(['source', 'reason']).where('tenant_id', '=', 'tenant-a').executeTakeFirst();
}

test("the company's holidays in Severa drive expected hours, only for the tenant's country", async () => {
  fake.route('GET', '/v1/holidays', (req) => ({ json: req.query.get('year') === '2026' ? fixture('holidays-2026.json') : [] }));

  const result = await store.syncAt(NOW);

  expect(result.holidays).toBe('company');
  expect(await expected()).toEqual([
    ['2026-11-05', 450],
    ['2026-11-06', 0],
  ]);
  expect(fake.requests.filter((r) => r.path === '/v1/holidays').map((r) => r.query.get('year'))).toEqual(['2026']);
  expect(await calendarRow()).toEqual({ source: 'company', reason: null });
  // The Swedish national day is another country's; the inactive Epiphany is not a day off.
  expect(await loadCompanyHolidays(store.db, 'tenant-a')).toEqual(['2026-01-01', '2026-11-06', '2026-12-24', '2026-12-25']);
});

test('without settings:read, public holidays of the country are used and the reason is kept', async () => {
  fake.route('GET', '/v1/holidays', () => ({ status: 403, json: fixture('error-403-scope.json') }));

  const result = await store.syncAt(NOW);

  expect(result.holidays).toBe('public');
  expect(await expected()).toEqual([
    ['2026-11-05', 450],
    ['2026-11-06', 450],
  ]);
  expect(await calendarRow()).toEqual({ source: 'public', reason: 'no-access' });
  expect(await loadCompanyHolidays(store.db, 'tenant-a')).toEqual([]);
});

test('a calendar that lists nothing for the years is noted as such', async () => {
  fake.route('GET', '/v1/holidays', () => ({ json: [] }));

  const result = await store.syncAt(NOW);

  expect(result.holidays).toBe('public');
  expect(await calendarRow()).toEqual({ source: 'public', reason: 'none-listed' });
});
