/** Calendar helpers on "epoch days" (days since 1970-01-01), the compact date unit of the simulator. */
import Holidays from 'date-holidays';
import { DateTime } from 'luxon';

export const ZONE = 'Europe/Helsinki';
const DAY_MS = 86_400_000;

export function parseIsoDate(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const ms = Date.parse(`${value}T00:00:00Z`);
  if (Number.isNaN(ms)) return undefined;
  const day = ms / DAY_MS;
  return isoDate(day) === value ? day : undefined;
}

export function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday, 1 = Monday … 7 = Sunday. */
export function isoWeekday(day: number): number {
  const d = new Date(day * DAY_MS).getUTCDay();
  return d === 0 ? 7 : d;
}

export function addMonths(day: number, months: number): number {
  const d = new Date(day * DAY_MS);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const lastOfMonth = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastOfMonth));
  return target.getTime() / DAY_MS;
}

export function yearOf(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

/** Day of a month in a year, e.g. (2024, 6, 1) → 1 June 2024. */
export function dayOf(year: number, month: number, date: number): number {
  return Date.UTC(year, month - 1, date) / DAY_MS;
}

export interface FinnishHoliday {
  day: number;
  /** Finnish name, e.g. "juhannusaatto". */
  name: string;
  /** False for the eves (date-holidays type 'bank'). */
  isPublic: boolean;
  /** Same month and day every year (not tied to Easter or a weekday). */
  isFixed: boolean;
}

/** Public holidays and the eves Finnish workplaces keep off, in one calendar year. */
export function finnishHolidaysOfYear(year: number): FinnishHoliday[] {
  const out: FinnishHoliday[] = [];
  for (const holiday of new Holidays('FI').getHolidays(year, 'fi')) {
    if (holiday.type !== 'public' && holiday.type !== 'bank') continue;
    const day = parseIsoDate(holiday.date.slice(0, 10));
    if (day !== undefined) out.push({ day, name: holiday.name, isPublic: holiday.type === 'public', isFixed: /^\d\d-\d\d$/.test(holiday.rule) });
  }
  return out;
}

function finnishHolidays(fromDay: number, toDay: number, withEves: boolean): Set<number> {
  const days = new Set<number>();
  for (let year = yearOf(fromDay); year <= yearOf(toDay); year += 1) {
    for (const holiday of finnishHolidaysOfYear(year)) {
      if ((holiday.isPublic || withEves) && holiday.day >= fromDay && holiday.day <= toDay) days.add(holiday.day);
    }
  }
  return days;
}

/** Finnish public holidays (date-holidays, type 'public') between two epoch days, inclusive. */
export function finnishPublicHolidays(fromDay: number, toDay: number): Set<number> {
  return finnishHolidays(fromDay, toDay, false);
}

/**
 * Days nobody works: the public holidays plus Midsummer Eve, Christmas Eve and New Year's Eve
 * (date-holidays type 'bank'), which Finnish workplaces keep off as a rule.
 */
export function finnishDaysOff(fromDay: number, toDay: number): Set<number> {
  return finnishHolidays(fromDay, toDay, true);
}

const offsets = new Map<number, number>();

/**
 * Helsinki UTC offset in minutes on a day, taken at noon: right for every time after the 03:00/04:00
 * DST switch, which is all the simulator uses. Cached, as luxon's zone lookup is the costly part of
 * generating a large company.
 */
function helsinkiOffsetMinutes(day: number): number {
  let offset = offsets.get(day);
  if (offset === undefined) {
    const d = new Date(day * DAY_MS);
    offset = DateTime.fromObject({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: 12 }, { zone: ZONE }).offset;
    offsets.set(day, offset);
  }
  return offset;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** Local Helsinki wall-clock time (04:00 or later) on an epoch day, as an ISO date-time with its offset. */
export function helsinkiDateTime(day: number, minutesOfDay: number): string {
  const offset = helsinkiOffsetMinutes(day);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${isoDate(day)}T${two(Math.floor(minutesOfDay / 60))}:${two(minutesOfDay % 60)}:00${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

/** Epoch seconds of a local Helsinki time (04:00 or later) on an epoch day. */
export function helsinkiEpochSeconds(day: number, minutesOfDay: number): number {
  return day * 86_400 + (minutesOfDay - helsinkiOffsetMinutes(day)) * 60;
}

export function isoFromEpochSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** The Helsinki calendar day (epoch day) of an instant in epoch seconds. */
export function dayOfInstant(seconds: number): number {
  const utcDay = Math.floor(seconds / 86_400);
  return Math.floor((seconds + helsinkiOffsetMinutes(utcDay) * 60) / 86_400);
}
