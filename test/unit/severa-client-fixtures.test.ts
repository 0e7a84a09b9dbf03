/**
 * Hand-written pages in the shapes of Severa's published models (test/fixtures/severa: nulls, weekday
 * names, nested objects, a recurring absence, dates with a time part, impossible dates, an
 * ExceptionModel error), served on loopback and read by the real client. Broken rows are skipped and
 * counted; the rest of each page is used.
 */
import { UpstreamError } from '../../src/errors';
import { projectBudgets } from '../../src/sync/project-budgets';
import { clientFor, collectPages, fixture } from '../fakes/severa-client-harness';
import { startFakeSevera, type FakeSevera } from '../fakes/severa-fake-server';

const MAIJA = '6f1c2a4e-0001-4b7a-9c3e-1a2b3c4d5e01';
const MATTI = '6f1c2a4e-0002-4b7a-9c3e-1a2b3c4d5e02';
const LIISA = '6f1c2a4e-0003-4b7a-9c3e-1a2b3c4d5e03';
const PEKKA = '6f1c2a4e-0005-4b7a-9c3e-1a2b3c4d5e05';
const PERSONAL = /Maija|Matti|Liisa|Pekka|Meikäläinen|Virtanen|example\.com|\+358|010180|FI21|Mannerheimintie|Allergic|Workshop|Kesko|Lapin|Selkä|Fysioterapia|Vuosiloma/;

let fake: FakeSevera;
beforeEach(async () => {
  fake = await startFakeSevera();
});
afterEach(async () => {
  await fake.close();
});

function serve(path: string, name: string) {
  fake.route('GET', path, () => ({ json: fixture(name) }));
}

test('users: language in any form, country code3, timezone object, the current contract, nulls; a row without guid is counted', async () => {
  serve('/v1/users', 'users.json');
  const { client, logger } = clientFor(fake);

  const [users] = await collectPages(client.users());

  expect(users).toEqual([
    {
      id: MAIJA,
      active: true,
      language: 'fi',
      country: 'FI',
      countryId: 'k0000000-0000-4000-8000-000000000001',
      timezone: 'Europe/Helsinki',
      managerId: MATTI,
      currentContract: { id: 'c0000000-0001-4000-8000-000000000002', start: '2026-01-01', end: null, dailyMinutes: 450, workdays: [1, 2, 3, 4, 5], hourCost: null },
      updatedAt: '2026-11-30T16:20:00+02:00',
    },
    { id: MATTI, active: true, language: 'sv', country: 'SE', countryId: null, timezone: 'Europe/Stockholm', managerId: null, currentContract: null, updatedAt: null },
    { id: LIISA, active: false, language: 'fi', country: null, countryId: null, timezone: null, managerId: null, currentContract: null, updatedAt: '2026-11-02T08:00:00Z' },
    // An unknown country, a zone the runtime does not know and an impossible contract date cost only those fields.
    { id: PEKKA, active: true, language: null, country: null, countryId: null, timezone: null, managerId: null, currentContract: null, updatedAt: null },
  ]);
  expect(client.stats().skipped).toEqual({ users: { 'missing-field': 1 } });
  expect(logger.records.filter((r) => r.message === 'erp row skipped').map((r) => r.meta)).toEqual([
    expect.objectContaining({ resource: 'users', reason: 'missing-field', field: 'guid', erpId: null }),
  ]);
  expect(JSON.stringify(users) + JSON.stringify(logger.records)).not.toMatch(PERSONAL);
});

