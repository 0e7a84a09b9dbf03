import { DateTime } from 'luxon';
import type { GroundTruth } from '../../integrations/erp-simulator';
import { isoDate } from '../../integrations/erp-simulator/calendar';
import {
  buildTimeline,
  createInsightContext,
  dayAnomalies,
  defaultInsightSettings,
  missingWorkdays,
  type InsightContext,
  type PersonHistory,
} from '../../src/insights';
import { loadPeople } from '../../src/insights/insights.repo';
import { isPastRetention } from '../../src/retention/retention-rule';
import { inlineWriters } from '../../src/sync/work-hours-writer';
import { createSyncService } from '../../src/sync/sync.service';
import { createMemoryLogger } from '../fakes/memory-logger';
import { createSyncHarness, SIM_END, SYNC_NOW, type SyncHarness } from '../fakes/sync-harness';

/**
 * Scenario: the simulator's default company (seed 7), 36 employees over the 12 months ending
 * 2026-11-25, synced on 2026-11-26 with a 6-month backfill and the 6-month person retention. The
 * history before the window lets the retention rule drop early leavers; the 6 months in the window
 * give each evaluated week the twelve weeks of "usual" days the anomaly score looks back on (the
 * product's default backfill is 13 months, so the baseline is there in production too).
 */
const EMPLOYEES = 36;
const MONTHS = 12;
const BACKFILL_MONTHS = 6;
const RETENTION_MONTHS = 6;
const ZONE = 'Europe/Helsinki';
/** A Monday after the simulated data, so the engine's day table covers every synced day. */
const REFERENCE_DATE = '2026-11-30';

type Key = string;
const key = (personId: string, date: string): Key => `${personId}|${date}`;

interface Scores {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
}

function score(found: ReadonlySet<Key>, truth: ReadonlySet<Key>): Scores {
  const truePositives = [...found].filter((k) => truth.has(k)).length;
  const falsePositives = found.size - truePositives;
  const falseNegatives = truth.size - truePositives;
  return {
    truePositives,
    falsePositives,
    falseNegatives,
    precision: found.size === 0 ? 1 : truePositives / found.size,
    recall: truth.size === 0 ? 1 : truePositives / truth.size,
  };
}

/** The figures in the failure message, so a miss says by how much and which days. */
function report(name: string, s: object, sample: Key[]): string {
  return `${name}: ${JSON.stringify(s)}; first misses: ${sample.slice(0, 5).join(', ')}`;
}

