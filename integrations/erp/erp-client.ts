/**
 * The one narrow interface the rest of the product uses to read an ERP. Results are domain types:
 * technical IDs, numbers and dates only. Personal data never appears here except in the send-time
 * `recipient` lookup, which callers use and forget.
 */

export interface ErpUser {
  id: string;
  active: boolean;
  /** ISO 639-1 where one exists ("fi"), else the ISO 639 code Severa's code maps to. */
  language: string | null;
  /** ISO 3166-1 alpha-2. */
  country: string | null;
  /** The ERP's own id of that country (holidays are listed per country id). */
  countryId: string | null;
  /** IANA zone. */
  timezone: string | null;
  managerId: string | null;
  /** The contract in force now, as the user list carries it; null when the list does not say. */
  currentContract: ErpWorkContract | null;
  updatedAt: string | null;
}

export interface ErpWorkContract {
  id: string;
  /** Local date YYYY-MM-DD. */
  start: string;
  /** Local date YYYY-MM-DD, null while the contract is open. */
  end: string | null;
  dailyMinutes: number;
  /** ISO weekdays, 1 = Monday … 7 = Sunday, ascending. */
  workdays: number[];
  /**
   * The contract's cost of one hour, when the ERP sent one this run. Held in memory by the sync to cost
   * hours that carry no unit cost; never stored.
   */
  hourCost?: ErpMoney | null;
}

/** An amount in a currency (ISO 4217 code, upper case). */
export interface ErpMoney {
  amount: number;
  currency: string;
}

export interface ErpWorkHour {
  id: string;
  personId: string;
  projectId: string | null;
  /** Local date YYYY-MM-DD. */
  date: string;
  minutes: number;
  billable: boolean;
  /**
   * Price and cost of one hour of this entry, when the ERP has them. The sync adds them up per project
   * and week at once; a money figure of one entry (one person's) is never stored.
   */
  unitPrice?: ErpMoney | null;
  unitCost?: ErpMoney | null;
  updatedAt: string | null;
}

export interface ErpAbsence {
  id: string;
  personId: string;
  /** ISO date-times with offset (the tenant's where the ERP sent none); an open end is the start. */
  start: string;
  end: string;
  allDay: boolean;
  updatedAt: string | null;
}

export interface ErpProject {
  id: string;
  managerId: string | null;
  customerId: string | null;
  start: string | null;
  end: string | null;
  closed: boolean;
  updatedAt: string | null;
}

/** A project phase; budgets live here, see projectBudgets(). */
export interface ErpPhase {
  id: string;
  projectId: string;
  parentId: string | null;
  estimateMinutes: number | null;
}

/** A day off in the company's own holiday calendar in the ERP. */
export interface ErpHoliday {
  /** Local date YYYY-MM-DD. */
  date: string;
  countryId: string | null;
}

/** A person's flex balance as the ERP's flextime add-on keeps it; 'no-addon' when the tenant lacks it. */
export type ErpFlextime = { kind: 'balance'; minutes: number } | { kind: 'no-addon' } | { kind: 'unknown' };

export interface ErpDeletedWorkHour {
  id: string;
  deletedAt: string | null;
}

export interface ErpRecipient {
  firstName: string | null;
  email: string | null;
  language: string | null;
}

/** resource → reason → rows. */
export type ErpRowCounts = Record<string, Record<string, number>>;

/** A person as the picker shows them: the ERP technical ID and the name, never kept. */
export interface ErpPersonName {
  id: string;
  name: string;
}

export interface ErpClientStats {
  requests: number;
  retries: number;
  pages: number;
  /** Answers of 429 Too Many Requests (each one waited for and retried, or given up on). */
  rateLimited: number;
  /** Rows the client could not use and left out (reasons: missing-field, invalid-field, impossible-date). */
  skipped: ErpRowCounts;
  /** Rows used with an assumed value (a contract without a work week is taken as Monday–Friday). */
  assumed: ErpRowCounts;
}

export interface ErpClient {
  /** Async iterators yield one validated page (array) at a time so callers can write in batches. */
  users(q?: { changedSince?: string }): AsyncIterable<ErpUser[]>;
  workContracts(userId: string): Promise<ErpWorkContract[]>;
  workHours(q: { from: string; to: string; changedSince?: string }): AsyncIterable<ErpWorkHour[]>;
  deletedWorkHours(q: { deletedSince: string }): AsyncIterable<ErpDeletedWorkHour[]>;
  /** Absences overlapping the local dates [from, to] (whole days in the tenant's zone). */
  absences(q: { from: string; to: string; changedSince?: string; personIds?: string[] }): AsyncIterable<ErpAbsence[]>;
  projects(q?: { changedSince?: string }): AsyncIterable<ErpProject[]>;
  phases(q?: { changedSince?: string; projectIds?: string[] }): AsyncIterable<ErpPhase[]>;
  /** The company's active holidays of a year; null when the API client may not read them. */
  holidays(q: { year: number }): Promise<ErpHoliday[] | null>;
  /** The person's flex balance at the end of a local date. */
  flextime(userId: string, date: string): Promise<ErpFlextime>;
  /** Send-time lookup: first name + email of ONE person; callers must not store it. Null when unknown. */
  recipient(userId: string): Promise<ErpRecipient | null>;
  /**
   * The admin's person picker: people whose name contains `text` (case and accents ignored), at most
   * `limit`. The names are for showing once and forgetting; callers never store or log them. An ERP
   * adapter without a way to search leaves this out.
   */
  findPeople?(text: string, limit: number): Promise<ErpPersonName[]>;
  /** Token request + one small read, for the connector page's "test connection". */
  verify(): Promise<void>;
  stats(): ErpClientStats;
}
