import { DateTime } from 'luxon';
import { contractOn, type WorkCalendar } from '../insights/calendar';
import type { Contract } from '../insights/input';

export interface AbsenceSpan {
  /** ISO date-times with offset, as the ERP sends them. */
  start: string;
  end: string;
  allDay: boolean;
}

/**
 * Splits an absence into local days and the minutes it takes from each. A whole-day absence takes the
 * day's contracted time (nothing on days off); a partial one takes its clock time, at most the day's
 * contracted time. Days are walked in the tenant's zone so DST changes cannot shift them.
 */
export function absenceMinutesByDay(
  span: AbsenceSpan,
  contracts: readonly Contract[],
  calendar: WorkCalendar,
  window: { from: string; to: string },
): Map<string, number> {
  const zone = calendar.timezone;
  const start = DateTime.fromISO(span.start, { setZone: true }).setZone(zone);
  const end = DateTime.fromISO(span.end, { setZone: true }).setZone(zone);
  const out = new Map<string, number>();
  if (!start.isValid || !end.isValid || end < start) return out;
  for (let day = start.startOf('day'); day <= end; day = day.plus({ days: 1 })) {
    const date = day.toISODate() as string;
    if (date < window.from || date > window.to) continue;
    const contract = contractOn(contracts, date);
    const workday = contract?.workdays.includes(calendar.weekday(date)) ?? false;
    const dayMinutes = workday && contract ? Math.round(contract.dailyMinutes * (1 - calendar.holidayFraction(date))) : 0;
    let minutes = dayMinutes;
    if (!span.allDay) {
      const from = DateTime.max(start, day);
      const to = DateTime.min(end, day.plus({ days: 1 }));
      minutes = Math.min(dayMinutes, Math.round(to.diff(from, 'minutes').minutes));
    }
    if (minutes > 0) out.set(date, (out.get(date) ?? 0) + minutes);
  }
  return out;
}
