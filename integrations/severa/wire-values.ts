/**
 * Reading the value forms real Severa data takes (see shared ERP-API.md, "Tolerance"). Pure functions;
 * null means "not a usable value", and the caller decides whether that skips the row or just the field.
 */
import countries from 'i18n-iso-countries';
import { DateTime } from 'luxon';

const DATE = /^(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * A local date from `2026-11-02` or `2026-11-02T00:00:00[offset]`: the calendar date as written, since
 * Severa's date fields are dates, whatever time part a serializer adds. Null for 2026-11-31 and the like.
 */
export function localDate(raw: string): string | null {
  const date = DATE.exec(raw.trim())?.[1];
  if (date === undefined) return null;
  return DateTime.fromISO(date, { zone: 'UTC' }).isValid ? date : null;
}

/**
 * An instant as an ISO date-time with its offset. With no offset on the wire the time is read in the
 * tenant's zone (`zone`); any number of fraction digits is accepted.
 */
export function instant(raw: string, zone: string): string | null {
  const text = raw.trim().replace(' ', 'T');
  if (!DATE_TIME.test(text)) return null;
  const dt = DateTime.fromISO(text, { zone, setZone: true });
  return dt.isValid ? dt.toISO({ suppressMilliseconds: true }) : null;
}

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** ISO weekday (1 = Monday) of a weekday name in any letter case; null for anything else. */
export function weekdayNumber(name: string): number | null {
  const index = WEEKDAYS.indexOf(name.trim().toLowerCase());
  return index < 0 ? null : index + 1;
}

/** Monday–Friday: what a work contract with no `workWeek` is taken to mean. */
export const DEFAULT_WORKDAYS = [1, 2, 3, 4, 5];

/**
 * ISO 639-1 language of a Severa language code in whatever form it comes (`fi`, `fi-FI`, `FI`, `sv_SE`,
 * `swe`): Intl.Locale canonicalises case and maps three-letter codes to two-letter ones where one exists.
 */
export function languageOf(code: string | null | undefined): string | null {
  if (!code?.trim()) return null;
  try {
    const language = new Intl.Locale(code.trim().replace(/_/g, '-')).language;
    return /^[a-z]{2,3}$/.test(language) ? language : null;
  } catch {
    return null;
  }
}

/** ISO 3166-1 alpha-2 of Severa's `country.code3` (alpha-3, e.g. "FIN"). */
export function countryOf(code3: string | null | undefined): string | null {
  if (!code3?.trim()) return null;
  return countries.alpha3ToAlpha2(code3.trim().toUpperCase()) ?? null;
}

/** The IANA zone if the runtime knows it (Severa's `timezone.ianaName`), else null. */
export function ianaZone(name: string | null | undefined): string | null {
  if (!name?.trim()) return null;
  return DateTime.local({ zone: name.trim() }).isValid ? name.trim() : null;
}
