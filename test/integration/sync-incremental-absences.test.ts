/**
 * Nightly absences: what changed since the last run is read with its owners' whole window, the recent
 * days are re-read for everyone, and the whole window once a week. Severa reports no deleted
 * activities, so a deletion older than the re-read window shows only at the weekly full read; the
 * simulator removes and edits absences the way a user in Severa would.
 */
import { isoDate, parseIsoDate } from '../../integrations/erp-simulator/calendar';
import type { SimAbsence } from '../../integrations/erp-simulator/types';
import { createSyncHarness, type SyncHarness } from '../fakes/sync-harness';

const DAY_MS = 86_400_000;
// The harness syncs on 26 November 2026 with a 28-day re-read window: from 29 October.
const RECENT_FROM = parseIsoDate('2026-10-29') as number;

let h: SyncHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function absenceDays(harness: SyncHarness): Promise<Set<string>> {
  const rows = await harness.db.kysely
    .selectFrom('daily_facts')
    .select(['erp_person_id', 'date'])
    .where('tenant_id', '=', harness.tenant.id)
    .where('absence_minutes_enc', 'is not', null)
    .execute();
  return new Set(rows.map((r) => `${r.erp_person_id}|${r.date}`));
}

test('edits and recent deletions show the next night; an older deletion at the weekly full read', async () => {
  h = await createSyncHarness({ employees: 16, months: 4 });
  const harness = h;
  await harness.sync.syncTenant(harness.tenant, harness.client());
  const before = await absenceDays(harness);
  const { company } = harness.sim;
  const guidOf = (a: SimAbsence) => company.users[a.userIndex]?.guid ?? '';
  // Days of an absence that no other absence of the same person covers, as stored before.
  const ownDays = (a: SimAbsence, from = a.startDay) => {
    const others = company.absences.filter((o) => o !== a && o.userIndex === a.userIndex);
    const days: string[] = [];
    for (let d = from; d <= a.endDay; d += 1) {
      const key = `${guidOf(a)}|${isoDate(d)}`;
      if (before.has(key) && !others.some((o) => o.startDay <= d && o.endDay >= d)) days.push(key);
    }
    return days;
  };
  const stored = (a: SimAbsence) => ownDays(a).length > 0;
  const recent = company.absences.find((a) => a.startDay >= RECENT_FROM && stored(a));
  const older = company.absences.filter((a) => a.endDay < RECENT_FROM - 7 && ownDays(a, a.startDay + 1).length > 0);
  const [shortened, deletedOld] = older;
  if (!recent || !shortened || !deletedOld) throw new Error('the simulated company lacks the absences this test needs');

  const gone = [...ownDays(recent), ...ownDays(shortened, shortened.startDay + 1)];
  const lingering = ownDays(deletedOld);
  harness.sim.mutate.deleteAbsence(recent.guid);
  harness.sim.mutate.editAbsence(shortened.guid, { endDate: isoDate(shortened.startDay) });
  harness.sim.mutate.deleteAbsence(deletedOld.guid);

  harness.clock.advance(DAY_MS);
  await harness.sync.syncTenant(harness.tenant, harness.client());
  const night = await absenceDays(harness);
  expect([...before].filter((k) => !night.has(k)).sort()).toEqual([...gone].sort());
  expect([...night].filter((k) => !before.has(k))).toEqual([]);
  expect(lingering.every((k) => night.has(k))).toBe(true);

  harness.clock.advance(7 * DAY_MS);
  await harness.sync.syncTenant(harness.tenant, harness.client());
  const weekly = await absenceDays(harness);
  expect(lingering.filter((k) => weekly.has(k))).toEqual([]);
  expect(gone.filter((k) => weekly.has(k))).toEqual([]);
});
