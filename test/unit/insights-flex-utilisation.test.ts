import { flexBalanceInsight } from '../../src/insights/flex-balance';
import type { Contract, DayFact } from '../../src/insights/input';
import { FORECAST_METHODS } from '../../src/insights/types';
import { utilisationInsight, weeklyUtilisation } from '../../src/insights/utilisation';
import { contextFor, day, everyDay, person, timelineOf } from './insights-fixtures';

const fromMarch: Contract = { start: '2026-03-02', end: null, dailyMinutes: 450, workdays: [1, 2, 3, 4, 5] };
const weekdays = (from: string, to: string, minutes: number) => everyDay(from, to, [1, 2, 3, 4, 5], (d) => day(d, minutes));

function flex(days: DayFact[], erpBalanceMinutes: number | null = null) {
  const ctx = contextFor('2026-03-30');
  return flexBalanceInsight(timelineOf(person(days, [fromMarch]), ctx), ctx, erpBalanceMinutes);
}

describe('flex balance', () => {
  // Weeks W10–W13 (2–29 March): +150, −60, 0, +300 → balances 150, 90, 90, 390.
  const w10 = weekdays('2026-03-02', '2026-03-06', 480);
  const w11 = [day('2026-03-09', 390), ...weekdays('2026-03-10', '2026-03-13', 450)];
  const w12 = weekdays('2026-03-16', '2026-03-20', 450);
  const w13 = weekdays('2026-03-23', '2026-03-27', 510);

  it('accumulates the balance, fits the trend and projects it to the month end', () => {
    // x 0..3 (mean 1.5), y mean 180: Σdx·dy = (−1.5)(−30) + (−0.5)(−90) + 0.5(−90) + 1.5(210) = 360,
    // Σdx² = 5 → slope 72 min/week. W13's Thursday is 26 March; 2 days left after Sunday 29 March:
    // 390 + 72 × 2/7 = 410.57.
    expect(flex([...w10, ...w11, ...w12, ...w13])).toMatchObject({
      kind: 'flex-balance',
      severity: 'info',
      values: { balanceMinutes: 390, trendMinutesPerWeek: 72, projectedMonthEndMinutes: 411, weeksInTrend: 4, fromErp: 0 },
    });
  });

  it("reports the ERP's own balance where its flextime add-on keeps one, with the trend from the entries", () => {
    // Severa says 45 h (opening balance from before the period included); projection 2700 + 72 × 2/7.
    expect(flex([...w10, ...w11, ...w12, ...w13], 2700)).toMatchObject({
      severity: 'warning',
      values: { balanceMinutes: 2700, trendMinutesPerWeek: 72, projectedMonthEndMinutes: 2721, fromErp: 1 },
    });
  });

  it('does not count a week of absence against the balance', () => {
    const away = everyDay('2026-03-16', '2026-03-22', [1, 2, 3, 4, 5, 6, 7], (d) => day(d, 0, { absenceMinutes: 450 }));
    expect(flex([...w10, ...w11, ...away, ...w13])?.values).toMatchObject({ balanceMinutes: 390 });
  });

  it('goes negative for an employee with no entries at all', () => {
    // 4 weeks × 5 × 450 = 9000 minutes short, falling 2250 a week: a warning.
    expect(flex([])).toMatchObject({
      severity: 'warning',
      values: { balanceMinutes: -9000, trendMinutesPerWeek: -2250 },
    });
  });
});

