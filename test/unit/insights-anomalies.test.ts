import { anomalyInsights, modifiedZScore } from '../../src/insights/anomalies';
import type { DayFact } from '../../src/insights/input';
import { AnomalyReason, type AnomalyValues } from '../../src/insights/types';
import { contextFor, day, everyDay, person, timelineOf } from './insights-fixtures';

describe('modified z-score', () => {
  it('scores a known series', () => {
    const baseline = [10, 11, 11, 12, 12, 12, 13, 14];
    // median 12; |deviations| 2,1,1,0,0,0,1,2 → sorted 0,0,0,1,1,1,2,2 → MAD 1.
    expect(modifiedZScore(50, baseline)).toBeCloseTo(0.6745 * 38, 10); // 25.631
    expect(modifiedZScore(13, baseline)).toBeCloseTo(0.6745, 10);
    expect(modifiedZScore(12, baseline)).toBe(0);
  });

  it('falls back to the mean absolute deviation when MAD is 0', () => {
    // median 5, MAD 0; MeanAD = 4 / 7; score (9 − 5) / (1.253314 × 4/7) = 5.58515.
    expect(modifiedZScore(9, [5, 5, 5, 5, 5, 5, 9])).toBeCloseTo(4 / (1.253314 * (4 / 7)), 10);
  });

  it('gives no score when every baseline value is identical', () => {
    expect(modifiedZScore(900, [450, 450, 450])).toBeNull();
    expect(modifiedZScore(900, [])).toBeNull();
  });
});

describe('anomaly insights', () => {
  // Baseline: the 12 weeks before 2026-W20 (16 Feb – 10 May), weekdays cycling 420, 450, 480 minutes,
  // two thirds billable. Median 450; deviations 30, 0, 30 → MAD 30.
  let n = 0;
  const baseline = everyDay('2026-02-16', '2026-05-10', [1, 2, 3, 4, 5], (d) => {
    const minutes = [420, 450, 480][n++ % 3] as number;
    return day(d, minutes, { billableMinutes: (minutes * 2) / 3 });
  });
  const byDate = (found: AnomalyValues[], date: number) => found.find((v) => v.date === date);

  function anomalies(week: DayFact[]): AnomalyValues[] {
    const ctx = contextFor('2026-05-18');
    return anomalyInsights(timelineOf(person([...baseline, ...week]), ctx), ctx).map((i) => {
      if (i.kind !== 'anomaly') throw new Error('expected anomalies only');
      return i.values;
    });
  }

  it('flags unusual totals, the daily maximum, holiday, weekend and absence-day entries', () => {
    const found = anomalies([
      day('2026-05-11', 700), // 0.6745 × (700 − 450) / 30 = 5.62 > 3.5
      day('2026-05-12', 780), // over 720, and 0.6745 × 330 / 30 = 7.42
      day('2026-05-13', 470), // 0.6745 × 20 / 30 = 0.45: usual
      day('2026-05-14', 120), // Ascension Day
      day('2026-05-15', 60, { absenceMinutes: 450 }), // hours on a full absence day
      day('2026-05-16', 90), // Saturday
    ]);
    expect(byDate(found, 20260511)).toEqual({ date: 20260511, reasons: AnomalyReason.unusualTotal, recordedMinutes: 700, usualMinutes: 450, score: 5.62 });
    expect(byDate(found, 20260512)).toMatchObject({ reasons: AnomalyReason.unusualTotal | AnomalyReason.overDailyMaximum, score: 7.42 });
    expect(byDate(found, 20260513)).toBeUndefined();
    expect(byDate(found, 20260514)).toMatchObject({ reasons: AnomalyReason.weekendOrHoliday });
    expect(byDate(found, 20260515)).toMatchObject({ reasons: AnomalyReason.onAbsenceDay });
    expect(byDate(found, 20260516)).toMatchObject({ reasons: AnomalyReason.weekendOrHoliday, recordedMinutes: 90 });
  });

  it('flags a drop in billable share against the previous eight weeks', () => {
    // Previous 8 weeks: share 2/3 every week. Last week 4 days (Ascension off) × 450 = 1800 recorded,
    // 4 × 100 = 400 billable → share 0.222; drop 0.667 − 0.222 = 0.444 ≥ 0.2 and ≥ 0.3 × 0.667.
    const week = ['2026-05-11', '2026-05-12', '2026-05-13', '2026-05-15'].map((d) => day(d, 450, { billableMinutes: 100 }));
    const drop = anomalies(week).find((v) => v.reasons === AnomalyReason.billableShareDrop);
    expect(drop).toMatchObject({ date: 20260517, recordedMinutes: 1800, score: 0.44 });
  });

  it('does not call a flexed hour unusual when most usual days are identical', () => {
    // 12 weeks of 450 with about every fifth day 510: median 450, MAD 0, MeanAD about 12, so the
    // fallback spread would be about 15 min and a 390-minute day would score about −4; the 35-minute
    // floor makes it −1.71.
    // A 2.5-hour short day still scores (300 − 450) / 35 = −4.29.
    let k = 0;
    const flat = everyDay('2026-02-16', '2026-05-10', [1, 2, 3, 4, 5], (d) => day(d, k++ % 5 === 4 ? 510 : 450));
    const ctx = contextFor('2026-05-18');
    const week = [day('2026-05-11', 390), day('2026-05-12', 510), day('2026-05-13', 300)];
    const found = anomalyInsights(timelineOf(person([...flat, ...week]), ctx), ctx).map((i) => (i.kind === 'anomaly' ? i.values : null));
    expect(found).toEqual([{ date: 20260513, reasons: AnomalyReason.unusualTotal, recordedMinutes: 300, usualMinutes: 450, score: -4.29 }]);
  });

  it('judges a person whose usual days are all identical', () => {
    const constant = everyDay('2026-02-16', '2026-05-10', [1, 2, 3, 4, 5], (d) => day(d, 450));
    const ctx = contextFor('2026-05-18');
    const found = anomalyInsights(timelineOf(person([...constant, day('2026-05-11', 30), day('2026-05-12', 480)]), ctx), ctx);
    expect(found.map((i) => (i.kind === 'anomaly' ? [i.values.date, i.values.reasons, i.values.score] : null))).toEqual([
      [20260511, AnomalyReason.unusualTotal, -12],
    ]);
  });

  it('takes the shorter days after a move to part time as the new normal, not as unusual', () => {
    const fullTime = { start: '2025-01-01', end: '2026-05-03', dailyMinutes: 450, workdays: [1, 2, 3, 4, 5] };
    const partTime = { start: '2026-05-04', end: null, dailyMinutes: 270, workdays: [1, 2, 3, 4, 5] };
    const before = everyDay('2026-02-16', '2026-05-03', [1, 2, 3, 4, 5], (d) => day(d, 450));
    const after = everyDay('2026-05-04', '2026-05-15', [1, 2, 3, 4, 5], (d) => day(d, 270)).filter((d) => d.date !== '2026-05-14'); // Ascension Day
    const ctx = contextFor('2026-05-18');
    // Against the 450-minute days a 270-minute day would score (270 − 450) / 35 = −5.1.
    expect(anomalyInsights(timelineOf(person([...before, ...after], [fullTime, partTime]), ctx), ctx)).toEqual([]);
  });

  it('stays quiet for an ordinary week', () => {
    const week = ['2026-05-11', '2026-05-12', '2026-05-13', '2026-05-15'].map((d) => day(d, 450, { billableMinutes: 300 }));
    expect(anomalies(week)).toEqual([]);
  });
});