describe('insight detection against the simulator ground truth', () => {
  let h: SyncHarness;
  let truth: GroundTruth;
  let people: PersonHistory[];
  let ctx: InsightContext;
  let windowFrom: string;
  let fromIndex: number;
  let toIndex: number;
  let kept: Set<string>;
  const inWindow = (date: string) => date >= windowFrom && date <= SIM_END;

  beforeAll(async () => {
    h = await createSyncHarness({ employees: EMPLOYEES, months: MONTHS });
    truth = h.sim.company.groundTruth();
    const sync = createSyncService(
      { db: h.db, envelope: h.envelope, clock: h.clock, logger: createMemoryLogger([]), writers: inlineWriters(h.db) },
      { backfillMonths: BACKFILL_MONTHS, rereadDays: 28, personRetentionMonths: RETENTION_MONTHS },
    );
    await sync.syncTenant(h.tenant, h.client());
    const today = DateTime.fromJSDate(SYNC_NOW, { zone: ZONE }).toISODate() as string;
    // The sync keeps dates from `today − backfill` on, the same computation as the sync's window.
    windowFrom = DateTime.fromISO(today, { zone: ZONE }).minus({ months: BACKFILL_MONTHS }).toISODate() as string;
    people = await loadPeople(h.db, h.envelope, h.tenant.id, windowFrom);
    ctx = createInsightContext({ tenantId: h.tenant.id, referenceDate: REFERENCE_DATE, settings: defaultInsightSettings() });
    fromIndex = ctx.table.indexOf(windowFrom);
    toIndex = ctx.table.indexOf(SIM_END);
    kept = new Set(people.map((p) => p.personId));
  }, 50_000);

  afterAll(async () => h?.close());

  it('keeps exactly the people whose employment did not end more than six months ago', () => {
    const today = DateTime.fromJSDate(SYNC_NOW, { zone: ZONE }).toISODate() as string;
    const expected = h.sim.company.users
      .filter((u) => {
        const ends = u.contracts.map((c) => c.endDay);
        if (ends.some((e) => e === null)) return true;
        const last = isoDate(Math.max(...(ends as number[])));
        return !isPastRetention(last, today, RETENTION_MONTHS);
      })
      .map((u) => u.guid);
    expect([...kept].sort()).toEqual(expected.sort());
    // The scenario must exercise the rule: somebody left long enough ago to be dropped.
    expect(kept.size).toBeLessThan(EMPLOYEES);
    expect(fromIndex).toBeGreaterThan(7 * 12);
    expect(toIndex).toBeGreaterThan(fromIndex);
  });

  it('finds every missing workday in the synced window and nothing else (precision and recall 1.0)', () => {
    // Ground truth restricted to what the sync kept: people past retention are not synced and dates
    // before the backfill window are not read.
    const expected = new Set(truth.missingDays.filter((d) => kept.has(d.userGuid) && inWindow(d.date)).map((d) => key(d.userGuid, d.date)));
    const found = new Set<Key>();
    for (const p of people) {
      for (const date of missingWorkdays(buildTimeline(p, ctx.table), ctx, fromIndex, toIndex)) found.add(key(p.personId, date));
    }
    const s = score(found, expected);
    const misses = [...[...found].filter((k) => !expected.has(k)), ...[...expected].filter((k) => !found.has(k))];
    expect(expected.size).toBeGreaterThan(50);
    expect(report('missing days', s, misses)).toBe(report('missing days', { ...s, precision: 1, recall: 1, falsePositives: 0, falseNegatives: 0 }, []));
  });

  it('flags planted outlier days with recall ≥ 0.9 and a false-positive rate ≤ 2 %', () => {
    const outliers = new Set(truth.outlierDays.filter((d) => kept.has(d.userGuid) && inWindow(d.date)).map((d) => key(d.userGuid, d.date)));
    const flagged = new Set<Key>();
    let recordedDays = 0;
    for (const p of people) {
      const t = buildTimeline(p, ctx.table);
      for (let i = fromIndex; i <= toIndex; i++) if ((t.recorded[i] as number) > 0 || (t.entries[i] as number) > 0) recordedDays++;
      // Replays the weekly run: each ISO week is judged against the twelve weeks before it. The first
      // two weeks of the window have under ten usual days behind them, so there only the daily maximum
      // can flag a day; their misses count against recall all the same.
      for (let monday = fromIndex - (fromIndex % 7); monday <= toIndex; monday += 7) {
        for (const d of dayAnomalies(t, ctx, monday, monday + 6)) if (inWindow(d.date)) flagged.add(key(p.personId, d.date));
      }
    }
    const s = score(flagged, outliers);
    const nonOutlierDays = recordedDays - outliers.size;
    const falsePositiveRate = s.falsePositives / nonOutlierDays;
    const figures = { ...s, nonOutlierDays, falsePositiveRate: Math.round(falsePositiveRate * 10_000) / 10_000 };
    const misses = [...[...outliers].filter((k) => !flagged.has(k)), ...[...flagged].filter((k) => !outliers.has(k))];
    expect(outliers.size).toBeGreaterThan(20);
    expect(nonOutlierDays).toBeGreaterThan(2000);
    // Figures on both sides, so a failing run prints them next to the verdicts.
    const figuresLine = report('outliers', figures, misses);
    expect({ recallAtLeast90: s.recall >= 0.9, fprAtMost2Percent: falsePositiveRate <= 0.02, figures: figuresLine }).toEqual({
      recallAtLeast90: true,
      fprAtMost2Percent: true,
      figures: figuresLine,
    });
  });
});