describe('utilisation', () => {
  it('falls back to the baseline for an employee with only one week of history', () => {
    const ctx = contextFor('2026-05-18');
    const fromMay: Contract = { ...fromMarch, start: '2026-05-11' };
    const days = ['2026-05-11', '2026-05-12', '2026-05-13', '2026-05-15'].map((d) => day(d, 450, { billableMinutes: 300 }));
    // Ascension Day off: available 4 × 450 = 1800, billable 4 × 300 = 1200 → 0.667.
    expect(utilisationInsight(timelineOf(person(days, [fromMay]), ctx), ctx)).toMatchObject({
      kind: 'utilisation',
      severity: 'notice', // 0.667 is at least 5 points under the 0.75 target
      values: {
        lastWeek: 0.667,
        monthToDate: 0.667,
        forecastNext4Weeks: 0.667,
        forecastRestOfMonth: 0.667,
        forecastNextWeek: 0.667,
        intervalLow: 0,
        intervalHigh: 1,
        interval95Low: 0,
        interval95High: 1,
        seasonalPeriod: 0,
        method: FORECAST_METHODS.indexOf('baseline'),
        fallback: 1,
        history: [0.667],
      },
    });
  });

  it('divides billable by expected minus absence', () => {
    const ctx = contextFor('2026-05-18');
    // Tuesday half absent: available 1800 − 225 = 1575; billable 4 × 315 = 1260 → 0.8.
    const days = [
      day('2026-05-11', 450, { billableMinutes: 315 }),
      day('2026-05-12', 225, { billableMinutes: 315, absenceMinutes: 225 }),
      day('2026-05-13', 450, { billableMinutes: 315 }),
      day('2026-05-15', 450, { billableMinutes: 315 }),
    ];
    const insight = utilisationInsight(timelineOf(person(days, [{ ...fromMarch, start: '2026-05-11' }]), ctx), ctx);
    expect(insight?.values).toMatchObject({ lastWeek: 0.8 });
  });

  it('forecasts from a long steady history without falling back', () => {
    const ctx = contextFor('2026-11-23');
    const days = everyDay('2026-03-02', '2026-11-22', [1, 2, 3, 4, 5], (d) => day(d, 450, { billableMinutes: 360 }));
    const insight = utilisationInsight(timelineOf(person(days, [fromMarch]), ctx), ctx);
    // The last twelve weeks are all 360 / 450 = 0.8.
    expect(insight?.values).toMatchObject({
      lastWeek: 0.8,
      forecastNext4Weeks: 0.8,
      forecastNextWeek: 0.8,
      seasonalPeriod: 0,
      method: FORECAST_METHODS.indexOf('combined'),
      fallback: 0,
    });
    // Weeks with a public holiday read 1 (hours entered on the holiday too), so the past errors and the
    // intervals have some width, nested around the forecast.
    const v = insight?.kind === 'utilisation' ? insight.values : null;
    expect(v?.interval95Low).toBeLessThanOrEqual(v?.intervalLow ?? -1);
    expect(v?.intervalLow).toBeLessThan(0.8);
    expect(v?.intervalHigh).toBeGreaterThan(0.8);
    expect(v?.interval95High).toBeGreaterThanOrEqual(v?.intervalHigh ?? 2);
    expect(insight?.severity).toBe('info');
    expect(insight?.values).toHaveProperty('history', new Array(12).fill(0.8));
  });

  it('says nothing for a week with nothing available', () => {
    const ctx = contextFor('2026-05-18');
    const away = everyDay('2026-05-11', '2026-05-17', [1, 2, 3, 4, 5], (d) => day(d, 0, { absenceMinutes: 450 }));
    expect(utilisationInsight(timelineOf(person(away, [fromMarch]), ctx), ctx)).toBeNull();
  });

  it('skips a week away but keeps the calendar week of every value', () => {
    const ctx = contextFor('2026-11-23');
    // Away the whole week of 2026-11-09: no available time, so no value, and the next value is two weeks on.
    const days = everyDay('2026-10-26', '2026-11-22', [1, 2, 3, 4, 5], (d) =>
      d >= '2026-11-09' && d <= '2026-11-13' ? day(d, 0, { absenceMinutes: 450 }) : day(d, 450, { billableMinutes: 360 }),
    );
    const series = weeklyUtilisation(timelineOf(person(days, [fromMarch]), ctx), ctx.period.endIndex, 4);
    expect(series).toEqual({ values: [0.8, 0.8, 0.8], weeks: [0, 1, 3] });
  });
});
