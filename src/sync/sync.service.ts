import { DateTime } from 'luxon';
import type { ErpClient, ErpRowCounts } from '../../integrations/erp/erp-client';
import type { Clock } from '../clock';
import type { Envelope } from '../crypto/envelope';
import type { Db } from '../db/db';
import { createWorkCalendar } from '../insights/calendar';
import { lastCompletedWeek } from '../insights/dates';
import type { Logger } from '../logging/logger';
import { openFence, type FenceSpec, type WriteFence } from '../scheduler/write-fence';
import { syncAbsences, type AbsenceRead } from './absence-sync';
import { saveHolidaySource } from './calendar.repo';
import { syncFlexBalances } from './flex-sync';
import { readHolidays } from './holiday-sync';
import { emptyCounters, type SyncCounters, type SyncRun } from './context';
import { syncPeople } from './people-sync';
import { syncProjects } from './project-sync';
import { createSyncStateRepo } from './sync-state.repo';
import { applyDeletedWorkHours, readWorkHours, sweepUnseen, type WorkHoursPass } from './work-hours-sync';
import type { WorkHoursWriters } from './work-hours-writer';

export interface SyncOptions {
  backfillMonths: number;
  rereadDays: number;
  personRetentionMonths: number;
}

export interface SyncTenant {
  id: string;
  timezone: string;
  country: string;
  halfDayEves: boolean;
}

export interface SyncResult extends SyncCounters {
  mode: 'full' | 'incremental';
  requests: number;
  retries: number;
  pages: number;
  rateLimited: number;
  /** Rows left out, by resource and reason (the client's parse failures and the sync's unknown users). */
  skipped: ErpRowCounts;
  /** Rows used with an assumed value, by resource and what was assumed. */
  assumed: ErpRowCounts;
  /** Whose holidays drove expected hours: the company's calendar in the ERP, or public holidays. */
  holidays: 'company' | 'public';
}

function mergeCounts(a: ErpRowCounts, b: ErpRowCounts): ErpRowCounts {
  const out: ErpRowCounts = {};
  for (const counts of [a, b]) {
    for (const [resource, byReason] of Object.entries(counts)) {
      const into = (out[resource] ??= {});
      for (const [reason, n] of Object.entries(byReason)) into[reason] = (into[reason] ?? 0) + n;
    }
  }
  return out;
}

/**
 * Deleted absences are not reported through changedSince; the recent days are re-read every night and
 * the whole window once a week, so an older deletion is reflected within a week.
 */
const ABSENCES_FULL_READ_MS = 7 * 24 * 3600_000;

/** Changed-since reads overlap the previous run a little, so clock skew with the ERP loses nothing. */
const WATERMARK_OVERLAP_MS = 10 * 60_000;

export interface SyncFence {
  /** Guards every write transaction (the job passes its lease and the purge lock). */
  fence: WriteFence;
  /** The same fence as data, for the work-hour writer when it runs on another thread. */
  spec: FenceSpec;
  /** A cancelled or shut-down job: reading stops at the next page. */
  signal?: AbortSignal;
}

export interface SyncService {
  syncTenant(tenant: SyncTenant, erp: ErpClient, options?: SyncFence): Promise<SyncResult>;
}

