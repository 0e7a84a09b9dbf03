import type { Db } from '../db/db';
import type { JobRun } from '../db/schema';
import { NotFoundError } from '../errors';
import { createRunLogStore, type StoredRunLogLine } from '../scheduler/run-log';
import { listWorkers, type WorkerView } from '../scheduler/worker-presence';
import type { RunFact } from './console-health';
import { parseCounters } from './read-models';

export const RUNS_PAGE_SIZE = 50;
/** How far back the overview looks for each job's last success and failure streak. */
const HEALTH_DAYS = 35;

export interface ConsoleRun {
  id: string;
  job: string;
  tenantId: string;
  tenantName: string | null;
  slot: string;
  state: string;
  attempts: number;
  createdAt: string;
  runAfter: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  /** From due to started: how long the run waited for a worker. */
  waitedMs: number | null;
  leaseOwner: string | null;
  leaseExpiresAt: string | null;
  errorClass: string | null;
  errorMessage: string | null;
  counters: Record<string, number>;
  /** resource.reason → rows, from the `skipped.*` counters. */
  skipped: Record<string, number>;
}

export interface RunFilter {
  tenantId?: string;
  job?: string;
  state?: string;
  /** Run ID the previous page ended with. */
  before?: string;
}

function toConsoleRun(r: JobRun, names: Map<string, string>): ConsoleRun {
  const counters = parseCounters(r.counters_json);
  const skipped = Object.fromEntries(Object.entries(counters).filter(([k]) => k.startsWith('skipped.')).map(([k, v]) => [k.slice('skipped.'.length), v]));
  return {
    id: r.id,
    job: r.job,
    tenantId: r.tenant_id,
    tenantName: names.get(r.tenant_id) ?? null,
    slot: r.slot,
    state: r.state,
    attempts: r.attempts,
    createdAt: r.created_at,
    runAfter: r.run_after,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
    waitedMs: r.started_at ? Math.max(0, new Date(r.started_at).getTime() - new Date(r.run_after).getTime()) : null,
    leaseOwner: r.lease_owner,
    leaseExpiresAt: r.lease_expires_at,
    errorClass: r.error_class,
    errorMessage: r.error_message,
    counters,
    skipped,
  };
}

export interface ConsoleReads {
  tenantNames(): Promise<Map<string, string>>;
  /** Newest first; `next` is the `before` of the following page, null on the last one. */
  runs(filter: RunFilter, pageSize?: number): Promise<{ runs: ConsoleRun[]; next: string | null }>;
  run(id: string): Promise<ConsoleRun & { logs: StoredRunLogLine[] }>;
  /** Tenant job runs created since `since`, newest first (health and charts). */
  recentRuns(since: Date): Promise<RunFact[]>;
  unknownDeliveriesByTenant(): Promise<Map<string, number>>;
  /** Workers of the last day, each with the runs it holds now. */
  workers(now: Date): Promise<Array<WorkerView & { holding: ConsoleRun[] }>>;
}

export function createConsoleReads(deps: { db: Db }): ConsoleReads {
  const { db } = deps;
  const k = db.kysely;
  const logs = createRunLogStore(db);
  const tenantNames = async () => new Map((await k.selectFrom('tenants').select(['id', 'display_name']).execute()).map((t) => [t.id, t.display_name]));

  return {
    tenantNames,
    async runs(filter, pageSize = RUNS_PAGE_SIZE) {
      let q = k.selectFrom('job_runs').selectAll();
      if (filter.tenantId) q = q.where('tenant_id', '=', filter.tenantId);
      if (filter.job) q = q.where('job', '=', filter.job);
      if (filter.state) q = q.where('state', '=', filter.state);
      if (filter.before) {
        const cursor = await k.selectFrom('job_runs').select(['id', 'created_at']).where('id', '=', filter.before).executeTakeFirst();
        if (cursor) {
          q = q.where((eb) => eb.or([eb('created_at', '<', cursor.created_at), eb.and([eb('created_at', '=', cursor.created_at), eb('id', '<', cursor.id)])]));
        }
      }
      const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(pageSize + 1).execute();
      const names = await tenantNames();
      const page = rows.slice(0, pageSize).map((r) => toConsoleRun(r, names));
      return { runs: page, next: rows.length > pageSize ? (page[page.length - 1]?.id ?? null) : null };
    },
    async run(id) {
      const row = await k.selectFrom('job_runs').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new NotFoundError('Run not found', { pageTexts: [{ key: 'error.runNotFound' }] });
      return { ...toConsoleRun(row, await tenantNames()), logs: await logs.list(id) };
    },
    async recentRuns(since) {
      const rows = await k
        .selectFrom('job_runs')
        .select(['job', 'tenant_id', 'state', 'created_at', 'finished_at', 'counters_json'])
        .where('created_at', '>=', since.toISOString())
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      return rows.map((r) => ({ job: r.job, tenantId: r.tenant_id, state: r.state, createdAt: r.created_at, finishedAt: r.finished_at, counters: parseCounters(r.counters_json) }));
    },
    async unknownDeliveriesByTenant() {
      const rows = await k.selectFrom('deliveries').select(['tenant_id', (eb) => eb.fn.countAll<number>().as('n')]).where('state', '=', 'unknown').groupBy('tenant_id').execute();
      return new Map(rows.map((r) => [r.tenant_id, Number(r.n)]));
    },
    async workers(now) {
      const workers = await listWorkers(db, now);
      const running = await k.selectFrom('job_runs').selectAll().where('state', '=', 'running').execute();
      const names = await tenantNames();
      // A claim's lease owner is the worker ID (first 40 characters) and a per-claim suffix.
      return workers.map((w) => ({ ...w, holding: running.filter((r) => r.lease_owner?.startsWith(`${w.id.slice(0, 40)}/`)).map((r) => toConsoleRun(r, names)) }));
    },
  };
}

export const healthWindowStart = (now: Date): Date => new Date(now.getTime() - HEALTH_DAYS * 86_400_000);
