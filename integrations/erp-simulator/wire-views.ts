/**
 * Renders the in-memory company as Severa-shaped JSON. Each object carries what wire.ts validates
 * plus the personal extras a real ERP sends (names, contacts, identity numbers, free-text
 * descriptions), so tests can prove the product drops them.
 */
import { helsinkiDateTime, isoDate, isoFromEpochSeconds } from './calendar';
import { guidFor } from './prng';
import type { SimAbsence, SimCompany, SimContract, SimProject, SimUser } from './types';
import { workDescription } from './personal-data';
import type { WireAbsence, WireDeletedWorkHour, WireProject, WireUser, WireWorkContract, WireWorkHour } from '../severa/wire';

export type WireObject = Record<string, unknown>;
/** The typed contract of wire.ts plus whatever extras a real ERP adds. */
type Served<T> = T & WireObject;

function fullName(user: SimUser | undefined): string {
  return user ? `${user.personal.firstName} ${user.personal.lastName}` : '';
}

/** Severa references carry a display name next to the guid; a name is personal data too. */
interface NamedRef {
  guid: string;
  name: string;
}

function named(guid: string, name: string): NamedRef {
  return { guid, name };
}

function userRef(company: SimCompany, index: number | null): NamedRef | null {
  const user = index === null ? undefined : company.users[index];
  return user ? named(user.guid, fullName(user)) : null;
}

function ownerRef(company: SimCompany, index: number): NamedRef {
  const ref = userRef(company, index);
  if (!ref) throw new Error('owner index out of range');
  return ref;
}

export function wireUser(company: SimCompany, user: SimUser): Served<WireUser> {
  return {
    guid: user.guid,
    code: `E${String(user.index + 1).padStart(4, '0')}`,
    userName: user.personal.email,
    isActive: user.isActive,
    languageCode: user.languageCode,
    countryCode: 'FI',
    timezone: 'Europe/Helsinki',
    superiorUser: userRef(company, user.superiorIndex),
    businessUnit: named(company.businessUnitGuids[user.businessUnitIndex] ?? '', `Yksikkö ${user.businessUnitIndex + 1}`),
    ...user.personal,
  };
}

export function wireContract(contract: SimContract): Served<WireWorkContract> {
  return {
    guid: contract.guid,
    startDate: isoDate(contract.startDay),
    endDate: contract.endDay === null ? null : isoDate(contract.endDay),
    dailyHours: contract.dailyHours,
    workWeek: contract.workWeek,
    isFlextimeActive: contract.isFlextimeActive,
    flextimeLimitPerDay: 2,
  };
}

export function wireWorkHour(company: SimCompany, index: number): Served<WireWorkHour> {
  const row = company.hours.get(index);
  const user = company.users[row.userIndex];
  const project = company.projects[row.projectIndex];
  return {
    guid: guidFor(company.seed, 'workHour', index),
    eventDate: isoDate(row.day),
    quantity: row.centiHours / 100,
    isBillable: row.isBillable,
    isProductive: row.isProductive,
    user: ownerRef(company, row.userIndex),
    userName: fullName(user),
    project: project ? named(project.guid, project.name) : null,
    description: workDescription(index),
    lastUpdatedDateTime: isoFromEpochSeconds(row.updatedAt),
  };
}

export function wireDeletedWorkHour(company: SimCompany, index: number, deletedAt: number): Served<WireDeletedWorkHour> {
  return { guid: guidFor(company.seed, 'workHour', index), deletedDateTime: isoFromEpochSeconds(deletedAt) };
}

/** Absences are whole working days 08:00–16:00 local time, multi-day ranges running across weekends. */
export function absenceInstants(absence: SimAbsence): { start: string; end: string } {
  return { start: helsinkiDateTime(absence.startDay, 8 * 60), end: helsinkiDateTime(absence.endDay, 16 * 60) };
}

export function wireAbsence(company: SimCompany, absence: SimAbsence, instants: { start: string; end: string }): Served<WireAbsence> {
  const vacation = absence.kind === 'vacation';
  return {
    guid: absence.guid,
    name: vacation ? 'Vuosiloma' : 'Sairausloma',
    activityCategory: 'Absences',
    activityType: { guid: guidFor(company.seed, 'absence', vacation ? 0xfff0 : 0xfff1), name: vacation ? 'Vuosiloma' : 'Sairausloma' },
    owner: ownerRef(company, absence.userIndex),
    startDateTime: instants.start,
    endDateTime: instants.end,
    isAllDay: true,
    description: vacation ? 'Kesäloma' : 'Flunssa, lääkärintodistus toimitettu',
    lastUpdatedDateTime: isoFromEpochSeconds(absence.updatedAt),
  };
}

export function wireProject(company: SimCompany, project: SimProject): Served<WireProject> {
  return {
    guid: project.guid,
    name: project.name,
    number: project.number,
    isClosed: project.deadlineDay !== null && project.deadlineDay < company.endDay,
    isInternal: project.isInternal,
    startDate: isoDate(project.startDay),
    deadline: project.deadlineDay === null ? null : isoDate(project.deadlineDay),
    projectOwner: userRef(company, project.ownerIndex),
    customer: project.customerIndex === null ? null : named(company.customerGuids[project.customerIndex] ?? '', `Asiakas Oy ${project.customerIndex + 1}`),
    expectedHours: project.isInternal ? null : project.expectedHours,
    lastUpdatedDateTime: isoFromEpochSeconds(project.updatedAt),
  };
}

/** Breaks the wire contract in a way a validating client must notice (types, not just values). */
export function malformed(row: WireObject): WireObject {
  if ('quantity' in row) return { ...row, quantity: String(row.quantity) };
  if ('isActive' in row) return { ...row, isActive: 'yes' };
  if ('isClosed' in row) return { ...row, isClosed: 'no' };
  if ('isAllDay' in row) return { ...row, startDateTime: 'tomorrow morning' };
  return { ...row, guid: 42 };
}