export function createSyncService(
  deps: { db: Db; envelope: Envelope; clock: Clock; logger: Logger; writers: WorkHoursWriters },
  options: SyncOptions,
): SyncService {
  const { db, envelope, clock } = deps;
  const state = createSyncStateRepo(db);

  return {
    async syncTenant(tenant, erp, { fence, spec, signal }: Partial<SyncFence> = {}) {
      const started = clock.now();
      const stamp = started.toISOString();
      const today = DateTime.fromJSDate(started, { zone: tenant.timezone }).toISODate() as string;
      const from = DateTime.fromISO(today, { zone: tenant.timezone }).minus({ months: options.backfillMonths }).toISODate() as string;
      const logger = deps.logger.child({ tenantId: tenant.id });
      const run: SyncRun = {
        db,
        erp,
        envelope,
        tenantId: tenant.id,
        calendar: createWorkCalendar({ country: tenant.country, timezone: tenant.timezone, halfDayEves: tenant.halfDayEves }),
        window: { from, to: today },
        stamp,
        contracts: new Map(),
        hourCosts: new Map(),
        known: new Set(),
        contractsRead: new Set(),
        countryIds: new Map(),
        counters: emptyCounters(),
        fence: fence ?? openFence,
        skipped: {},
        logger,
      };
      const restricted = new Set(
        (
          await db.kysely
            .selectFrom('people')
            .select('erp_person_id')
            .where('tenant_id', '=', tenant.id)
            .where('restricted', '=', 1)
            .execute()
        ).map((r) => r.erp_person_id),
      );

      const erased = new Set(
        (
          await db.kysely
            .selectFrom('purge_records')
            .select('subject_id')
            .where('tenant_id', '=', tenant.id)
            .where('reason', '=', 'erasure')
            .where('state', '=', 'completed')
            .execute()
        ).flatMap((r) => (r.subject_id ? [r.subject_id] : [])),
      );
      const watermark = await state.watermark(tenant.id, 'workhours');
      await syncPeople(run, { today, retentionMonths: options.personRetentionMonths, restricted, erased, changedSince: watermark });
      const years = Array.from({ length: Number(today.slice(0, 4)) - Number(from.slice(0, 4)) + 1 }, (_, i) => Number(from.slice(0, 4)) + i);
      const holidays = await readHolidays(run, tenant.country, years);
      if (holidays.source === 'public') logger.info('company holidays unavailable, public holidays used', { reason: holidays.reason });
      const calendarHolidays = holidays.source === 'company' ? holidays.holidays : [];
      run.calendar = createWorkCalendar({ country: tenant.country, timezone: tenant.timezone, halfDayEves: tenant.halfDayEves, companyHolidays: calendarHolidays });
      await db.kysely.transaction().execute(async (trx) => {
        await run.fence(trx, { tenantId: tenant.id });
        await saveHolidaySource({ kysely: trx, dialect: db.dialect }, tenant.id, holidays, stamp);
      });

      const rereadFrom = DateTime.fromISO(today, { zone: tenant.timezone }).minus({ days: options.rereadDays }).toISODate() as string;
      const recent = { from: rereadFrom < from ? from : rereadFrom, to: today };
      const writer = deps.writers(
        {
          tenantId: tenant.id,
          stamp,
          window: run.window,
          contracts: run.contracts,
          hourCosts: run.hourCosts,
          calendar: { country: tenant.country, timezone: tenant.timezone, halfDayEves: tenant.halfDayEves, companyHolidays: calendarHolidays },
        },
        { check: run.fence, spec: spec ?? {} },
      );
      const hours: WorkHoursPass = { run, writer, signal };
      try {
        // The complete read comes first, so that no other write of this run has stamped its weeks yet.
        const pass = watermark === null ? run.window : recent;
        await writer.beginPass(pass);
        await readWorkHours(hours, pass);
        await sweepUnseen(hours, pass);
        await writer.settlePass();
        if (watermark !== null) {
          await readWorkHours(hours, { ...run.window, changedSince: watermark });
          await applyDeletedWorkHours(hours, watermark);
        }
      } finally {
        await writer.close();
      }
      const absences = await state.read(tenant.id, 'absences');
      const absenceRead: AbsenceRead =
        watermark === null ||
        absences.watermark === null ||
        absences.lastFullSyncAt === null ||
        started.getTime() - Date.parse(absences.lastFullSyncAt) >= ABSENCES_FULL_READ_MS
          ? { full: true }
          : { full: false, changedSince: absences.watermark, recentFrom: recent.from };
      await syncAbsences(run, absenceRead);
      await syncFlexBalances(run, lastCompletedWeek(today, tenant.timezone).end);
      await syncProjects(run, await state.watermark(tenant.id, 'projects'));

      const next = new Date(started.getTime() - WATERMARK_OVERLAP_MS).toISOString();
      const now = clock.now().toISOString();
      await db.kysely.transaction().execute(async (trx) => {
        await run.fence(trx, { tenantId: tenant.id });
        const tx = { kysely: trx, dialect: db.dialect };
        await state.advance(tenant.id, 'workhours', next, watermark === null, now, tx);
        await state.advance(tenant.id, 'projects', next, watermark === null, now, tx);
        await state.advance(tenant.id, 'absences', next, absenceRead.full, now, tx);
      });

      const stats = erp.stats();
      const result: SyncResult = {
        mode: watermark === null ? 'full' : 'incremental',
        ...run.counters,
        ...stats,
        skipped: mergeCounts(stats.skipped, run.skipped),
        holidays: holidays.source,
      };
      logger.info('sync finished', { ...result });
      return result;
    },
  };
}
