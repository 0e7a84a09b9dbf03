/**
 * The flextime add-on end to end against the simulator: with it, every synced person's balance is
 * Severa's own figure for the last completed Sunday (the simulator's flextime book is the oracle);
 * without it, one 403 ends the reading for the tenant and nothing is stored.
 */
import { parseIsoDate } from '../../integrations/erp-simulator/calendar';
import { createFlextimeBook } from '../../integrations/erp-simulator/views-calendar';
import { loadErpFlexBalances } from '../../src/insights/insights.repo';
import { createSyncHarness, type SyncHarness } from '../fakes/sync-harness';

// SYNC_NOW is Thursday 26 November 2026: the last completed week ended on Sunday 22 November.
const SUNDAY = '2026-11-22';
const FLEXTIME_PATH = '/v1/users/{guid}/flextime';

let h: SyncHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

test('with the add-on, each person stored carries the balance Severa keeps for them', async () => {
  h = await createSyncHarness({ employees: 10, months: 4, flextimeAddon: true });
  const result = await h.sync.syncTenant(h.tenant, h.client());
  const people = await h.db.kysely.selectFrom('people').select('erp_person_id').where('tenant_id', '=', h.tenant.id).execute();
  const balances = await loadErpFlexBalances(h.db, h.tenant.id, SUNDAY);

  const book = createFlextimeBook(h.sim.company);
  const expected = new Map(
    people.map(({ erp_person_id: id }) => {
      const index = h?.sim.company.userIndexByGuid(id) as number;
      return [id, Math.round(book.balance(index, parseIsoDate(SUNDAY) as number).totalFlextimeBalance * 60)];
    }),
  );
  expect(people.length).toBeGreaterThan(5);
  expect(balances).toEqual(expected);
  expect(result.flexBalances).toBe(people.length);
  expect(h.sim.stats().byPath[FLEXTIME_PATH]).toBe(people.length);
});

test('without the add-on, one request finds that out and no balance is stored', async () => {
  h = await createSyncHarness({ employees: 10, months: 4 });
  const result = await h.sync.syncTenant(h.tenant, h.client());

  expect(h.sim.stats().byPath[FLEXTIME_PATH]).toBe(1);
  expect(result.flexBalances).toBe(0);
  expect((await loadErpFlexBalances(h.db, h.tenant.id, SUNDAY)).size).toBe(0);
  expect(h.logs.filter((l) => String(l.meta.path ?? '').endsWith('/flextime'))).toHaveLength(1);
});