test('work contracts: weekday names in any case, null week assumed Monday–Friday and counted, bad rows skipped', async () => {
  serve(`/v1/users/${MAIJA}/workcontracts`, 'workcontracts.json');
  const { client, logger } = clientFor(fake);

  const contracts = await client.workContracts(MAIJA);

  expect(contracts).toEqual([
    {
      id: 'c0000000-0001-4000-8000-000000000001',
      start: '2025-03-01',
      end: '2025-12-31',
      dailyMinutes: 360,
      workdays: [1, 2, 3, 4],
      hourCost: { amount: 55, currency: 'EUR' },
    },
    { id: 'c0000000-0001-4000-8000-000000000002', start: '2026-01-01', end: null, dailyMinutes: 450, workdays: [1, 2, 3, 4, 5], hourCost: null },
    { id: 'c0000000-0001-4000-8000-000000000003', start: '2026-02-01', end: '2026-02-28', dailyMinutes: 480, workdays: [6, 7], hourCost: null },
  ]);
  expect(client.stats().assumed).toEqual({ workcontracts: { 'workweek-assumed-monday-friday': 1 } });
  expect(client.stats().skipped).toEqual({ workcontracts: { 'invalid-field': 1, 'missing-field': 1 } });
  expect(logger.records.filter((r) => r.message === 'erp row skipped').map((r) => r.meta)).toEqual([
    expect.objectContaining({ reason: 'invalid-field', field: 'workWeek.1', erpId: 'c0000000-0001-4000-8000-000000000004' }),
    expect.objectContaining({ reason: 'missing-field', field: 'dailyHours', erpId: 'c0000000-0001-4000-8000-000000000005' }),
  ]);
});

test('work hours: dates with a time part, nullable billable read from billableStatus, unit price and cost; impossible date, null quantity and no user are counted', async () => {
  serve('/v1/workhours', 'workhours.json');
  const { client, logger } = clientFor(fake);

  const [hours] = await collectPages(client.workHours({ from: '2026-11-01', to: '2026-11-30' }));

  expect(hours).toEqual([
    {
      id: 'a1000000-0000-4000-8000-000000000001',
      personId: MAIJA,
      projectId: 'p0000000-0000-4000-8000-000000000001',
      date: '2026-11-02',
      minutes: 450,
      billable: true,
      unitPrice: { amount: 120, currency: 'EUR' },
      unitCost: { amount: 55, currency: 'EUR' },
      updatedAt: '2026-11-02T16:05:00+02:00',
    },
    {
      id: 'a1000000-0000-4000-8000-000000000002',
      personId: MAIJA,
      projectId: null,
      date: '2026-11-03',
      minutes: 20,
      billable: false,
      unitPrice: null,
      unitCost: null,
      updatedAt: null,
    },
    {
      id: 'a1000000-0000-4000-8000-000000000005',
      personId: MATTI,
      projectId: 'p0000000-0000-4000-8000-000000000002',
      date: '2026-11-04',
      minutes: 60,
      billable: false,
      // A price that is not a number counts as none; a currency code is read in any case.
      unitPrice: null,
      unitCost: { amount: 40.5, currency: 'EUR' },
      updatedAt: '2026-11-04T17:00:00.500Z',
    },
  ]);
  expect(client.stats().skipped).toEqual({ workhours: { 'impossible-date': 1, 'missing-field': 2 } });
  expect(logger.records.filter((r) => r.message === 'erp row skipped').map((r) => [r.meta?.erpId, r.meta?.field, r.meta?.reason])).toEqual([
    ['a1000000-0000-4000-8000-000000000003', 'eventDate', 'impossible-date'],
    ['a1000000-0000-4000-8000-000000000004', 'quantity', 'missing-field'],
    ['a1000000-0000-4000-8000-000000000006', 'user', 'missing-field'],
  ]);
  expect(JSON.stringify(hours) + JSON.stringify(logger.records)).not.toMatch(PERSONAL);
});

