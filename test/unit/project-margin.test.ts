import { createWorkCalendar } from '../../src/insights/calendar';
import type { ProjectMoneyWeek } from '../../src/insights/input';
import { projectMargin } from '../../src/insights/project-margin';
import { addEntry, emptyTotals, removeEntryAtAverage, wholeWeeks } from '../../src/sync/project-money';

const EUR = (amount: number) => ({ amount, currency: 'EUR' });

describe('project money summed at sync time', () => {
  it('adds billable hours × price as value and all hours × cost as cost', () => {
    const t = emptyTotals();
    // 90 min billable at 100 €/h and 40 €/h: value 150 € = 15 000 c, cost 60 € = 6 000 c.
    addEntry(t, { minutes: 90, billable: true, unitPrice: EUR(100), unitCost: EUR(40) }, null);
    // Not billable: its price does not count, its cost does (30 min × 40 €/h = 2 000 c).
    addEntry(t, { minutes: 30, billable: false, unitPrice: EUR(100), unitCost: EUR(40) }, null);
    // No unit cost: the person's contract hour cost stands in (60 min × 50 €/h = 5 000 c).
    addEntry(t, { minutes: 60, billable: false, unitCost: null }, EUR(50));
    expect(t).toEqual({ currency: 'EUR', billableMinutes: 90, valueCents: 15_000, unpricedMinutes: 0, costedMinutes: 180, costCents: 13_000, uncostedMinutes: 0 });
  });

  it('counts hours without a price or cost, or in another currency, as unpriced and uncosted', () => {
    const t = emptyTotals();
    addEntry(t, { minutes: 60, billable: true, unitPrice: EUR(100), unitCost: EUR(40) }, null);
    addEntry(t, { minutes: 30, billable: true, unitPrice: { amount: 900, currency: 'SEK' }, unitCost: null }, null);
    expect(t).toMatchObject({ billableMinutes: 60, unpricedMinutes: 30, costedMinutes: 60, uncostedMinutes: 30 });
  });

  it("takes an entry out at the week's average rates", () => {
    const t = { ...emptyTotals(), currency: 'EUR', billableMinutes: 120, valueCents: 20_000, costedMinutes: 120, costCents: 10_000 };
    // 30 of 120 minutes: a quarter of each sum.
    removeEntryAtAverage(t, { minutes: 30, billable: true });
    expect(t).toMatchObject({ billableMinutes: 90, valueCents: 15_000, costedMinutes: 90, costCents: 7_500 });
    // More than is left never goes below zero.
    removeEntryAtAverage(t, { minutes: 200, billable: false });
    expect(t).toMatchObject({ costedMinutes: 0, costCents: 0, uncostedMinutes: 0, billableMinutes: 90 });
  });

  it('settles only the ISO weeks a read covers completely', () => {
    const calendar = createWorkCalendar();
    // 2026-11-04 is a Wednesday: week 45 is partly outside; weeks 46 and 47 are whole.
    expect(wholeWeeks({ from: '2026-11-04', to: '2026-11-22' }, (d) => calendar.isoWeek(d), 'Europe/Helsinki')).toEqual(new Set(['2026-W46', '2026-W47']));
  });
});

function week(w: string, valueCents: number, costCents: number, currency = 'EUR'): ProjectMoneyWeek {
  return { week: w, currency, valueCents, costCents, billableMinutes: 600, unpricedMinutes: 0, costedMinutes: 600, uncostedMinutes: 0 };
}

describe('project margin', () => {
  const weeks = ['2026-W40', '2026-W41', '2026-W42', '2026-W43', '2026-W44', '2026-W45', '2026-W46', '2026-W47'];

  it('computes totals, the recent margin and its trend by hand', () => {
    const money = weeks.map((w, i) => week(w, 100_000, i < 4 ? 60_000 : 80_000));
    // Value 8 × 100 000 = 800 000, cost 4 × 60 000 + 4 × 80 000 = 560 000: margin 240 000 = 30 %.
    // Last four weeks 400 000 − 320 000 = 20 %; the four before 40 %: −20 points.
    expect(projectMargin(money, weeks, 0)).toEqual({
      currency: 'EUR',
      billableValueCents: 800_000,
      costCents: 560_000,
      marginCents: 240_000,
      marginShare: 0.3,
      recentMarginShare: 0.2,
      trendPoints: -0.2,
      costCoverage: 1,
      forecastWeeks: 0,
      forecastMarginCents: 0,
      forecastMarginShare: 0,
    });
  });

  it('forecasts the margin at the deadline from steady weeks', () => {
    const money = weeks.slice(4).map((w) => week(w, 100_000, 70_000));
    // Two more weeks like these: value 6 × 100 000, cost 6 × 70 000 → 180 000, 30 %.
    expect(projectMargin(money, weeks, 2)).toMatchObject({ forecastWeeks: 2, forecastMarginCents: 180_000, forecastMarginShare: 0.3, trendPoints: 0 });
  });

  it('keeps to the main currency, counts other hours as without cost, and ignores weeks after the period', () => {
    const money = [week('2026-W46', 100_000, 50_000), { ...week('2026-W47', 9_000, 9_000, 'SEK'), costedMinutes: 200, billableMinutes: 0 }, week('2026-W48', 1, 1)];
    expect(projectMargin(money, weeks, 0)).toMatchObject({ currency: 'EUR', billableValueCents: 100_000, costCents: 50_000, costCoverage: 0.75 });
    expect(projectMargin([], weeks, 0)).toBeNull();
  });
});
