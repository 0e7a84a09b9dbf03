import { DateTime } from 'luxon';

/**
 * The retention rule, in one place: data is kept through the day exactly `months` after the end date
 * and is gone from the next day on. "Exactly `months` after" lands on the same day of the month, or
 * on the target month's last day when that month is shorter (ends 2026-08-29 → kept on 2027-02-28,
 * gone on 2027-03-01). An end date on a month's last day keeps through the last day of the target
 * month, so month ends behave: ends 2026-02-28 → kept on 2026-08-31, gone on 2026-09-01; ends
 * 2027-08-31 → kept on the leap day 2028-02-29, gone on 2028-03-01.
 */
export function firstPurgeDay(endDate: string, months: number): string {
  const end = DateTime.fromISO(endDate, { zone: 'UTC' });
  if (!end.isValid || !/^\d{4}-\d{2}-\d{2}$/.test(endDate)) throw new RangeError('End date must be YYYY-MM-DD');
  const lastKept = end.plus({ months });
  const monthEnd = end.day === end.daysInMonth;
  return (monthEnd ? lastKept.endOf('month') : lastKept).plus({ days: 1 }).toISODate()!;
}

/** Whether data that ended on `endDate` must be gone on `today` (both YYYY-MM-DD). */
export function isPastRetention(endDate: string, today: string, months: number): boolean {
  return today >= firstPurgeDay(endDate, months);
}

/** Today's date in a zone: a contract that ends in Helsinki ends on Helsinki's calendar. */
export function localDate(now: Date, timezone: string): string {
  const dt = DateTime.fromJSDate(now, { zone: timezone });
  return (dt.isValid ? dt : DateTime.fromJSDate(now, { zone: 'UTC' })).toISODate()!;
}

/** A date `n` days after `date` (YYYY-MM-DD), for "due within n days" look-ahead. */
export function addDays(date: string, n: number): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days: n }).toISODate()!;
}

/** Start of the rolling window: rows dated before this are deleted. */
export function monthsBefore(date: string, months: number): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).minus({ months }).toISODate()!;
}
