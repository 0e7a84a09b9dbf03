import Holidays from 'date-holidays';
import { isoWeekOf, parseLocalDate } from './dates';
import type { Contract } from './input';

/**
 * Working calendar of one company in one zone. Where the company's own holiday calendar (from the ERP)
 * covers a year, its days are the days off of that year; otherwise public holidays of the country
 * stand in (date-holidays type 'public'). Eves that date-holidays lists with type 'bank' (in Finland:
 * Midsummer Eve, Christmas Eve and New Year's Eve) are de facto days off in most Finnish workplaces, so
 * they count as full days off; with the tenant setting halfDayEves they count as half days, for
 * employers that work a short day — also when the company calendar lists them. Observances
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
  /** The company's own days off (YYYY-MM-DD) from the ERP's holiday calendar. */
  companyHolidays?: readonly string[];
}

export function createWorkCalendar({
  country = 'FI',
  timezone = 'Europe/Helsinki',
  halfDayEves = false,
  companyHolidays = [],
}: WorkCalendarOptions = {}): WorkCalendar {
  const source = new Holidays(country, { timezone, types: ['public', 'bank'] });
  const byYear = new Map<number, Map<string, number>>();
  const dayInfo = new Map<string, { weekday: number; week: string }>();
  const eveFraction = halfDayEves ? 0.5 : 1;

  function publicDays(year: number): Map<string, number> {
    const map = new Map<string, number>();
    for (const h of source.getHolidays(year)) {
      const fraction = h.type === 'public' ? 1 : h.type === 'bank' ? eveFraction : 0;
      const date = h.date.slice(0, 10);
      map.set(date, Math.max(map.get(date) ?? 0, fraction));
    }
    return map;
  }

  function fractionsOf(year: number): Map<string, number> {
    let map = byYear.get(year);
    if (!map) {
      const company = companyHolidays.filter((d) => Number(d.slice(0, 4)) === year);
      const publicYear = publicDays(year);
      map =
        company.length === 0
          ? publicYear
          : new Map(company.map((d) => [d, halfDayEves && publicYear.get(d) === eveFraction ? eveFraction : 1]));
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
