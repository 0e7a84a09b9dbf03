/**
 * Where the tenant has Severa's flextime add-on, each person's balance is read once a week, as of the
 * last completed week's Sunday (the day the weekly insights are for); without the add-on one request
 * a night finds that out.
 */
import { loadErpFlexBalances } from '../../src/insights/insights.repo';
import { startFakeSevera, type FakeSevera } from '../fakes/severa-fake-server';
import { openSeveraSyncDb, type SeveraSyncDb } from '../fakes/severa-sync-db';

// Tuesday 1 December 2026, 07:00 in Helsinki: the last completed week ended on Sunday 29 November.
const TUESDAY = new Date('2026-12-01T05:00:00.000Z');
const WEDNESDAY = new Date('2026-12-02T05:00:00.000Z');

let fake: FakeSevera;
let store: SeveraSyncDb;
beforeEach(async () => {
  fake = await startFakeSevera();
  store = await openSeveraSyncDb(fake);
  fake.route('GET', '/v1/users', () => ({ json: ['u-1', 'u-2', 'u-3'].map((guid) => ({ guid, firstName: 'Anna', lastName: 'Esimerkki' })) }));
  for (const path of ['/v1/workhours', '/v1/deletedworkhours', '/v1/activities', '/v1/projects', '/v1/phases', '/v1/holidays']) {
    fake.route('GET', path, () => ({ json: [] }));
  }
});
afterEach(async () => {
  await store.close();
  await fake.close();
});

const flexReads = () => fake.requests.filter((r) => r.path.endsWith('/flextime')).map((r) => [r.path.split('/')[3], r.query.get('eventDate')]);

test('balances are read once per person and week, as of the last completed Sunday', async () => {
  fake.route('GET', '/v1/users/u-1/flextime', () => ({ json: { totalFlextimeBalance: 3.5, monthFlextimeBalance: 1 } }));
  fake.route('GET', '/v1/users/u-2/flextime', () => ({ json: { totalFlextimeBalance: -12.75, monthFlextimeBalance: -2 } }));

  const first = await store.syncAt(TUESDAY);

  expect(flexReads()).toEqual([
    ['u-1', '2026-11-29'],
    ['u-2', '2026-11-29'],
    ['u-3', '2026-11-29'],
  ]);
  expect(first.flexBalances).toBe(2);
  expect(await loadErpFlexBalances(store.db, 'tenant-a', '2026-11-29')).toEqual(
    new Map([
      ['u-1', 210],
      ['u-2', -765],
    ]),
  );

  fake.requests.length = 0;
  await store.syncAt(WEDNESDAY);
  // u-3 has no balance in Severa (404) and is asked again; the others are known for that Sunday.
  expect(flexReads()).toEqual([['u-3', '2026-11-29']]);
});

test('without the add-on the first answer ends the reading for the night', async () => {
  for (const guid of ['u-1', 'u-2', 'u-3']) {
    fake.route('GET', `/v1/users/${guid}/flextime`, () => ({
      status: 403,
      json: { error: { httpStatusCode: 403, type: 'Forbidden', details: [{ message: 'Addon required' }] } },
    }));
  }

  const result = await store.syncAt(TUESDAY);

  expect(flexReads()).toHaveLength(1);
  expect(result.flexBalances).toBe(0);
});
