/**
 * The nullable variant of the simulator (null quantities, guids, billability, update stamps, contact
 * and locale fields), read by the real client and sync: the tenant still syncs, and exactly the rows
 * the simulator made unusable are skipped — counted from the simulator's own rendering, not from
 * anything the client reports.
 */
import { DateTime } from 'luxon';
import { parseIsoDate } from '../../integrations/erp-simulator/calendar';
import { createViewContext } from '../../integrations/erp-simulator/view-context';
import { workHourView } from '../../integrations/erp-simulator/views-work';
import { createSyncHarness, SIM_END, SYNC_NOW, type SyncHarness } from '../fakes/sync-harness';

/** The harness syncs with a 3-month backfill: dates from today − 3 months (Helsinki) on. */
const windowStart = parseIsoDate(DateTime.fromJSDate(SYNC_NOW, { zone: 'Europe/Helsinki' }).minus({ months: 3 }).toISODate() ?? '') ?? NaN;
const windowEnd = parseIsoDate(SIM_END) ?? NaN;

describe('sync against the nullable simulator', () => {
  let h: SyncHarness;
  afterAll(async () => h?.close());

  it('syncs the tenant, skipping and counting exactly the work hours served without guid or quantity', async () => {
    h = await createSyncHarness({ employees: 20, nulls: true });
    const result = await h.sync.syncTenant(h.tenant, h.client());

    const { company } = h.sim;
    const ctx = createViewContext(company, true, () => windowEnd);
    let unusable = 0;
    let usable = 0;
    let minutes = 0;
    for (let i = 0; i < company.hours.length; i += 1) {
      const day = company.hours.dayAt(i);
      if (company.hours.isDeleted(i) || day < windowStart || day > windowEnd) continue;
      const row = workHourView(ctx, i);
      if (row.guid === null || row.quantity === null || row.quantity === undefined) unusable += 1;
      else {
        usable += 1;
        minutes += Math.round(row.quantity * 60);
      }
    }
    expect(unusable).toBeGreaterThan(5);
    expect(result.skipped).toEqual(expect.objectContaining({ workhours: { 'missing-field': unusable } }));

    const stored = await h.db.kysely
      .selectFrom('work_entries')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('minutes').as('m')])
      .executeTakeFirstOrThrow();
    expect({ entries: Number(stored.n), minutes: Number(stored.m) }).toEqual({ entries: usable, minutes });
    const people = await h.db.kysely.selectFrom('people').select('erp_person_id').execute();
    expect(people).toHaveLength(company.users.length);
  });
});
