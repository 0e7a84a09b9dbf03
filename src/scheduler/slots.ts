import { DateTime } from 'luxon';

/** Slot keys are computed in the tenant's zone so "Monday's digest" means the tenant's Monday. */
function local(date: Date, timezone: string): DateTime {
  const dt = DateTime.fromJSDate(date, { zone: timezone });
  if (!dt.isValid) throw new RangeError(`Unknown time zone: ${timezone}`);
  return dt;
}

export const dailySlot = (date: Date, timezone: string): string => local(date, timezone).toFormat('yyyy-MM-dd');

/** ISO week, with the ISO week-year (2027-01-01 belongs to 2026-W53). */
export const weeklySlot = (date: Date, timezone: string): string => local(date, timezone).toFormat("kkkk-'W'WW");

export const monthlySlot = (date: Date, timezone: string): string => local(date, timezone).toFormat('yyyy-MM');

export const manualSlot = (id: string): string => `manual-${id}`;
