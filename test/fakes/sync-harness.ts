import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateCompany, startSimulator, type FaultOptions, type Simulator } from '../../integrations/erp-simulator';
import { createSeveraClient } from '../../integrations/severa/severa-client';
import type { ErpClient } from '../../integrations/erp/erp-client';
import { fixedClock } from '../../src/clock';
import { createKyselyDataKeyRepo } from '../../src/crypto/data-key-repo';
import { createEnvelope, type Envelope } from '../../src/crypto/envelope';
import { createSecretStoreKeyProvider } from '../../src/crypto/key-provider';
import type { Db } from '../../src/db/db';
import { migrateToLatest } from '../../src/db/migrate';
import { openSqlite } from '../../src/db/open-sqlite';
import { threadWriters } from '../../src/sync/work-hours-thread';
import { inlineWriters } from '../../src/sync/work-hours-writer';
import { createSyncService, type SyncService, type SyncTenant } from '../../src/sync/sync.service';
import { createMemoryLogger, type LogRecord } from './memory-logger';
import { createMemorySecretStore } from './memory-secret-store';

const DB_KEY = 'sync-test-key-sync-test-key-000000';

export const SIM_END = '2026-11-25';
export const SYNC_NOW = new Date('2026-11-26T05:00:00.000Z');

export interface SyncHarness {
  sim: Simulator;
  db: Db;
  dbFile: string;
  envelope: Envelope;
  sync: SyncService;
  tenant: SyncTenant;
  logs: LogRecord[];
  clock: ReturnType<typeof fixedClock>;
  client(overrides?: { maxRetries?: number; requestTimeoutMs?: number }): ErpClient;
  close(): Promise<void>;
}

/** A real simulator on loopback, a real SQLCipher file and the real client and sync service. */
export async function createSyncHarness(
  opts: {
    employees?: number;
    months?: number;
    faults?: FaultOptions;
    seed?: number;
    nulls?: boolean;
    flextimeAddon?: boolean;
    /** Where work hours are written from: a writer thread, as production does for a file, or the test's own thread. */
    writer?: 'thread' | 'inline';
  } = {},
): Promise<SyncHarness> {
  const company = generateCompany({ seed: opts.seed ?? 7, employees: opts.employees ?? 12, months: opts.months ?? 4, endDate: SIM_END });
  const sim = await startSimulator({ company, clientId: 'client-1', clientSecret: 'sim-secret-value-1', faults: opts.faults, nulls: opts.nulls, flextimeAddon: opts.flextimeAddon });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erpi-sync-'));
  const dbFile = path.join(dir, 'test.db');
  const db = openSqlite({ file: dbFile, key: DB_KEY, keySetting: 'DB_KEY' });
  await migrateToLatest(db);
  const clock = fixedClock(SYNC_NOW);
  const logs: LogRecord[] = [];
  const logger = createMemoryLogger(logs);
  const envelope = createEnvelope({ keys: createSecretStoreKeyProvider({ secrets: createMemorySecretStore() }), repo: createKyselyDataKeyRepo(db.kysely), clock });
  const sync = createSyncService({ db, envelope, clock, logger, writers: opts.writer === 'inline' ? inlineWriters(db) : threadWriters({ file: dbFile, key: DB_KEY, keySetting: 'DB_KEY' }, logger) }, { backfillMonths: 3, rereadDays: 28, personRetentionMonths: 6 });
  return {
    sim,
    db,
    dbFile,
    envelope,
    sync,
    logs,
    clock,
    tenant: { id: 'tenant-a', timezone: 'Europe/Helsinki', country: 'FI', halfDayEves: false },
    client: (overrides = {}) =>
      createSeveraClient({
        baseUrl: sim.url,
        timezone: 'Europe/Helsinki',
        credentials: async () => ({ clientId: 'client-1', clientSecret: 'sim-secret-value-1' }),
        clock: { now: () => new Date() },
        logger,
        requestsPerSecond: 1000,
        requestTimeoutMs: 5000,
        sleep: async () => undefined,
        ...overrides,
      }),
    async close() {
      await db.close();
      await sim.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
