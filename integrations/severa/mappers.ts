/** Wire (Severa JSON) → domain records. Pure; everything not listed here is dropped. */
import type { WireAbsence, WireDeletedWorkHour, WireProject, WireUser, WireUserContact, WireWorkContract, WireWorkHour } from './wire';
import type { ErpAbsence, ErpDeletedWorkHour, ErpProject, ErpRecipient, ErpUser, ErpWorkContract, ErpWorkHour } from '../erp/erp-client';

export function hoursToMinutes(hours: number): number {
  return Math.round(hours * 60);
}

export function toUser(w: WireUser): ErpUser {
  return {
    id: w.guid,
    active: w.isActive,
    language: w.languageCode ?? null,
    country: w.countryCode ?? null,
    timezone: w.timezone ?? null,
    managerId: w.superiorUser?.guid ?? null,
  };
}

export function toWorkContract(w: WireWorkContract): ErpWorkContract {
  return {
    id: w.guid,
    start: w.startDate,
    end: w.endDate,
    dailyMinutes: hoursToMinutes(w.dailyHours),
    workdays: [...new Set(w.workWeek)].sort((a, b) => a - b),
  };
}

export function toWorkHour(w: WireWorkHour): ErpWorkHour {
  return {
    id: w.guid,
    personId: w.user.guid,
    projectId: w.project?.guid ?? null,
    date: w.eventDate,
    minutes: hoursToMinutes(w.quantity),
    billable: w.isBillable,
    updatedAt: w.lastUpdatedDateTime,
  };
}

export function toDeletedWorkHour(w: WireDeletedWorkHour): ErpDeletedWorkHour {
  return { id: w.guid, deletedAt: w.deletedDateTime };
}

export function toAbsence(w: WireAbsence): ErpAbsence {
  return {
    id: w.guid,
    personId: w.owner.guid,
    start: w.startDateTime,
    end: w.endDateTime,
    allDay: w.isAllDay,
    updatedAt: w.lastUpdatedDateTime,
  };
}

export function toProject(w: WireProject): ErpProject {
  return {
    id: w.guid,
    managerId: w.projectOwner?.guid ?? null,
    customerId: w.customer?.guid ?? null,
    budgetMinutes: w.expectedHours == null ? null : hoursToMinutes(w.expectedHours),
    start: w.startDate ?? null,
    end: w.deadline ?? null,
    closed: w.isClosed,
    updatedAt: w.lastUpdatedDateTime,
  };
}

export function toRecipient(w: WireUserContact): ErpRecipient {
  return { firstName: w.firstName ?? null, email: w.email ?? null, language: w.languageCode ?? null };
}
