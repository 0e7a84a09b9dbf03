import type { InsightContext } from './context';
import { toYmd } from './dates';
import { availableOn, fullyAbsentOn, type PersonTimeline } from './timeline';
import type { Insight, MissingHoursValues, Severity } from './types';

/** Shortfalls under an hour are rounding in how people log, not missing work. */
const NOTICE_MINUTES = 60;

export interface RangeTotals {
  expected: number;
  recorded: number;
  missingDays: number[];
}

/**
 * A missing workday: something still expected after holidays and absence (a partial absence lowers
 * what is expected, a full one removes the day) and nothing at all recorded, not even a zero-minute
 * entry. Returns the local dates between table indices from and to, inclusive.
 */
export function missingWorkdays(t: PersonTimeline, ctx: InsightContext, from: number, to: number): string[] {
  const out: string[] = [];
  for (let i = Math.max(0, from); i <= to; i++) {
    if (availableOn(t, i) > 0 && !fullyAbsentOn(t, i) && t.recorded[i] === 0 && t.entries[i] === 0) {
      out.push(ctx.table.dates[i] as string);
    }
  }
  return out;
}

/** Expected = contract minutes on workdays after holidays, minus absence; missing days as above. */
export function missingHoursTotals(t: PersonTimeline, ctx: InsightContext, from: number, to: number): RangeTotals {
  const out: RangeTotals = { expected: 0, recorded: 0, missingDays: missingWorkdays(t, ctx, from, to).map(toYmd) };
  for (let i = Math.max(0, from); i <= to; i++) {
    out.expected += availableOn(t, i);
    out.recorded += t.recorded[i] as number;
  }
  return out;
}

/**
 * Severity: warning with two or more empty workdays, notice with one empty day or a net shortfall of
 * an hour or more, info otherwise. No insight when nothing was expected in the week (not under
 * contract, or away all week).
 */
export function missingHoursInsight(t: PersonTimeline, ctx: InsightContext): Insight | null {
  const week = missingHoursTotals(t, ctx, ctx.period.startIndex, ctx.period.endIndex);
  if (week.expected === 0) return null;
  const month = missingHoursTotals(t, ctx, ctx.monthStartIndex, ctx.monthEndIndex);
  const missingMinutes = Math.max(0, week.expected - week.recorded);
  const values: MissingHoursValues = {
    expectedMinutes: Math.round(week.expected),
    recordedMinutes: Math.round(week.recorded),
    missingMinutes: Math.round(missingMinutes),
    missingDays: week.missingDays,
    monthToDateExpectedMinutes: Math.round(month.expected),
    monthToDateRecordedMinutes: Math.round(month.recorded),
  };
  const severity: Severity =
    week.missingDays.length >= 2
      ? 'warning'
      : week.missingDays.length === 1 || missingMinutes >= NOTICE_MINUTES
        ? 'notice'
        : 'info';
  return {
    tenantId: ctx.tenantId,
    recipientId: t.personId,
    period: ctx.period.week,
    kind: 'missing-hours',
    severity,
    subjectId: null,
    values,
  };
}
