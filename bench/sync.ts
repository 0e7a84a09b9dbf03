import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import type { ErpClient } from '../integrations/erp/erp-client';
import { createSeveraClient } from '../integrations/severa/severa-client';
import { systemClock } from '../src/clock';
import { createKyselyDataKeyRepo } from '../src/crypto/data-key-repo';
import { createEnvelope } from '../src/crypto/envelope';
import { createSecretStoreKeyProvider } from '../src/crypto/key-provider';
import { migrateToLatest } from '../src/db/migrate';
import { openSqlite } from '../src/db/open-sqlite';
import { createLogger } from '../src/logging/create-logger';
import { createLocalFileSecretStore } from '../src/secrets/local-file-store';
import { createSyncService } from '../src/sync/sync.service';
import { numberArg, rssPeakSampler } from './args';
import { startSimulatorProcess } from './simulator-process';

const ZONE = 'Europe/Helsinki';

/** The same pages the sync reads, fetched and dropped: the floor the sync's wall time is compared with. */
async function rawFetch(erp: ErpClient, window: { from: string; to: string }): Promise<number> {
  let entries = 0;
  for await (const page of erp.users()) for (const u of page) await erp.workContracts(u.id);
  for await (const page of erp.workHours(window)) entries += page.length;
  for await (const page of erp.absences(window)) void page;
  for await (const page of erp.projects({})) void page;
  return entries;
}

/** npm run bench -- sync --employees 1000 --months 12 [--rps N] */
export async function run(args: string[]): Promise<void> {
  const employees = numberArg(args, 'employees', 1000);
  const months = numberArg(args, 'months', 12);
  // Unlimited by default to expose our own cost; --rps 5 paces both passes like a real ERP would.
  const rps = numberArg(args, 'rps', 10_000);
  const endDate = DateTime.now().setZone(ZONE).minus({ days: 1 }).toISODate() as string;
  const sim = await startSimulatorProcess(['--employees', String(employees), '--months', String(months + 1), '--end-date', endDate]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erpi-bench-sync-'));
  const logger = createLogger({ level: 'warn', format: 'json' });
  const client = () =>
    createSeveraClient({
      baseUrl: sim.url,
      timezone: ZONE,
      credentials: async () => ({ clientId: sim.clientId, clientSecret: sim.clientSecret }),
      clock: systemClock,
      logger,
      requestsPerSecond: rps,
    });
  try {
    const today = DateTime.now().setZone(ZONE).toISODate() as string;
    const window = { from: DateTime.fromISO(today, { zone: ZONE }).minus({ months }).toISODate() as string, to: today };
    const fetchStart = performance.now();
    const raw = client();
    await rawFetch(raw, window);
    const fetchMs = performance.now() - fetchStart;

    const db = openSqlite({ file: path.join(dir, 'bench.db'), key: 'bench-key-bench-key-bench-key-0000', keySetting: 'DB_KEY' });
    await migrateToLatest(db);
    const secrets = createLocalFileSecretStore({ file: path.join(dir, 'secrets.enc'), masterKey: Buffer.alloc(32, 7) });
    const envelope = createEnvelope({ keys: createSecretStoreKeyProvider({ secrets }), repo: createKyselyDataKeyRepo(db.kysely), clock: systemClock });
    const sync = createSyncService({ db, envelope, clock: systemClock, logger }, { backfillMonths: months, rereadDays: 28, personRetentionMonths: 6 });
    const rss = rssPeakSampler();
    const wallStart = performance.now();
    const erp = client();
    const result = await sync.syncTenant({ id: 'bench-tenant', timezone: ZONE, country: 'FI', halfDayEves: false }, erp);
    const wallMs = performance.now() - wallStart;
    const rssPeak = rss.stop();
    await db.close();
    console.log(
      JSON.stringify({
        bench: 'sync',
        employees,
        months,
        erp_requests_per_second: rps,
        requests: result.requests,
        raw_requests: raw.stats().requests,
        pages: result.pages,
        entries: result.entries,
        retries: result.retries,
        wall_ms: Math.round(wallMs),
        fetch_ms: Math.round(fetchMs),
        rss_peak_mb: rssPeak,
      }),
    );
  } finally {
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
