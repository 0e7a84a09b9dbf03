import type { ErpClient, ErpMoney, ErpRowCounts } from '../../integrations/erp/erp-client';
import type { Envelope } from '../crypto/envelope';
import type { Db } from '../db/db';
import type { WorkCalendar } from '../insights/calendar';
import type { Contract } from '../insights/input';
import type { WriteFence } from '../scheduler/write-fence';
import type { Logger } from '../logging/logger';

/** What the work-hour writes need of a run; a writer thread holds its own copy of it. */
export interface WriteRun {
  db: Db;
  tenantId: string;
  calendar: WorkCalendar;
  /** Local dates of the data window, inclusive. */
  window: { from: string; to: string };
  /** Our write time for this run; rows not re-stamped by a full re-read are gone upstream. */
  stamp: string;
  /** Contracts of the people whose data we keep (not restricted, not past retention). */
  contracts: Map<string, Contract[]>;
  /** Current contract hour cost per kept person, in memory only: costs hours that carry no unit cost. */
  hourCosts: Map<string, ErpMoney | null>;
  /** Called first inside every write transaction; throws to stop the sync (lease lost, purge running). */
  fence: WriteFence;
}

/** What one tenant's sync run shares between its passes. */
export interface SyncRun extends WriteRun {
  erp: ErpClient;
  envelope: Envelope;
  /** Every user the ERP listed this run, kept or not: a row naming anyone else is skipped. */
  known: Set<string>;
  /** People whose contract history was read this run (new or changed): their derived days are redone. */
  contractsRead: Set<string>;
  /** The ERP's country ids seen on people, with their ISO alpha-2 codes. */
  countryIds: Map<string, string>;
  counters: SyncCounters;
  /** Rows the sync itself skipped (unknown user), by resource and reason; the client counts its own. */
  skipped: ErpRowCounts;
  logger: Logger;
}

/** Skips a row whose person the ERP did not list: one log line with technical ids, one count. */
export function skipUnknownUser(run: SyncRun, resource: string, erpId: string, field: string): void {
  const byReason = (run.skipped[resource] ??= {});
  byReason['unknown-user'] = (byReason['unknown-user'] ?? 0) + 1;
  run.logger.warn('erp row skipped', { resource, reason: 'unknown-user', field, erpId });
}

export interface SyncCounters {
  people: number;
  contracts: number;
  entries: number;
  deletedEntries: number;
  absenceDays: number;
  projects: number;
  factsWritten: number;
  /** Flex balances read from the ERP's flextime add-on this run. */
  flexBalances: number;
}

export const emptyCounters = (): SyncCounters => ({
  people: 0,
  contracts: 0,
  entries: 0,
  deletedEntries: 0,
  absenceDays: 0,
  projects: 0,
  factsWritten: 0,
  flexBalances: 0,
});
