import { IANAZone } from 'luxon';
import cron from 'node-cron';
import type { Clock } from '../clock';
import type { Db } from '../db/db';
import type { Logger } from '../logging/logger';
import { GLOBAL_TENANT, type JobDefinition, type JobRegistry, type ScheduleTenant } from './job-definition';
import { createJobRunRepo } from './job-run-repo';
import { nodeTimers, type WorkerTimers } from './worker';

/** Global jobs fire in UTC; tenant jobs in the tenant's own zone. */
export const GLOBAL_TIMEZONE = 'UTC';

export interface ScheduleTenantSource {
  /** Tenants whose jobs should be scheduled (active ones). */
  listActive(): Promise<ScheduleTenant[]>;
  /** Asked again when a task fires: a tenant suspended or ended since the last refresh gets no run. */
  isActive(tenantId: string): Promise<boolean>;
}

/** The slice of node-cron this module uses, so tests can fire schedules without waiting for time. */
export interface CronScheduler {
  schedule(expression: string, fn: () => Promise<void>, options: { timezone: string; name: string; noOverlap: boolean }): { destroy(): void | Promise<void> };
}

export interface RegisterSchedulesOptions<D> {
  registry: JobRegistry<D>;
  db: Db;
  clock: Clock;
  logger: Logger;
  tenants: ScheduleTenantSource;
  /** JOBS_ENABLED: when false nothing is scheduled (workers may still run "run now" requests). */
  enabled: boolean;
  scheduler?: CronScheduler;
  /** How often the tenant list is read again (a tenant made or changed on any replica); default a minute. */
  refreshEveryMs?: number;
  timers?: WorkerTimers;
}

const REFRESH_EVERY_MS = 60_000;

export interface Schedules {
  /** Re-reads the tenant list: new tenants get tasks, removed ones lose them, changed schedules move. */
  refresh(): Promise<void>;
  /** Task names currently scheduled ('<job>:<tenant>'), for /status and tests. */
  names(): string[];
  stop(): Promise<void>;
}

/** Reads tenants with status 'active' straight from the tenants table. */
export function createDbScheduleTenants(db: Db): ScheduleTenantSource {
  return {
    async listActive() {
      const rows = await db.kysely.selectFrom('tenants').select(['id', 'timezone', 'settings_json']).where('status', '=', 'active').execute();
      return rows.map((r) => ({ id: r.id, timezone: r.timezone, settings: parseSettings(r.settings_json) }));
    },
    async isActive(tenantId) {
      const row = await db.kysely.selectFrom('tenants').select('status').where('id', '=', tenantId).executeTakeFirst();
      return row?.status === 'active';
    },
  };
}

function parseSettings(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Cron only ENQUEUES the (job, tenant, slot) row; a worker claims and runs it. Every replica fires the
 * same cron and computes the same slot, so the unique key turns N firings into one run.
 */
export async function registerSchedules<D>(options: RegisterSchedulesOptions<D>): Promise<Schedules> {
  const { registry, db, clock, logger, tenants, enabled } = options;
  const scheduler: CronScheduler = options.scheduler ?? { schedule: (expr, fn, opts) => cron.schedule(expr, fn, opts) };
  const repo = createJobRunRepo(db);
  const tasks = new Map<string, { fingerprint: string; destroy(): void | Promise<void> }>();
  const fingerprint = (w: { pattern: string; timezone: string }): string => `${w.pattern}@${w.timezone}`;

  const fire = (job: JobDefinition<D>, tenantId: string, timezone: string) => async (): Promise<void> => {
    const now = clock.now();
    const slot = job.slotFor(now, timezone);
    try {
      if (tenantId !== GLOBAL_TENANT && !(await tenants.isActive(tenantId))) {
        logger.info('Job slot skipped: the tenant is not active', { job: job.name, tenantId, slot });
        return;
      }
      const created = await repo.enqueue(job.name, tenantId, slot, now, now);
      logger.debug('Job slot enqueued', { job: job.name, tenantId, slot, created });
    } catch (err) {
      logger.error('Job slot could not be enqueued', { job: job.name, tenantId, slot, errorClass: err instanceof Error ? err.constructor.name : 'unknown' });
    }
  };

  const wanted = async (): Promise<Map<string, { pattern: string; timezone: string; job: JobDefinition<D>; tenantId: string }>> => {
    const out = new Map<string, { pattern: string; timezone: string; job: JobDefinition<D>; tenantId: string }>();
    const jobs = registry.all();
    for (const job of jobs.filter((j) => j.scope === 'global')) {
      out.set(`${job.name}:${GLOBAL_TENANT}`, { pattern: job.schedule(), timezone: GLOBAL_TIMEZONE, job, tenantId: GLOBAL_TENANT });
    }
    const tenantJobs = jobs.filter((j) => j.scope === 'tenant');
    if (tenantJobs.length === 0) return out;
    for (const tenant of await tenants.listActive()) {
      // One tenant row with a zone cron cannot use must not stop every other tenant's schedules.
      if (!IANAZone.isValidZone(tenant.timezone)) {
        logger.error('Tenant not scheduled: its time zone is not a known IANA zone', { tenantId: tenant.id });
        continue;
      }
      for (const job of tenantJobs) {
        out.set(`${job.name}:${tenant.id}`, { pattern: job.schedule(tenant), timezone: tenant.timezone, job, tenantId: tenant.id });
      }
    }
    return out;
  };

  const apply = async (): Promise<void> => {
    const next = await wanted();
    const before = tasks.size;
    let changed = 0;
    for (const [name, task] of tasks) {
      const want = next.get(name);
      if (!want || fingerprint(want) !== task.fingerprint) {
        await task.destroy();
        tasks.delete(name);
        changed += 1;
      }
    }
    for (const [name, w] of next) {
      if (tasks.has(name)) continue;
      const task = scheduler.schedule(w.pattern, fire(w.job, w.tenantId, w.timezone), { timezone: w.timezone, name, noOverlap: true });
      tasks.set(name, { fingerprint: fingerprint(w), destroy: () => task.destroy() });
      changed += 1;
    }
    if (changed > 0 || before === 0) logger.info('Job schedules registered', { tasks: tasks.size, changed });
  };
  // One refresh at a time: a slow tenant read must not let two passes schedule the same task twice.
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  let cancelTimer: () => void = () => undefined;
  const schedules: Schedules = {
    refresh() {
      if (!enabled || stopped) return running;
      running = running.then(apply, apply);
      return running;
    },
    names: () => [...tasks.keys()].sort(),
    async stop() {
      stopped = true;
      cancelTimer();
      await running.catch(() => undefined);
      for (const task of tasks.values()) await task.destroy();
      tasks.clear();
    },
  };
  await schedules.refresh();
  if (enabled) {
    cancelTimer = (options.timers ?? nodeTimers).setInterval(() => {
      schedules.refresh().catch((err: unknown) => {
        logger.error('Job schedules could not be refreshed', { errorClass: err instanceof Error ? err.constructor.name : 'unknown' });
      });
    }, options.refreshEveryMs ?? REFRESH_EVERY_MS);
  }
  return schedules;
}
