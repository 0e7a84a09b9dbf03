/** The in-memory model of a simulated company (epoch days for dates, epoch seconds for instants). */
import type { WorkHourStore } from './work-hour-store';

export type Language = 'fi' | 'sv' | 'en';

/** Fake personal data a real ERP would serve; the product must drop all of it except at send time. */
export interface PersonalData {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  address: string;
  postalCode: string;
  city: string;
  birthDate: string;
  socialSecurityNumber: string;
  bankAccountNumber: string;
  notes: string;
}

export interface SimContract {
  guid: string;
  startDay: number;
  /** Inclusive; null = open-ended. */
  endDay: number | null;
  dailyHours: number;
  /** ISO weekdays, 1 = Monday. */
  workWeek: number[];
  isFlextimeActive: boolean;
  /** Epoch seconds of the contract's last edit: its start, or the day its end was entered. */
  updatedAt: number;
}

export interface SimUser {
  index: number;
  guid: string;
  /** Employee number, e.g. E0007. */
  code: string;
  title: string;
  isActive: boolean;
  languageCode: Language;
  superiorIndex: number | null;
  businessUnitIndex: number;
  personal: PersonalData;
  contracts: SimContract[];
  /** Epoch seconds of the last edit of the user record. */
  updatedAt: number;
  /** Flextime balance carried in from before the simulated period (hours), only the flextime add-on knows it. */
  flexOpeningHours: number;
}

export type AbsenceKind = 'vacation' | 'sick';

export interface SimAbsence {
  guid: string;
  userIndex: number;
  kind: AbsenceKind;
  /** Inclusive epoch days; multi-day ranges may include weekends. */
  startDay: number;
  endDay: number;
  updatedAt: number;
}

export interface SimProject {
  index: number;
  guid: string;
  name: string;
  number: number;
  customerIndex: number | null;
  isInternal: boolean;
  startDay: number;
  deadlineDay: number | null;
  ownerIndex: number;
  /** Budgeted hours; served on the project's phases, never on the project (0 for internal work). */
  expectedHours: number;
  updatedAt: number;
}

export interface SimCustomer {
  guid: string;
  /** A company name, or for a sole trader the owner's name (personal data). */
  name: string;
  number: number;
}

export interface SimPhase {
  index: number;
  guid: string;
  name: string;
  projectIndex: number;
  /** Index of the parent phase; null for the project's root phase. */
  parentIndex: number | null;
  /** Current estimate; the root's is the project budget and its children's add up to it. */
  workHoursEstimate: number | null;
  originalWorkHoursEstimate: number | null;
  deadlineDay: number | null;
  isCompleted: boolean;
  updatedAt: number;
}

export interface UserDay {
  userGuid: string;
  date: string;
}

export interface GroundTruth {
  seed: number;
  startDate: string;
  endDate: string;
  /** Workdays under contract, not a day off (public holiday or eve, see finnishDaysOff) nor absence, with no hours recorded. */
  missingDays: UserDay[];
  /** Days whose recorded total is an outlier (≥ 14 h, or 0.5 h when ≥ 4.5 h was expected). */
  outlierDays: Array<UserDay & { hours: number; expectedHours: number }>;
  publicHolidays: string[];
  partTimeUserGuids: string[];
  /** Users with a contract starting or ending strictly inside the period. */
  midPeriodContractUserGuids: string[];
  twoContractUserGuids: string[];
  counts: SimCounts;
}

export interface SimCounts {
  users: number;
  contracts: number;
  entries: number;
  absences: number;
  projects: number;
}

export interface SimCompany {
  seed: number;
  startDay: number;
  endDay: number;
  companyDomain: string;
  users: SimUser[];
  projects: SimProject[];
  absences: SimAbsence[];
  hours: WorkHourStore;
  customers: SimCustomer[];
  /** Root phases first in project order, then every project's child phases. */
  phases: SimPhase[];
  businessUnitGuids: string[];
  /** Days nobody works: public holidays and the eves (finnishDaysOff). */
  holidays: ReadonlySet<number>;
  userIndexByGuid(guid: string): number | undefined;
  /** Computed at generation; later mutations through the simulator do not change it. */
  groundTruth(): GroundTruth;
  counts(): SimCounts;
}
