/** Wire (Severa JSON, already validated per row) → domain records. Pure; everything not listed here is dropped. */
import type {
  WireAbsence,
  WireDeletedWorkHour,
  WireHoliday,
  WirePhase,
  WireProject,
  WireUser,
  WireUserContact,
  WireWorkContract,
  WireWorkHour,
} from './wire';
import { countryOf, DEFAULT_WORKDAYS, ianaZone, languageOf } from './wire-values';
import type {
  ErpAbsence,
  ErpDeletedWorkHour,
  ErpHoliday,
  ErpPhase,
  ErpProject,
  ErpRecipient,
  ErpUser,
  ErpWorkContract,
  ErpWorkHour,
} from '../erp/erp-client';

/** Called when a row is used with an assumed value, so the assumption is counted, not silent. */
export type Assume = (reason: string) => void;

export function hoursToMinutes(hours: number): number {
  return Math.round(hours * 60);
}

export function toWorkContract(w: WireWorkContract, assume: Assume): ErpWorkContract {
  if (!w.workWeek) assume('workweek-assumed-monday-friday');
  const days = w.workWeek ?? DEFAULT_WORKDAYS;
  return {
    id: w.guid,
    start: w.startDate,
    end: w.endDate ?? null,
    dailyMinutes: hoursToMinutes(w.dailyHours),
    workdays: [...new Set(days)].sort((a, b) => a - b),
    hourCost: w.hourCost,
  };
}

export function toUser(w: WireUser, assume: Assume): ErpUser {
  return {
    id: w.guid,
    active: w.isActive ?? true,
    language: languageOf(w.language?.code),
    country: countryOf(w.country?.code3),
    countryId: w.country?.guid ?? null,
    timezone: ianaZone(w.timezone?.ianaName),
    managerId: w.superiorUser,
    currentContract: w.workContract ? toWorkContract(w.workContract, assume) : null,
    updatedAt: w.lastUpdatedDateTime ?? null,
  };
}

export function toWorkHour(w: WireWorkHour): ErpWorkHour {
  return {
    id: w.guid,
    personId: w.user.guid,
    projectId: w.project,
    date: w.eventDate,
    minutes: hoursToMinutes(w.quantity),
    billable: w.isBillable ?? w.billableStatus === 'Billable',
    unitPrice: w.unitPrice,
    unitCost: w.unitCost,
    updatedAt: w.lastUpdatedDateTime ?? null,
  };
}

export function toDeletedWorkHour(w: WireDeletedWorkHour): ErpDeletedWorkHour {
  return { id: w.guid, deletedAt: w.deletedDateTime ?? null };
}

export function toAbsence(w: WireAbsence): ErpAbsence {
  return {
    id: w.guid,
    personId: w.ownerUser.guid,
    start: w.startDateTime,
    end: w.endDateTime ?? w.startDateTime,
    allDay: w.isAllDay ?? false,
    updatedAt: w.lastUpdatedDateTime ?? null,
  };
}

export function toProject(w: WireProject): ErpProject {
  return {
    id: w.guid,
    managerId: w.projectOwner,
    customerId: w.customer,
    start: w.startDate ?? null,
    end: w.deadline ?? null,
    closed: w.isClosed ?? false,
    updatedAt: w.lastUpdatedDateTime ?? null,
  };
}

export function toPhase(w: WirePhase): ErpPhase {
  return {
    id: w.guid,
    projectId: w.project.guid,
    parentId: w.parentPhase,
    estimateMinutes: w.workHoursEstimate == null ? null : hoursToMinutes(w.workHoursEstimate),
  };
}

export function toHoliday(w: WireHoliday): ErpHoliday & { active: boolean } {
  return { date: w.date, countryId: w.countryGuid ?? null, active: w.isActive ?? true };
}

export function toRecipient(w: WireUserContact): ErpRecipient {
  return { firstName: w.firstName ?? null, email: w.email ?? null, language: languageOf(w.language?.code) };
}
