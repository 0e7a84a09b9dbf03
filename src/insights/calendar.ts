import Holidays from 'date-holidays';
import { isoWeekOf, parseLocalDate } from './dates';
import type { Contract } from './input';

/**
 * Working calendar of one country in one zone. Public holidays (date-holidays type 'public') are full
 * days off. Eves that date-holidays lists with type 'bank' (in Finland: Midsummer Eve, Christmas Eve and
 * New Year's Eve) are de facto days off in most Finnish workplaces, so they count as full days off too;
 * with halfDayEves they count as half days instead, for employers that work a short day. Observances
 * (Mother's Day …) are ordinary days.
 */
export interface WorkCalendar {
  readonly country: string;
  readonly timezone: string;
  isHoliday(date: string): boolean;
  /** 0 = ordinary day, 1 = full day off, 0.5 = half day (an eve with halfDayEves). */
  holidayFraction(date: string): number;
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  weekday(date: string): number;
  /** ISO week such as '2026-W47'. */
  isoWeek(date: string): string;
}

export interface WorkCalendarOptions {
  country?: string;
  timezone?: string;
  halfDayEves?: boolean;
}

export function createWorkCalendar({
  country = 'FI',
  timezone = 'Europe/Helsinki',
  halfDayEves = false,
}: WorkCalendarOptions = {}): WorkCalendar {
  const source = new Holidays(country, { timezone, types: ['public', 'bank'] });
  const byYear = new Map<number, Map<string, number>>();
  const dayInfo = new Map<string, { weekday: number; week: string }>();

  function fractionsOf(year: number): Map<string, number> {
    let map = byYear.get(year);
    if (!map) {
      map = new Map();
      for (const h of source.getHolidays(year)) {
        const fraction = h.type === 'public' ? 1 : h.type === 'bank' ? (halfDayEves ? 0.5 : 1) : 0;
        const date = h.date.slice(0, 10);
        map.set(date, Math.max(map.get(date) ?? 0, fraction));
      }
      byYear.set(year, map);
    }
    return map;
  }

  function info(date: string): { weekday: number; week: string } {
    let cached = dayInfo.get(date);
    if (!cached) {
      const dt = parseLocalDate(date, timezone);
      cached = { weekday: dt.weekday, week: isoWeekOf(dt) };
      dayInfo.set(date, cached);
    }
    return cached;
  }

  function holidayFraction(date: string): number {
    // info() validates the date once and caches it; parsing on every call dominated sync time.
    info(date);
    return fractionsOf(Number(date.slice(0, 4))).get(date) ?? 0;
  }

  return {
    country,
    timezone,
    holidayFraction,
    isHoliday: (date) => holidayFraction(date) > 0,
    weekday: (date) => info(date).weekday,
    isoWeek: (date) => info(date).week,
  };
}

/** The contract in force on a date; when contracts overlap the one that started last wins. */
export function contractOn(contracts: readonly Contract[], date: string): Contract | undefined {
  let found: Contract | undefined;
  for (const c of contracts) {
    if (c.start <= date && (c.end === null || date <= c.end) && (!found || c.start >= found.start)) found = c;
  }
  return found;
}

/**
 * Minutes a person is expected to work on a date before any absence: the contract's daily minutes on
 * its workdays, reduced by the holiday fraction, rounded to whole minutes.
 */
export function expectedMinutes(contracts: readonly Contract[], date: string, calendar: WorkCalendar): number {
  const contract = contractOn(contracts, date);
  if (!contract || !contract.workdays.includes(calendar.weekday(date))) return 0;
  return Math.round(contract.dailyMinutes * (1 - calendar.holidayFraction(date)));
}
