import { linearRegression } from 'simple-statistics';
import type { InsightContext } from './context';
import { availableOn, type PersonTimeline } from './timeline';
import type { FlexBalanceValues, Insight, Severity } from './types';

/** Warn well before statutory flex ceilings (tens of hours) are reached. */
const NOTICE_MINUTES = 20 * 60;
const WARNING_MINUTES = 40 * 60;

/**
 * Weekly cumulative flex balance (recorded − expected after absence) over the flex period, oldest
 * first. Days before the company's first time entry do not count, and weeks before the person's first
 * expected or recorded minute are left out, so a new starter's trend is not flattened by empty weeks.
 */
export function weeklyFlexBalances(t: PersonTimeline, ctx: InsightContext): number[] {
  const weeks = ctx.settings.flexPeriodWeeks;
  const from = Math.max(0, ctx.period.endIndex + 1 - 7 * weeks);
  const balances: number[] = [];
  let balance = 0;
  let started = false;
  for (let w = from; w <= ctx.period.endIndex; w += 7) {
    for (let i = Math.max(w, ctx.timeDataStartIndex); i < w + 7; i++) {
      const recorded = t.recorded[i] as number;
      if (t.expected[i] !== 0 || recorded !== 0) started = true;
      balance += recorded - availableOn(t, i);
    }
    if (started) balances.push(balance);
  }
  return balances;
}

/**
 * Severity: warning when the balance or its month-end projection is 40 h or more either way, notice
 * from 20 h, info below. No insight for someone with nothing expected or recorded in the flex period.
 * Where the ERP keeps the balance (its flextime add-on), that is the balance the employee sees there,
 * so it is the one reported; the trend still comes from the entries.
 */
export function flexBalanceInsight(t: PersonTimeline, ctx: InsightContext, erpBalanceMinutes: number | null = null): Insight | null {
  const balances = weeklyFlexBalances(t, ctx);
  const computed = balances[balances.length - 1];
  if (computed === undefined) return null;
  const balance = erpBalanceMinutes ?? computed;
  const recent = balances.slice(-ctx.settings.trendWeeks);
  const slope = recent.length >= 2 ? linearRegression(recent.map((b, x) => [x, b])).m : 0;
  const projected = balance + (slope * ctx.daysToMonthEnd) / 7;
  const values: FlexBalanceValues = {
    balanceMinutes: Math.round(balance),
    trendMinutesPerWeek: Math.round(slope),
    projectedMonthEndMinutes: Math.round(projected),
    weeksInTrend: recent.length,
    fromErp: erpBalanceMinutes === null ? 0 : 1,
  };
  const extreme = Math.max(Math.abs(balance), Math.abs(projected));
  const severity: Severity = extreme >= WARNING_MINUTES ? 'warning' : extreme >= NOTICE_MINUTES ? 'notice' : 'info';
  return {
    tenantId: ctx.tenantId,
    recipientId: t.personId,
    period: ctx.period.week,
    kind: 'flex-balance',
    severity,
    subjectId: null,
    values,
  };
}
