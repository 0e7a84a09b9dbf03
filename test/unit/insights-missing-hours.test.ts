import { missingHoursInsight } from '../../src/insights/missing-hours';
import type { MissingHoursValues } from '../../src/insights/types';
import { contextFor, day, everyDay, FULL_TIME, person, timelineOf } from './insights-fixtures';
import type { Contract, DayFact } from '../../src/insights/input';
import type { TenantInsightSettings } from '../../src/insights/input';

function values(referenceDate: string, days: DayFact[], contracts: Contract[] = [FULL_TIME], settings: Partial<TenantInsightSettings> = {}): MissingHoursValues {
  const ctx = contextFor(referenceDate, settings);
  const insight = missingHoursInsight(timelineOf(person(days, contracts), ctx), ctx);
  if (insight?.kind !== 'missing-hours') throw new Error('expected a missing-hours insight');
  return insight.values;
}

describe('missing hours', () => {
  // Week 2026-W20 is Mon 11 – Sun 17 May; Thursday 14 May is Ascension Day.
  const ascensionWeek = [day('2026-05-11', 450), day('2026-05-12', 450), day('2026-05-13', 450)];

  it('skips Ascension Day and lists the empty Friday', () => {
    const v = values('2026-05-18', ascensionWeek);
    // Expected 4 workdays × 450 = 1800; recorded 3 × 450 = 1350; missing 1800 − 1350 = 450.
    expect(v).toMatchObject({ expectedMinutes: 1800, recordedMinutes: 1350, missingMinutes: 450, missingDays: [20260515] });
    // Month to date 1–17 May: Fri 1 May is May Day, 4–8 May five days, 11–15 May four days → 9 × 450 = 4050.
    expect(v.monthToDateExpectedMinutes).toBe(4050);
    expect(v.monthToDateRecordedMinutes).toBe(1350);
  });

  it('expects 60 % of a day from a 60 % part-time contract', () => {
    const partTime: Contract = { start: '2025-01-01', end: null, dailyMinutes: 270, workdays: [1, 2, 3, 4, 5] };
    const v = values('2026-05-18', [day('2026-05-11', 270), day('2026-05-12', 270), day('2026-05-13', 200)], [partTime]);
    // 4 workdays × 270 = 1080; recorded 270 + 270 + 200 = 740; missing 340; Friday empty.
    expect(v).toMatchObject({ expectedMinutes: 1080, recordedMinutes: 740, missingMinutes: 340, missingDays: [20260515] });
  });

  it('counts only days under a contract that starts on a Wednesday', () => {
    const fromWednesday: Contract = { start: '2026-05-13', end: null, dailyMinutes: 450, workdays: [1, 2, 3, 4, 5] };
    const v = values('2026-05-18', [], [fromWednesday]);
    // Wed 13 and Fri 15 (Thu 14 is a holiday): 2 × 450 = 900, both empty.
    expect(v).toMatchObject({ expectedMinutes: 900, missingMinutes: 900, missingDays: [20260513, 20260515] });
  });

  it('counts a contract that ends mid-week only up to its last day', () => {
    const untilTuesday: Contract = { start: '2025-01-01', end: '2026-05-12', dailyMinutes: 450, workdays: [1, 2, 3, 4, 5] };
    const v = values('2026-05-18', [day('2026-05-11', 450)], [untilTuesday]);
    // Mon 11 and Tue 12 only: 900 expected, 450 recorded, Tuesday empty.
    expect(v).toMatchObject({ expectedMinutes: 900, missingMinutes: 450, missingDays: [20260512] });
  });

  it('takes Midsummer Eve off in full, or half with halfDayEves', () => {
    // Week 2026-W25: Mon 15 – Sun 21 June; Fri 19 is Midsummer Eve, Sat 20 Midsummer Day.
    const week = everyDay('2026-06-15', '2026-06-18', [1, 2, 3, 4], (d) => day(d, 450));
    expect(values('2026-06-22', week)).toMatchObject({ expectedMinutes: 1800, missingMinutes: 0, missingDays: [] });
    // With half-day eves: 4 × 450 + 450 × 0.5 = 2025, and the eve is an empty workday.
    expect(values('2026-06-22', week, [FULL_TIME], { halfDayEves: true })).toMatchObject({
      expectedMinutes: 2025,
      missingMinutes: 225,
      missingDays: [20260619],
    });
  });

  it('expects only Monday to Wednesday in Christmas week', () => {
    // 2026-W52: Mon 21 – Sun 27 Dec; Thu 24 Christmas Eve, Fri 25 Christmas Day, Sat 26 St Stephen's Day.
    expect(values('2026-12-28', [])).toMatchObject({
      expectedMinutes: 1350, // 3 × 450
      missingDays: [20261221, 20261222, 20261223],
    });
  });

  it('lets an absence spanning a weekend remove only workdays, and a partial absence reduce the day', () => {
    // 2026-W22: Mon 25 – Sun 31 May. Away Thu 28 May – Mon 1 June (the ERP also reports the weekend).
    const away = everyDay('2026-05-28', '2026-06-01', [1, 2, 3, 4, 5, 6, 7], (d) => day(d, 0, { absenceMinutes: 450 }));
    const worked = [day('2026-05-25', 450), day('2026-05-26', 225, { absenceMinutes: 225 }), day('2026-05-27', 450)];
    const v = values('2026-06-01', [...worked, ...away]);
    // Mon 450 + Tue (450 − 225) + Wed 450 = 1125 expected; Thu and Fri fully away; weekend expects nothing.
    expect(v).toMatchObject({ expectedMinutes: 1125, recordedMinutes: 1125, missingMinutes: 0, missingDays: [] });
    // Next week 2026-W23 (1–7 June): Monday is still away, so 4 × 450 = 1800.
    expect(values('2026-06-08', away).expectedMinutes).toBe(1800);
  });

  it.each([
    ['2026-03-30', [20260323, 20260324, 20260325, 20260326, 20260327]], // week of the spring DST change
    ['2026-10-26', [20261019, 20261020, 20261021, 20261022, 20261023]], // week of the autumn DST change
  ])('keeps five whole workdays in the DST week before %s', (referenceDate, days) => {
    expect(values(referenceDate, [])).toMatchObject({ expectedMinutes: 2250, missingDays: days });
  });

  it('flags every workday of an employee with no entries at all', () => {
    const ctx = contextFor('2026-11-23');
    const insight = missingHoursInsight(timelineOf(person([]), ctx), ctx);
    // 2026-W47 (16–22 Nov) has no holidays: 5 × 450 = 2250 missing.
    expect(insight).toMatchObject({
      kind: 'missing-hours',
      period: '2026-W47',
      severity: 'warning',
      recipientId: 'p1',
      values: { expectedMinutes: 2250, recordedMinutes: 0, missingMinutes: 2250 },
    });
    expect(insight?.values).toHaveProperty('missingDays', [20261116, 20261117, 20261118, 20261119, 20261120]);
  });

  it('says nothing for a week with nothing expected', () => {
    const ctx = contextFor('2026-05-18');
    const later: Contract = { ...FULL_TIME, start: '2026-06-01' };
    expect(missingHoursInsight(timelineOf(person([], [later]), ctx), ctx)).toBeNull();
  });

  it('grades severity: info when complete, notice for one empty day, warning for two', () => {
    const ctx = contextFor('2026-05-18');
    const full = [...ascensionWeek, day('2026-05-15', 450)];
    const grade = (days: DayFact[]) => missingHoursInsight(timelineOf(person(days), ctx), ctx)?.severity;
    expect(grade(full)).toBe('info');
    expect(grade(ascensionWeek)).toBe('notice');
    expect(grade(ascensionWeek.slice(1))).toBe('warning');
  });
});
