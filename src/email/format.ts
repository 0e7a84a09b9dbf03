import { DateTime, IANAZone } from 'luxon';
import { ValidationError } from '../errors';
import type { Messages } from './i18n';

const NBSP = '\u00a0';

export interface PeriodInfo {
  /** "Week 47" or "November 2026". */
  label: string;
  /** The week's dates, e.g. "17.–23.11.2026"; null for a month. */
  range: string | null;
  /** ISO week numbers of the `count` weeks ending with the period (oldest first), for chart labels. */
  weeksEndingWith(count: number): number[];
}

/** Locale-aware formatting of the numbers-only insight values. Pure; no clock. */
export interface Formatter {
  hours(minutes: number): string;
  signedHours(minutes: number): string;
  percent(fraction: number): string;
  integer(value: number): string;
  /** Whole units of a currency (ISO 4217 code) from cents. */
  money(cents: number, currency: string): string;
  /** A change in percentage points, with its sign. */
  points(fraction: number): string;
  /** yyyymmdd → short date with weekday. */
  day(yyyymmdd: number): string;
  /** yyyymmdd → full date. */
  date(yyyymmdd: number): string;
  period(period: string): PeriodInfo;
}

export function createFormatter(messages: Messages, timezone: string): Formatter {
  const { locale } = messages;
  if (!IANAZone.isValidZone(timezone)) throw new ValidationError('Unknown time zone');
  const hoursFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const signedFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 1, signDisplay: 'exceptZero' });
  const percentFormat = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
  const integerFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });

  const toDateTime = (yyyymmdd: number): DateTime => {
    const dt = DateTime.fromObject(
      { year: Math.floor(yyyymmdd / 10000), month: Math.floor(yyyymmdd / 100) % 100, day: yyyymmdd % 100 },
      { zone: timezone, locale },
    );
    if (!dt.isValid) throw new ValidationError('Invalid date in insight values');
    return dt;
  };

  return {
    hours: (minutes) => `${hoursFormat.format(minutes / 60)}${NBSP}h`,
    signedHours: (minutes) => `${signedFormat.format(minutes / 60)}${NBSP}h`,
    percent: (fraction) => percentFormat.format(fraction),
    integer: (value) => integerFormat.format(value),
    money: (cents, currency) =>
      new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 0, minimumFractionDigits: 0 }).format(cents / 100),
    points: (fraction) => signedFormat.format(Math.round(fraction * 1000) / 10),
    day: (yyyymmdd) => toDateTime(yyyymmdd).toFormat(messages.dayFormat),
    date: (yyyymmdd) => toDateTime(yyyymmdd).toFormat(messages.dateFormat),
    period: (period) => describePeriod(period, messages, timezone),
  };
}

function describePeriod(period: string, messages: Messages, timezone: string): PeriodInfo {
  const week = /^(\d{4})-W(\d{2})$/.exec(period);
  const month = /^(\d{4})-(\d{2})$/.exec(period);
  const opts = { zone: timezone, locale: messages.locale };
  let start: DateTime;
  let end: DateTime;
  let label: string;
  if (week?.[1] && week[2]) {
    start = DateTime.fromObject({ weekYear: Number(week[1]), weekNumber: Number(week[2]), weekday: 1 }, opts);
    end = start.plus({ days: 6 });
    label = messages.week(start.weekNumber);
  } else if (month?.[1] && month[2]) {
    start = DateTime.fromObject({ year: Number(month[1]), month: Number(month[2]), day: 1 }, opts);
    end = start.endOf('month').startOf('day');
    label = capitalise(start.toFormat('LLLL yyyy'));
  } else {
    throw new ValidationError('Period must look like 2026-W47 or 2026-11');
  }
  if (!start.isValid) throw new ValidationError('Period must look like 2026-W47 or 2026-11');

  const range = week
    ? new Intl.DateTimeFormat(messages.locale, {
        day: 'numeric',
        month: messages.rangeMonth,
        year: 'numeric',
        timeZone: timezone,
      }).formatRange(start.toJSDate(), end.toJSDate())
    : null;

  return {
    label,
    range,
    weeksEndingWith: (count) =>
      Array.from({ length: count }, (_, i) => end.minus({ weeks: count - 1 - i }).weekNumber),
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}