test('absences: ownerUser, a recurring instance id, no offset read in the tenant zone, an open end; the window is sent as whole local days', async () => {
  serve('/v1/activities', 'activities.json');
  const { client } = clientFor(fake);

  const [absences] = await collectPages(client.absences({ from: '2026-10-01', to: '2026-11-30' }));

  expect(absences).toEqual([
    { id: 'e0000000-0000-4000-8000-000000000001', personId: MAIJA, start: '2026-11-09T00:00:00+02:00', end: '2026-11-13T23:59:59+02:00', allDay: true, updatedAt: '2026-10-01T12:00:00+03:00' },
    {
      id: 'e0000000-0000-4000-8000-000000000002;e0000000-0000-4000-8000-00000000000a',
      personId: MATTI,
      start: '2026-11-18T14:00:00+02:00',
      end: '2026-11-18T15:30:00+02:00',
      allDay: false,
      updatedAt: null,
    },
    { id: 'e0000000-0000-4000-8000-000000000003', personId: LIISA, start: '2026-11-25T00:00:00+02:00', end: '2026-11-25T00:00:00+02:00', allDay: true, updatedAt: null },
  ]);
  expect(client.stats().skipped).toEqual({ absences: { 'impossible-date': 1, 'missing-field': 1 } });
  const q = fake.requests.find((r) => r.path === '/v1/activities')?.query;
  expect(q?.get('activityCategories')).toBe('Absences');
  // "ends after" the first day's start and "starts before or on" the last day's end, in the tenant's
  // offset of each day (summer time in October, winter time in November).
  expect(q?.get('startDateTime')).toBe('2026-10-01T00:00:00+03:00');
  expect(q?.get('endDateTime')).toBe('2026-11-30T23:59:59+02:00');
});

test('projects, phases and deleted hours: nullable fields, budget from the phase tree without double counting', async () => {
  serve('/v1/projects', 'projects.json');
  serve('/v1/phases', 'phases.json');
  serve('/v1/deletedworkhours', 'deletedworkhours.json');
  const { client } = clientFor(fake);

  const [projects] = await collectPages(client.projects());
  const [phases] = await collectPages(client.phases());
  const [deleted] = await collectPages(client.deletedWorkHours({ deletedSince: '2026-11-29T00:00:00Z' }));

  expect(projects).toEqual([
    {
      id: 'p0000000-0000-4000-8000-000000000001',
      managerId: MATTI,
      customerId: 'd0000000-0000-4000-8000-000000000001',
      start: '2026-09-01',
      end: '2027-03-31',
      closed: false,
      updatedAt: '2026-11-20T10:00:00+02:00',
    },
    { id: 'p0000000-0000-4000-8000-000000000002', managerId: null, customerId: null, start: null, end: null, closed: false, updatedAt: null },
  ]);
  expect(phases).toHaveLength(5);
  // Root 300 h is the roll-up of Design 120.5 h + Build 180 h (whose sub-phase has no estimate).
  expect(projectBudgets(phases ?? [])).toEqual(
    new Map([
      ['p0000000-0000-4000-8000-000000000001', 18_030],
      ['p0000000-0000-4000-8000-000000000002', null],
    ]),
  );
  expect(deleted).toEqual([
    { id: 'a1000000-0000-4000-8000-000000000007', deletedAt: '2026-11-30T09:15:00.123+02:00' },
    { id: 'a1000000-0000-4000-8000-000000000008', deletedAt: '2026-11-30T10:00:00+02:00' },
  ]);
  expect(client.stats().skipped).toEqual({ projects: { 'impossible-date': 1 }, phases: { 'missing-field': 1 } });
});

test('an ExceptionModel error becomes a message naming the missing scope', async () => {
  fake.route('GET', '/v1/projects', () => ({ status: 403, json: fixture('error-403-scope.json') }));
  const { client } = clientFor(fake);

  const error = (await collectPages(client.projects()).catch((e: unknown) => e)) as UpstreamError;

  expect(error).toBeInstanceOf(UpstreamError);
  expect(error.message).toBe(
    'ERP refused /v1/projects (403): the API client lacks a read scope or an add-on. The ERP said: "Forbidden: Scope settings:read is required for this resource.".',
  );
});

test('a rejected token request passes on what the ERP said', async () => {
  fake.route('POST', '/v1/token', () => ({ status: 400, json: fixture('error-400-token.json') }));
  const { client } = clientFor(fake);

  await expect(collectPages(client.users())).rejects.toThrow(
    'ERP rejected the credentials (client ID and secret). The ERP said: "BadRequest: Invalid client credentials".',
  );
});

