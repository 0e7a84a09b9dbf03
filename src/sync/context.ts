import type { ErpClient } from '../../integrations/erp/erp-client';
import type { Envelope } from '../crypto/envelope';
import type { Db } from '../db/db';
import type { WorkCalendar } from '../insights/calendar';
import type { Contract } from '../insights/input';
import type { WriteFence } from '../scheduler/write-fence';

/** What one tenant's sync run shares between its passes. */
export interface SyncRun {
  db: Db;
  erp: ErpClient;
  envelope: Envelope;
  tenantId: string;
  calendar: WorkCalendar;
  /** Local dates of the data window, inclusive. */
  window: { from: string; to: string };
  /** Our write time for this run; rows not re-stamped by a full re-read are gone upstream. */
  stamp: string;
  /** Contracts of the people whose data we keep (not restricted, not past retention). */
  contracts: Map<string, Contract[]>;
  counters: SyncCounters;
  /** Called first inside every write transaction; throws to stop the sync (lease lost, purge running). */
  fence: WriteFence;
}

export interface SyncCounters {
  people: number;
  contracts: number;
  entries: number;
  deletedEntries: number;
  absenceDays: number;
  projects: number;
  factsWritten: number;
}

export const emptyCounters = (): SyncCounters => ({
  people: 0,
  contracts: 0,
  entries: 0,
  deletedEntries: 0,
  absenceDays: 0,
  projects: 0,
  factsWritten: 0,
});
