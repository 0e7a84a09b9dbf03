/** A real SQLCipher file and the real sync service reading a fake Severa through the real client. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSeveraClient } from '../../integrations/severa/severa-client';
import { fixedClock } from '../../src/clock';
import { createKyselyDataKeyRepo } from '../../src/crypto/data-key-repo';
import { createEnvelope } from '../../src/crypto/envelope';
import { createSecretStoreKeyProvider } from '../../src/crypto/key-provider';
import type { Db } from '../../src/db/db';
import { migrateToLatest } from '../../src/db/migrate';
import { openSqlite } from '../../src/db/open-sqlite';
import { inlineWriters } from '../../src/sync/work-hours-writer';
import { createSyncService, type SyncResult } from '../../src/sync/sync.service';
import { createMemoryLogger, type LogRecord } from './memory-logger';
import { createMemorySecretStore } from './memory-secret-store';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, type FakeSevera } from './severa-fake-server';

export interface SeveraSyncDb {
  db: Db;
  logs: LogRecord[];
  /** One sync of tenant-a (Europe/Helsinki, FI) at `now`, with a fresh client. */
  syncAt(now: Date): Promise<SyncResult>;
  close(): Promise<void>;
}

export async function openSeveraSyncDb(fake: FakeSevera): Promise<SeveraSyncDb> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erpi-severa-sync-'));
  const db = openSqlite({ file: path.join(dir, 'test.db'), key: 'sync-test-key-sync-test-key-000000', keySetting: 'DB_KEY' });
  await migrateToLatest(db);
  const logs: LogRecord[] = [];
  const logger = createMemoryLogger(logs);
  const secrets = createMemorySecretStore();
  return {
    db,
    logs,
    async syncAt(now) {
      const clock = fixedClock(now);
      const envelope = createEnvelope({ keys: createSecretStoreKeyProvider({ secrets }), repo: createKyselyDataKeyRepo(db.kysely), clock });
      const sync = createSyncService({ db, envelope, clock, logger, writers: inlineWriters(db) }, { backfillMonths: 3, rereadDays: 28, personRetentionMonths: 6 });
      const erp = createSeveraClient({
        baseUrl: fake.baseUrl,
        timezone: 'Europe/Helsinki',
        credentials: async () => ({ clientId: FAKE_CLIENT_ID, clientSecret: FAKE_CLIENT_SECRET }),
        clock,
        logger,
        requestsPerSecond: 1000,
        sleep: async () => undefined,
      });
      return sync.syncTenant({ id: 'tenant-a', timezone: 'Europe/Helsinki', country: 'FI', halfDayEves: false }, erp);
    },
    async close() {
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
