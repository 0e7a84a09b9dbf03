import { createWorkCalendar, type WorkCalendar } from './calendar';
import { addDays, daysBetween, lastCompletedWeek } from './dates';
import { assertValidSettings, type TenantInsightSettings } from './input';
import { createDayTable, type DayTable } from './timeline';

/** Weeks of utilisation history the forecast looks at: two years, so a yearly cycle can be seen twice. */
export const UTILISATION_HISTORY_WEEKS = 104;
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
  /**
   * The period's month is the one holding the week's Thursday (the ISO rule for which year a week
   * belongs to), so a week straddling two months reports on the month most of it lies in. Month to
   * date runs from its first day to the period end or the month's last day, whichever is first.
   */
  readonly month: string;
  readonly monthStartIndex: number;
  readonly monthEndIndex: number;
  /** Calendar days after the period until the month's end; 0 when the month ended within the week. */
  readonly daysToMonthEnd: number;
  /**
   * First table index on which the ERP holds time entries for the company. Before it there is
   * nothing to compare the contract with (the company kept its hours elsewhere), so balances and
   * utilisation history start there, not at a contract start years earlier.
   */
  readonly timeDataStartIndex: number;
}

/** Index of the first day on or after `date`; the table's length when the date is past its end. */
function firstIndexFrom(table: DayTable, date: string): number {
  const first = table.dates[0] as string;
  if (date <= first) return 0;
  const i = table.indexOf(date);
  return i >= 0 ? i : table.dates.length;
}

export function createInsightContext(input: {
  tenantId: string;
  referenceDate: string;
  settings: TenantInsightSettings;
  calendar?: WorkCalendar;
  /** First day with time entries in the company; null when it has none; absent: the whole table counts. */
  timeDataFrom?: string | null;
}): InsightContext {
  const { settings } = input;
  assertValidSettings(settings);
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
  const month = addDays(period.start, 3, zone).slice(0, 7);
  const monthStart = `${month}-01`;
  const monthEnd = addDays(`${addDays(monthStart, 31, zone).slice(0, 7)}-01`, -1, zone);
  const endIndex = table.indexOf(period.end);
  return {
    tenantId: input.tenantId,
    referenceDate: input.referenceDate,
    settings,
    calendar,
    table,
    period: { ...period, startIndex: table.indexOf(period.start), endIndex },
    month,
    monthStartIndex: table.indexOf(monthStart),
    monthEndIndex: monthEnd < period.end ? table.indexOf(monthEnd) : endIndex,
    daysToMonthEnd: Math.max(0, daysBetween(period.end, monthEnd, zone)),
    timeDataStartIndex:
      input.timeDataFrom === undefined ? 0 : input.timeDataFrom === null ? table.dates.length : firstIndexFrom(table, input.timeDataFrom),
  };
}
