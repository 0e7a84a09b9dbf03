/**
 * How dates and date-times look on the wire. No public source settles whether Severa sends a date
 * with a time part or a date-time without an offset, so the simulator serves every plausible form,
 * chosen per row from the seed: the meaning is always the same instant or day.
 */
import { DateTime } from 'luxon';
import { ZONE, isoDate } from './calendar';
import { mixSeed } from './prng';

/** Deterministic 0..n-1 choice for one row of one kind, independent of every other choice. */
export function variant(seed: number, salt: number, index: number, n: number): number {
  return mixSeed(seed, 0x7a11, salt, index) % n;
}

/** "2026-11-02", or on every fourth row "2026-11-02T00:00:00". */
export function wireDate(seed: number, salt: number, index: number, day: number): string {
  return variant(seed, salt, index, 4) === 1 ? `${isoDate(day)}T00:00:00` : isoDate(day);
}

const hourOffsets = new Map<number, number>();

/** Helsinki offset in minutes at an instant, cached per hour (zone lookups dominate large renders). */
function offsetAt(seconds: number): number {
  const hour = Math.floor(seconds / 3600);
  let offset = hourOffsets.get(hour);
  if (offset === undefined) {
    offset = DateTime.fromSeconds(hour * 3600, { zone: ZONE }).offset;
    hourOffsets.set(hour, offset);
  }
  return offset;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

function localClock(seconds: number, offsetMinutes: number): string {
  const local = new Date((seconds + offsetMinutes * 60) * 1000).toISOString();
  return local.slice(0, 19);
}

function offsetText(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

/** Near a DST switch a wall-clock time without offset is ambiguous; such instants keep their offset. */
function nearSwitch(seconds: number): boolean {
  const here = offsetAt(seconds);
  return offsetAt(seconds - 3600) !== here || offsetAt(seconds + 3600) !== here;
}

/**
 * An instant (epoch seconds, whole) in one of three forms: UTC ("…Z"), Helsinki time with its offset
 * and three fraction digits, or Helsinki wall-clock time without an offset and with seven fraction
 * digits (the .NET default) — the form a client must read in the tenant's zone.
 */
export function wireDateTime(seed: number, salt: number, index: number, seconds: number): string {
  const form = variant(seed, salt, index, 3);
  const offset = offsetAt(seconds);
  if (form === 2 && !nearSwitch(seconds)) return `${localClock(seconds, offset)}.0000000`;
  if (form === 1) return `${localClock(seconds, offset)}.000${offsetText(offset)}`;
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * An impossible calendar date of the kind real exports contain now and then, near the true one:
 * 30 February, the 31st of the true month when it has 30 days, else 31 November of the same year.
 */
export function impossibleDate(day: number): string {
  const iso = isoDate(day);
  const month = Number(iso.slice(5, 7));
  return month === 2 ? `${iso.slice(0, 8)}30` : [4, 6, 9, 11].includes(month) ? `${iso.slice(0, 8)}31` : `${iso.slice(0, 5)}11-31`;
}
