import { isoWeekOf, parseLocalDate } from './dates';
import type { WorkCalendar } from './calendar';
import type { PersonHistory } from './input';

/**
 * Calendar facts for a run of whole ISO weeks, computed once per engine run and shared by every person,
 * so the per-person work is array arithmetic instead of date parsing.
 */
export interface DayTable {
  readonly dates: readonly string[];
  /** ISO weekday per day. */
  readonly weekday: Uint8Array;
  /** Holiday fraction per day (see WorkCalendar.holidayFraction). */
  readonly holiday: Float64Array;
  /** ISO week of each 7-day block; day i belongs to weeks[floor(i / 7)]. */
  readonly weeks: readonly string[];
  indexOf(date: string): number;
}

/** `from` must be a Monday, `weeks` the number of whole weeks. */
export function createDayTable(calendar: WorkCalendar, from: string, weeks: number): DayTable {
  const first = parseLocalDate(from, calendar.timezone);
  if (first.weekday !== 1) throw new RangeError('a day table starts on a Monday');
  const n = weeks * 7;
  const dates: string[] = [];
  const weekday = new Uint8Array(n);
  const holiday = new Float64Array(n);
  const weekKeys: string[] = [];
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const dt = first.plus({ days: i });
    const date = dt.toISODate() as string;
    dates.push(date);
    index.set(date, i);
    weekday[i] = dt.weekday;
    holiday[i] = calendar.holidayFraction(date);
    if (i % 7 === 0) weekKeys.push(isoWeekOf(dt));
  }
  return { dates, weekday, holiday, weeks: weekKeys, indexOf: (date) => index.get(date) ?? -1 };
}

/** One person's days laid out on a DayTable. */
export interface PersonTimeline {
  readonly personId: string;
  readonly managerId: string | null;
  /** Expected minutes after holidays, before absence (0 outside contract or on non-workdays). */
  readonly expected: Float64Array;
  readonly recorded: Float64Array;
  readonly billable: Float64Array;
  readonly absence: Float64Array;
  readonly entries: Float64Array;
  /** 1 when the day is a contract workday (holiday or not). */
  readonly workday: Uint8Array;
  /** 1 when a contract covers the day, workday or not. */
  readonly contracted: Uint8Array;
}

/**
 * First index whose date is ≥ date, or > date when `after` (dates are ISO strings, so string order is
 * date order).
 */
function bound(dates: readonly string[], date: string, after = false): number {
  let lo = 0;
  let hi = dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const d = dates[mid] as string;
    if (d < date || (after && d === date)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function buildTimeline(person: PersonHistory, table: DayTable): PersonTimeline {
  const n = table.dates.length;
  const expected = new Float64Array(n);
  const workday = new Uint8Array(n);
  const contracted = new Uint8Array(n);
  // Later-starting contracts overwrite earlier ones where they overlap, as contractOn() decides.
  const contracts = [...person.contracts].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  for (const c of contracts) {
    const from = bound(table.dates, c.start);
    const to = c.end === null ? n : bound(table.dates, c.end, true);
    let days = 0;
    for (const d of c.workdays) days |= 1 << d;
    for (let i = from; i < to; i++) {
      const isWorkday = (days >> (table.weekday[i] as number)) & 1;
      workday[i] = isWorkday;
      contracted[i] = 1;
      expected[i] = isWorkday ? Math.round(c.dailyMinutes * (1 - (table.holiday[i] as number))) : 0;
    }
  }
  const recorded = new Float64Array(n);
  const billable = new Float64Array(n);
  const absence = new Float64Array(n);
  const entries = new Float64Array(n);
  for (const day of person.days) {
    const i = table.indexOf(day.date);
    if (i < 0) continue;
    recorded[i] = day.recordedMinutes;
    billable[i] = day.billableMinutes;
    absence[i] = day.absenceMinutes;
    entries[i] = day.entryCount;
  }
  return { personId: person.personId, managerId: person.managerId, expected, recorded, billable, absence, entries, workday, contracted };
}

/**
 * Someone the period concerns: under contract on one of its days, or recording time in it. A former
 * employee or a future starter is neither, and gets nothing, however their history adds up.
 */
export function concernedBy(t: PersonTimeline, from: number, to: number): boolean {
  for (let i = Math.max(0, from); i <= to; i++) if (t.contracted[i] === 1 || (t.entries[i] as number) > 0) return true;
  return false;
}

/** The earliest date on which anyone has a time entry, or null when nobody has one. */
export function firstTimeEntryDate(people: readonly PersonHistory[]): string | null {
  let first: string | null = null;
  for (const p of people) for (const d of p.days) if (d.entryCount > 0 && (first === null || d.date < first)) first = d.date;
  return first;
}

/** Expected minutes left once absence is taken out. */
export function availableOn(t: PersonTimeline, i: number): number {
  return Math.max(0, (t.expected[i] as number) - (t.absence[i] as number));
}

/** A day whose expected work is entirely covered by absence. */
export function fullyAbsentOn(t: PersonTimeline, i: number): boolean {
  const e = t.expected[i] as number;
  return e > 0 && (t.absence[i] as number) >= e;
}

export function sumRange(values: Float64Array, from: number, to: number): number {
  let s = 0;
  for (let i = Math.max(0, from); i <= to; i++) s += values[i] as number;
  return s;
}
