/**
 * The company's own calendar (/v1/holidays) and the flextime add-on's balances. The calendar is the
 * one the generator kept free of work: public holidays plus the eves, the eves marked non-public.
 */
import type { ApiFlextime, ApiHoliday } from './api-models';
import { finnishHolidaysOfYear, isoWeekday } from './calendar';
import type { SimCompany } from './types';
import type { ViewContext } from './view-context';
import { FINLAND } from './views-people';
import { wireDate } from './wire-format';

const SALT = { date: 41 } as const;

export function holidayViews(ctx: ViewContext, year: number, countryGuid: string | null): ApiHoliday[] {
  if (countryGuid !== null && countryGuid.toLowerCase() !== FINLAND.guid) return [];
  return finnishHolidaysOfYear(year).map((h) => ({
    name: h.name,
    date: wireDate(ctx.company.seed, SALT.date, h.day, h.day),
    countryGuid: FINLAND.guid,
    isActive: true,
    isPublicHoliday: h.isPublic,
    isRecurringYearly: h.isFixed,
  }));
}

/** Severa caps the flextime a day can add at the contract's flextimeLimitPerDay (served as 2 h). */
const DAILY_LIMIT_HOURS = 2;

export interface FlextimeBook {
  balance(userIndex: number, eventDay: number): ApiFlextime;
}

/**
 * Balances as the add-on keeps them: the balance carried in before the simulated period plus, for
 * each day under a flextime contract up to the event date (at most the last simulated day), the
 * recorded hours minus the day's expected hours (0 on holidays, absences and days off).
 */
export function createFlextimeBook(company: SimCompany): FlextimeBook {
  const days = company.endDay - company.startDay + 1;
  let built = -1;
  let recorded = new Float64Array(0);
  const table = () => {
    if (built === company.hours.version) return recorded;
    recorded = new Float64Array(company.users.length * days);
    for (let i = 0; i < company.hours.length; i += 1) {
      if (company.hours.isDeleted(i)) continue;
      const row = company.hours.get(i);
      const offset = row.day - company.startDay;
      if (offset >= 0 && offset < days) recorded[row.userIndex * days + offset] = (recorded[row.userIndex * days + offset] ?? 0) + row.centiHours / 100;
    }
    built = company.hours.version;
    return recorded;
  };
  return {
    balance(userIndex, eventDay) {
      const user = company.users[userIndex];
      if (!user) throw new Error('unknown user');
      const hours = table();
      const absent = company.absences.filter((a) => a.userIndex === userIndex);
      const monthStart = eventDay - (new Date(eventDay * 86_400_000).getUTCDate() - 1);
      let total = user.flexOpeningHours;
      let month = 0;
      for (let day = company.startDay; day <= Math.min(eventDay, company.endDay); day += 1) {
        const contract = user.contracts.find((c) => c.startDay <= day && (c.endDay === null || c.endDay >= day));
        if (!contract?.isFlextimeActive) continue;
        const off = company.holidays.has(day) || !contract.workWeek.includes(isoWeekday(day)) || absent.some((a) => a.startDay <= day && a.endDay >= day);
        const delta = Math.min(DAILY_LIMIT_HOURS, (hours[userIndex * days + day - company.startDay] ?? 0) - (off ? 0 : contract.dailyHours));
        total += delta;
        if (day >= monthStart) month += delta;
      }
      return { totalFlextimeBalance: Math.round(total * 100) / 100, monthFlextimeBalance: Math.round(month * 100) / 100 };
    },
  };
}
