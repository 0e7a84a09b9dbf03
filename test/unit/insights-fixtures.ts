import { createInsightContext, type InsightContext } from '../../src/insights/context';
import { addDays } from '../../src/insights/dates';
import { defaultInsightSettings, type Contract, type DayFact, type PersonHistory, type TenantInsightSettings } from '../../src/insights/input';
import { buildTimeline, type PersonTimeline } from '../../src/insights/timeline';

export const FULL_TIME: Contract = { start: '2025-01-01', end: null, dailyMinutes: 450, workdays: [1, 2, 3, 4, 5] };

export function day(date: string, recordedMinutes: number, more: Partial<DayFact> = {}): DayFact {
  return { date, recordedMinutes, billableMinutes: 0, absenceMinutes: 0, entryCount: recordedMinutes > 0 ? 1 : 0, ...more };
}

/** The same fact on every date from `from` to `to` inclusive whose ISO weekday is in `weekdays`. */
export function everyDay(from: string, to: string, weekdays: number[], make: (date: string) => DayFact): DayFact[] {
  const out: DayFact[] = [];
  for (let d = from; d <= to; d = addDays(d, 1, 'Europe/Helsinki')) {
    const weekday = ((new Date(`${d}T12:00:00Z`).getUTCDay() + 6) % 7) + 1;
    if (weekdays.includes(weekday)) out.push(make(d));
  }
  return out;
}

export function person(days: DayFact[], contracts: Contract[] = [FULL_TIME], personId = 'p1', managerId: string | null = null): PersonHistory {
  return { personId, managerId, contracts, days };
}

export function contextFor(referenceDate: string, settings: Partial<TenantInsightSettings> = {}): InsightContext {
  return createInsightContext({ tenantId: 't1', referenceDate, settings: defaultInsightSettings(settings) });
}

export function timelineOf(p: PersonHistory, ctx: InsightContext): PersonTimeline {
  return buildTimeline(p, ctx.table);
}
