import { createWorkCalendar, type WorkCalendar } from './calendar';
import { addDays, daysBetween, lastCompletedWeek } from './dates';
import type { TenantInsightSettings } from './input';
import { createDayTable, type DayTable } from './timeline';

/** Weeks of utilisation history the forecast looks at; a year covers seasonality without slowing runs. */
export const UTILISATION_HISTORY_WEEKS = 52;
/** Weeks of a person's own workdays that define "usual" for the anomaly score. */
export const ANOMALY_BASELINE_WEEKS = 12;
/** Weeks before the period the billable-share drop compares with. */
export const SHARE_BASELINE_WEEKS = 8;

/** Everything an insight function needs besides the person: the period and the shared day table. */
export interface InsightContext {
  readonly tenantId: string;
  readonly referenceDate: string;
  readonly settings: TenantInsightSettings;
  readonly calendar: WorkCalendar;
  readonly table: DayTable;
  /** The last completed ISO week; indices point into table. */
  readonly period: { week: string; start: string; end: string; startIndex: number; endIndex: number };
  /** Index of the first day of the month holding the period's last day. */
  readonly monthStartIndex: number;
  /** Month of the period's last day, e.g. '2026-11'. */
  readonly month: string;
  /** Calendar days after the period until that month's end (0 when the week ends on the last day). */
  readonly daysToMonthEnd: number;
}

export function createInsightContext(input: {
  tenantId: string;
  referenceDate: string;
  settings: TenantInsightSettings;
  calendar?: WorkCalendar;
}): InsightContext {
  const { settings } = input;
  const zone = settings.timezone;
  const calendar =
    input.calendar ??
    createWorkCalendar({ country: settings.country, timezone: zone, halfDayEves: settings.halfDayEves });
  const period = lastCompletedWeek(input.referenceDate, zone);
  const weeks = Math.max(
    settings.flexPeriodWeeks,
    UTILISATION_HISTORY_WEEKS,
    ANOMALY_BASELINE_WEEKS + 1,
    SHARE_BASELINE_WEEKS + 1,
    settings.trendWeeks,
    // The month to date can reach back into the previous ISO weeks.
    6,
  );
  const table = createDayTable(calendar, addDays(period.start, -7 * (weeks - 1), zone), weeks);
  const monthStart = `${period.end.slice(0, 7)}-01`;
  const nextMonth = addDays(monthStart, 31, zone).slice(0, 7);
  return {
    tenantId: input.tenantId,
    referenceDate: input.referenceDate,
    settings,
    calendar,
    table,
    period: { ...period, startIndex: table.indexOf(period.start), endIndex: table.indexOf(period.end) },
    monthStartIndex: table.indexOf(monthStart),
    month: period.end.slice(0, 7),
    daysToMonthEnd: daysBetween(period.end, `${nextMonth}-01`, zone) - 1,
  };
}