test('holidays: the active days of the company calendar with their country; an impossible date is counted', async () => {
  serve('/v1/holidays', 'holidays-2026.json');
  const { client } = clientFor(fake);

  const holidays = await client.holidays({ year: 2026 });

  expect(holidays).toEqual([
    { date: '2026-01-01', countryId: 'k0000000-0000-4000-8000-000000000001' },
    { date: '2026-11-06', countryId: 'k0000000-0000-4000-8000-000000000001' },
    { date: '2026-12-24', countryId: 'k0000000-0000-4000-8000-000000000001' },
    { date: '2026-12-25', countryId: 'k0000000-0000-4000-8000-000000000001' },
    { date: '2026-06-06', countryId: 'k0000000-0000-4000-8000-000000000046' },
  ]);
  expect(fake.requests.find((r) => r.path === '/v1/holidays')?.query.get('year')).toBe('2026');
  expect(client.stats().skipped).toEqual({ holidays: { 'impossible-date': 1 } });
});

test('holidays without settings:read are null, not an error; other refusals still fail', async () => {
  fake.route('GET', '/v1/holidays', (req) => (req.query.get('year') === '2026' ? { status: 403, json: fixture('error-403-scope.json') } : { status: 400, json: {} }));
  const { client } = clientFor(fake);

  expect(await client.holidays({ year: 2026 })).toBeNull();
  await expect(client.holidays({ year: 2025 })).rejects.toThrow('unexpected status 400');
});

test('flextime: the balance in minutes where the add-on answers; no add-on and unknown people are told apart', async () => {
  fake.route('GET', `/v1/users/${MAIJA}/flextime`, () => ({ json: { totalFlextimeBalance: 12.25, monthFlextimeBalance: -1.5 } }));
  fake.route('GET', `/v1/users/${MATTI}/flextime`, () => ({ status: 403, json: { error: { httpStatusCode: 403, type: 'Forbidden', details: [{ message: 'Addon required' }] } } }));
  fake.route('GET', `/v1/users/${LIISA}/flextime`, () => ({ json: { totalFlextimeBalance: null } }));
  const { client } = clientFor(fake);

  expect(await client.flextime(MAIJA, '2026-11-29')).toEqual({ kind: 'balance', minutes: 735 });
  expect(fake.requests.find((r) => r.path.endsWith('/flextime'))?.query.get('eventDate')).toBe('2026-11-29');
  expect(await client.flextime(MATTI, '2026-11-29')).toEqual({ kind: 'no-addon' });
  expect(await client.flextime(LIISA, '2026-11-29')).toEqual({ kind: 'unknown' });
  expect(await client.flextime(PEKKA, '2026-11-29')).toEqual({ kind: 'unknown' });
  expect(client.stats().skipped).toEqual({ flextime: { 'missing-field': 1 } });
});

test('an API client without settings:read still syncs: a token refused for that scope is asked again without it', async () => {
  fake.route('POST', '/v1/token', (req) => {
    const body = JSON.parse(req.body) as { scope: string };
    if (body.scope.includes('settings:read')) return { status: 400, json: { error: { httpStatusCode: 400, type: 'BadRequest', details: [{ message: 'Invalid scope' }] } } };
    return { status: 404, json: {} };
  });
  const { client } = clientFor(fake);

  await expect(collectPages(client.users())).rejects.toThrow('ERP resource not found: /v1/token');
  const scopes = fake.requests.filter((r) => r.path === '/v1/token').map((r) => (JSON.parse(r.body) as { scope: string }).scope);
  expect(scopes).toEqual(['users:read,hours:read,activities:read,projects:read,settings:read', 'users:read,hours:read,activities:read,projects:read']);
});

test('a token whose granted scopes lack settings:read means no holiday request at all', async () => {
  let issued = 0;
  fake.route('POST', '/v1/token', () => {
    issued++;
    return { json: { access_token: 'scoped-token', access_token_expires_in: 3600, scope: 'users:read hours:read activities:read projects:read' } };
  });
  serve('/v1/holidays', 'holidays-2026.json');
  const { client } = clientFor(fake);

  expect(await client.holidays({ year: 2026 })).toBeNull();
  expect(issued).toBe(1);
  expect(fake.requests.filter((r) => r.path === '/v1/holidays')).toEqual([]);
});
