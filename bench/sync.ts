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
import { threadWriters } from '../src/sync/work-hours-thread';
import { inlineWriters } from '../src/sync/work-hours-writer';
import type { NightChanges } from '../integrations/erp-simulator/night';
import { numberArg, rssPeakSampler } from './args';
import { writeFloor } from './write-floor';
import { countingErp } from './counting-erp';
import { startSimulatorProcess, type SimulatorProcess } from './simulator-process';

const ZONE = 'Europe/Helsinki';
const DB_KEY = 'bench-key-bench-key-bench-key-0000';

/** The same pages the sync reads, fetched and dropped: the floor the sync's wall time is compared with. */
async function rawFetch(erp: ErpClient, window: { from: string; to: string }): Promise<number> {
  let entries = 0;
  for await (const page of erp.users()) for (const u of page) await erp.workContracts(u.id);
  for await (const page of erp.workHours(window)) entries += page.length;
  for await (const page of erp.absences(window)) void page;
  for await (const page of erp.projects({})) void page;
  return entries;
}

/** Severa's largest page (rowCount). */
const ROWS_PER_PAGE = 100;
const REREAD_DAYS = 28;

/**
 * The fewest requests an incremental night can make: one token, the pages of what changed (users,
 * work hours, deletions), one contract history per changed user, the re-read window's pages, and
 * the fixed calls: one page each of absences, projects and phases changed, the holiday calendar per
 * year of the window, one flextime probe.
 */
function incrementalMinimum(night: NightChanges, rereadRows: number, holidayYears: number): Record<string, number> {
  const pages = (rows: number) => Math.max(1, Math.ceil(rows / ROWS_PER_PAGE));
  return {
    token: 1,
    users: pages(night.changedUsers),
    workContracts: night.changedUsers,
    workHoursChanged: pages(night.addedHours + night.editedHours),
    deletedWorkHours: pages(night.deletedHours),
    workHoursReread: pages(rereadRows),
    absences: 1,
    projects: 1,
    phases: 1,
    holidays: holidayYears,
    flextime: 1,
  };
}

const sum = (parts: Record<string, number>) => Object.values(parts).reduce((a, b) => a + b, 0);

/** After the backfill: a night of upstream edits, then the nightly sync, counted against the minimum. */
async function incrementalNight(
  sim: SimulatorProcess,
  sync: ReturnType<typeof createSyncService>,
  client: () => ErpClient,
  meta: { employees: number; months: number; rps: number; today: string },
): Promise<void> {
  const night = await sim.control<NightChanges>({ type: 'night' });
  const rereadFrom = DateTime.fromISO(meta.today, { zone: ZONE }).minus({ days: REREAD_DAYS }).toISODate() as string;
  const { hours: rereadRows } = await sim.control<{ hours: number }>({ type: 'count-hours', from: rereadFrom, to: meta.today });
  const backfillFrom = DateTime.fromISO(meta.today, { zone: ZONE }).minus({ months: meta.months });
  const minimum = incrementalMinimum(night, rereadRows, DateTime.fromISO(meta.today).year - backfillFrom.year + 1);
  const counted = countingErp(client());
  const rss = rssPeakSampler();
  const wallStart = performance.now();
  const result = await sync.syncTenant({ id: 'bench-tenant', timezone: ZONE, country: 'FI', halfDayEves: false }, counted.erp);
  const wallMs = performance.now() - wallStart;
  console.log(
    JSON.stringify({
      bench: 'sync',
      mode: result.mode,
      employees: meta.employees,
      months: meta.months,
      erp_requests_per_second: meta.rps,
      night,
      reread_rows: rereadRows,
      requests: result.requests,
      minimum_requests: sum(minimum),
      ratio_to_minimum: Math.round((result.requests / sum(minimum)) * 100) / 100,
      by_call: counted.counts,
      minimum_by_call: minimum,
      entries: result.entries,
      wall_ms: Math.round(wallMs),
      rss_peak_mb: rss.stop(),
    }),
  );
}

/** npm run bench -- sync --employees 1000 --months 12 [--rps N] [--incremental] [--inline-writer] */
export async function run(args: string[]): Promise<void> {
  const employees = numberArg(args, 'employees', 1000);
  const months = numberArg(args, 'months', 12);
  // Unlimited by default to expose our own cost; --rps 5 paces both passes like a real ERP would.
  const rps = numberArg(args, 'rps', 10_000);
  const incremental = args.includes('--incremental');
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
    const db = openSqlite({ file: path.join(dir, 'bench.db'), key: DB_KEY, keySetting: 'DB_KEY' });
    await migrateToLatest(db);
    const secrets = createLocalFileSecretStore({ file: path.join(dir, 'secrets.enc'), masterKey: Buffer.alloc(32, 7) });
    const envelope = createEnvelope({ keys: createSecretStoreKeyProvider({ secrets }), repo: createKyselyDataKeyRepo(db.kysely), clock: systemClock });
    const onThread = args.includes('--inline-writer') ? undefined : db.fileOptions;
    const writers = onThread ? threadWriters(onThread, logger) : inlineWriters(db);
    const sync = createSyncService({ db, envelope, clock: systemClock, logger, writers }, { backfillMonths: months, rereadDays: 28, personRetentionMonths: 6 });
    const rss = rssPeakSampler();
    const wallStart = performance.now();
    const erp = client();
    const result = await sync.syncTenant({ id: 'bench-tenant', timezone: ZONE, country: 'FI', halfDayEves: false }, erp);
    const wallMs = performance.now() - wallStart;
    const rssPeak = rss.stop();
    // After the sync, so that the sync's memory peak is its own and not the raw fetch's garbage.
    const fetchStart = performance.now();
    const raw = client();
    await rawFetch(raw, window);
    const fetchMs = performance.now() - fetchStart;
    const rowsWritten = result.entries + result.factsWritten;
    console.log(
      JSON.stringify({
        bench: 'sync',
        mode: result.mode,
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
        wall_to_fetch: Math.round((wallMs / fetchMs) * 100) / 100,
        writer: onThread ? 'thread' : 'inline',
        rows_written: rowsWritten,
        rows_per_second: Math.round(rowsWritten / (wallMs / 1000)),
        rss_peak_mb: rssPeak,
      }),
    );
    if (incremental) await incrementalNight(sim, sync, client, { employees, months, rps, today });
    // Last: it loads every stored row, which would inflate the memory figures above.
    const floor = await writeFloor(db, dir, DB_KEY);
    console.log(
      JSON.stringify({
        bench: 'sync-write-floor',
        rows: floor.rows,
        write_floor_ms: Math.round(floor.ms),
        write_floor_rows_per_second: Math.round(floor.rows / (floor.ms / 1000)),
        sync_rows_per_second: Math.round(rowsWritten / (wallMs / 1000)),
        sync_to_floor: Math.round((rowsWritten / (wallMs / 1000) / (floor.rows / (floor.ms / 1000))) * 100) / 100,
      }),
    );
    await db.close();
  } finally {
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
