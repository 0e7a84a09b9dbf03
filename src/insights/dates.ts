import { DateTime } from 'luxon';
import { ValidationError } from '../errors';

/**
 * Local calendar dates ('YYYY-MM-DD') in the tenant's zone. Arithmetic is always in calendar days via
 * luxon, never by adding 24 h to a timestamp, so DST weekends cannot shift a day.
 */
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export function parseLocalDate(date: string, zone: string): DateTime {
  const dt = DATE_RE.test(date) ? DateTime.fromISO(date, { zone }) : DateTime.invalid('format');
  if (!dt.isValid) throw new ValidationError('invalid local date', [`date must be YYYY-MM-DD in a valid zone`]);
  return dt;
}

export function addDays(date: string, days: number, zone: string): string {
  return parseLocalDate(date, zone).plus({ days }).toISODate() as string;
}

/** Whole calendar days from a to b (b − a), exact across DST changes. */
export function daysBetween(a: string, b: string, zone: string): number {
  return Math.round(parseLocalDate(b, zone).diff(parseLocalDate(a, zone), 'days').days);
}

export function isoWeekOf(dt: DateTime): string {
  return `${dt.weekYear}-W${String(dt.weekNumber).padStart(2, '0')}`;
}

/** Monday of an ISO week such as '2026-W47'. */
export function isoWeekStart(week: string, zone: string): string {
  const m = /^(\d{4})-W(\d{2})$/.exec(week);
  const dt = m ? DateTime.fromObject({ weekYear: Number(m[1]), weekNumber: Number(m[2]), weekday: 1 }, { zone }) : null;
  if (!dt?.isValid) throw new ValidationError('invalid ISO week', ['week must look like 2026-W47']);
  return dt.toISODate() as string;
}

/** The ISO week before the one holding the reference date: the last week that has fully ended. */
export function lastCompletedWeek(referenceDate: string, zone: string): { week: string; start: string; end: string } {
  const monday = parseLocalDate(referenceDate, zone).startOf('week').minus({ weeks: 1 });
  return {
    week: isoWeekOf(monday),
    start: monday.toISODate() as string,
    end: monday.plus({ days: 6 }).toISODate() as string,
  };
}

/** 'YYYY-MM-DD' → yyyymmdd integer, the form insight records carry. */
export function toYmd(date: string): number {
  return Number(date.slice(0, 4)) * 10000 + Number(date.slice(5, 7)) * 100 + Number(date.slice(8, 10));
}
