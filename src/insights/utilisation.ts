import { UTILISATION_HISTORY_WEEKS, type InsightContext } from './context';
import type { StepInterval } from './forecast-intervals';
import { forecastSeries, HORIZON } from './forecast-select';
import { availableOn, sumRange, type PersonTimeline } from './timeline';
import type { Insight, Severity, UtilisationValues } from './types';

/** Bars in the email's chart. */
const CHART_WEEKS = 12;

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

/**
 * Billable ÷ available over a day range, where available = expected − absence. Capped at 1 (billing
 * overtime is still 100 %); null when nothing was available.
 */
export function utilisationOver(t: PersonTimeline, from: number, to: number): number | null {
  let available = 0;
  for (let i = Math.max(0, from); i <= to; i++) available += availableOn(t, i);
  if (available <= 0) return null;
  return Math.min(1, sumRange(t.billable, from, to) / available);
}

/** Weekly utilisation values with the week each belongs to (0 = the oldest week looked at). */
export interface WeeklySeries {
  values: number[];
  weeks: number[];
}

/**
 * Weekly utilisation, oldest first, for `weeks` ISO weeks ending with the one that ends at endIndex.
 * Weeks with nothing available (before the contract, whole weeks away) are skipped rather than shown
 * as zero, so holidays do not read as idle time and do not drag the forecast down; so are weeks that
 * begin before `fromIndex`, where the company's time entries begin. `weeks` keeps each value's
 * calendar week, so a yearly season stays in phase.
 */
export function weeklyUtilisation(t: PersonTimeline, endIndex: number, weeks = UTILISATION_HISTORY_WEEKS, fromIndex = 0): WeeklySeries {
  const out: WeeklySeries = { values: [], weeks: [] };
  const first = endIndex + 1 - 7 * weeks;
  for (let w = first; w + 6 <= endIndex; w += 7) {
    if (w < 0 || w < fromIndex) continue;
    const value = utilisationOver(t, w, w + 6);
    if (value === null) continue;
    out.values.push(value);
    out.weeks.push((w - first) / 7);
  }
  return out;
}

/**
 * Forecast rest of month = mean of the forecast weeks that reach the month's end (at least one). The
 * intervals are next week's: a calibrated 80 % interval holds 8 weeks in 10, whatever the method.
 * Severity: warning when the next four weeks are forecast 15 points or more under target, notice from
 * 5 points under or when last week alone was 15 points under, info otherwise. No insight when nothing
 * was available last week (away, or not under contract).
 */
export function utilisationInsight(t: PersonTimeline, ctx: InsightContext): Insight | null {
  const lastWeek = utilisationOver(t, ctx.period.startIndex, ctx.period.endIndex);
  if (lastWeek === null) return null;
  const target = ctx.settings.utilisationTarget;
  const { values: history, weeks } = weeklyUtilisation(t, ctx.period.endIndex, UTILISATION_HISTORY_WEEKS, ctx.timeDataStartIndex);
  const forecast = forecastSeries(history, target, HORIZON, weeks);
  const restWeeks = Math.max(1, Math.ceil(ctx.daysToMonthEnd / 7));
  const mean = (xs: number[]): number => xs.reduce((s, v) => s + v, 0) / xs.length;
  const next4 = mean(forecast.forecasts);
  const next = forecast.intervals[0] as StepInterval;
  const values: UtilisationValues = {
    lastWeek: round3(lastWeek),
    monthToDate: round3(utilisationOver(t, ctx.monthStartIndex, ctx.monthEndIndex) ?? lastWeek),
    target,
    forecastRestOfMonth: round3(mean(forecast.forecasts.slice(0, restWeeks))),
    forecastNext4Weeks: round3(next4),
    forecastNextWeek: round3(forecast.forecasts[0] as number),
    intervalLow: round3(next.low80),
    intervalHigh: round3(next.high80),
    interval95Low: round3(next.low95),
    interval95High: round3(next.high95),
    seasonalPeriod: forecast.period,
    method: forecast.method,
    fallback: forecast.fallback,
    history: history.slice(-CHART_WEEKS).map(round3),
  };
  const severity: Severity =
    next4 <= target - 0.15 ? 'warning' : next4 <= target - 0.05 || lastWeek <= target - 0.15 ? 'notice' : 'info';
  return {
    tenantId: ctx.tenantId,
    recipientId: t.personId,
    period: ctx.period.week,
    kind: 'utilisation',
    severity,
    subjectId: null,
    values,
  };
}
