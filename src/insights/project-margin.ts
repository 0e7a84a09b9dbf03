import { combinedForecast } from './forecast';
import type { ProjectMoneyWeek } from './input';
import type { ProjectMarginValues } from './types';

/** Weeks in the "recent" margin and in the one it is compared with. */
export const MARGIN_RECENT_WEEKS = 4;

const round3 = (v: number): number => Math.round(v * 1000) / 1000;
const share = (value: number, cost: number): number => (value > 0 ? (value - cost) / value : 0);

/** The next week's amount: the forecaster the utilisation uses (SES with the recent mean), floored at 0. */
function nextWeek(series: readonly number[]): number {
  if (series.length === 0) return 0;
  return Math.max(0, combinedForecast(series, 1)[0] as number);
}

/**
 * A project's margin up to and including `weeks`' last week (`weeks`: the ISO weeks of the insight's
 * window, oldest first): billable value − cost in total, the last four weeks' margin share and its change
 * from the four weeks before, and, when the project ends `weeksToEnd` weeks ahead, the margin at the end
 * if weekly value and cost go on as forecast. Only the money's main currency counts (the currency of
 * most costed minutes); weeks in another are left out. Null when no week has a price or a cost.
 */
export function projectMargin(money: readonly ProjectMoneyWeek[], weeks: readonly string[], weeksToEnd: number): ProjectMarginValues | null {
  const last = weeks[weeks.length - 1];
  if (last === undefined) return null;
  const upTo = money.filter((m) => m.week <= last && m.currency !== null);
  const minutesByCurrency = new Map<string, number>();
  for (const m of upTo) minutesByCurrency.set(m.currency as string, (minutesByCurrency.get(m.currency as string) ?? 0) + m.costedMinutes + m.billableMinutes);
  const currency = [...minutesByCurrency].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
  if (currency === undefined) return null;
  const kept = upTo.filter((m) => m.currency === currency);
  let value = 0;
  let cost = 0;
  let costed = 0;
  let uncosted = 0;
  for (const m of money.filter((w) => w.week <= last)) uncosted += m.currency === currency ? m.uncostedMinutes : m.costedMinutes + m.uncostedMinutes;
  for (const m of kept) {
    value += m.valueCents;
    cost += m.costCents;
    costed += m.costedMinutes;
  }
  const byWeek = new Map(kept.map((m) => [m.week, m]));
  const series = weeks.map((w) => byWeek.get(w));
  const first = series.findIndex((m) => m !== undefined);
  const live = first < 0 ? [] : series.slice(first);
  const values = live.map((m) => m?.valueCents ?? 0);
  const costs = live.map((m) => m?.costCents ?? 0);
  const sum = (xs: readonly number[]): number => xs.reduce((s, v) => s + v, 0);
  const recentShare = share(sum(values.slice(-MARGIN_RECENT_WEEKS)), sum(costs.slice(-MARGIN_RECENT_WEEKS)));
  const before = -2 * MARGIN_RECENT_WEEKS;
  const earlierValue = sum(values.slice(before, -MARGIN_RECENT_WEEKS));
  const trend = earlierValue > 0 ? recentShare - share(earlierValue, sum(costs.slice(before, -MARGIN_RECENT_WEEKS))) : 0;
  const ahead = Math.max(0, weeksToEnd);
  const endValue = value + ahead * nextWeek(values);
  const endCost = cost + ahead * nextWeek(costs);
  return {
    currency,
    billableValueCents: Math.round(value),
    costCents: Math.round(cost),
    marginCents: Math.round(value - cost),
    marginShare: round3(share(value, cost)),
    recentMarginShare: round3(recentShare),
    trendPoints: round3(trend),
    costCoverage: costed + uncosted > 0 ? round3(costed / (costed + uncosted)) : 0,
    forecastWeeks: ahead,
    forecastMarginCents: ahead > 0 ? Math.round(endValue - endCost) : 0,
    forecastMarginShare: ahead > 0 ? round3(share(endValue, endCost)) : 0,
  };
}
