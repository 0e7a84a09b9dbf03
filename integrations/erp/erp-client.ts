/**
 * The one narrow interface the rest of the product uses to read an ERP. Results are domain types:
 * technical IDs, numbers and dates only. Personal data never appears here except in the send-time
 * `recipient` lookup, which callers use and forget.
 */

export interface ErpUser {
  id: string;
  active: boolean;
  language: string | null;
  country: string | null;
  timezone: string | null;
  managerId: string | null;
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
}

export interface ErpWorkHour {
  id: string;
  personId: string;
  projectId: string | null;
  /** Local date YYYY-MM-DD. */
  date: string;
  minutes: number;
  billable: boolean;
  updatedAt: string;
}

export interface ErpAbsence {
  id: string;
  personId: string;
  /** ISO date-times with the user's offset. */
  start: string;
  end: string;
  allDay: boolean;
  updatedAt: string;
}

export interface ErpProject {
  id: string;
  managerId: string | null;
  customerId: string | null;
  budgetMinutes: number | null;
  start: string | null;
  end: string | null;
  closed: boolean;
  updatedAt: string;
}

export interface ErpDeletedWorkHour {
  id: string;
  deletedAt: string;
}

export interface ErpRecipient {
  firstName: string | null;
  email: string | null;
  language: string | null;
}

export interface ErpClientStats {
  requests: number;
  retries: number;
  pages: number;
}

export interface ErpClient {
  /** Async iterators yield one validated page (array) at a time so callers can write in batches. */
  users(): AsyncIterable<ErpUser[]>;
  workContracts(userId: string): Promise<ErpWorkContract[]>;
  workHours(q: { from: string; to: string; changedSince?: string }): AsyncIterable<ErpWorkHour[]>;
  deletedWorkHours(q: { deletedSince: string }): AsyncIterable<ErpDeletedWorkHour[]>;
  absences(q: { from: string; to: string; changedSince?: string }): AsyncIterable<ErpAbsence[]>;
  projects(q?: { changedSince?: string }): AsyncIterable<ErpProject[]>;
  /** Send-time lookup: first name + email of ONE person; callers must not store it. Null when unknown. */
  recipient(userId: string): Promise<ErpRecipient | null>;
  /** Token request + one small read, for the connector page's "test connection". */
  verify(): Promise<void>;
  stats(): ErpClientStats;
}
