import type { Clock } from '../clock';
import type { Db } from '../db/db';
import type { JobRun } from '../db/schema';
import { ConflictError, NotFoundError, TenantInactiveError, ValidationError } from '../errors';
import { newId } from '../util/ids';
import { GLOBAL_TENANT, type JobRegistry } from './job-definition';
import { createJobRunRepo } from './job-run-repo';
import { manualSlot } from './slots';

export interface JobRunFilter {
  job?: string;
  tenantId?: string;
  state?: string;
  limit: number;
}

/** Operator and CLI actions on runs. Callers audit them; this layer only changes rows. */
export interface JobControl {
  /** "Run now": a run in its own manual slot, runnable immediately; refused for a tenant that is not active. */
  enqueueNow(job: string, tenantId: string | null): Promise<JobRun>;
  /** A dead (or cancelled) run back to queued with attempts 0. */
  retry(runId: string): Promise<JobRun>;
  /** Queued/retrying runs only; a running run finishes or is stopped by its worker. */
  cancel(runId: string): Promise<JobRun>;
  get(runId: string): Promise<JobRun | undefined>;
  /** Newest first. */
  list(filter: JobRunFilter): Promise<JobRun[]>;
}

export function createJobControl<D>({ db, clock, registry }: { db: Db; clock: Clock; registry: JobRegistry<D> }): JobControl {
  const repo = createJobRunRepo(db);
  const k = db.kysely;
  const mustGet = async (runId: string): Promise<JobRun> => {
    const run = await k.selectFrom('job_runs').selectAll().where('id', '=', runId).executeTakeFirst();
    if (!run) throw new NotFoundError('Job run not found', { pageTexts: [{ key: 'error.runNotFound' }] });
    return run;
  };
  const transition = async (runId: string, from: string[], to: 'queued' | 'cancelled'): Promise<JobRun> => {
    const now = clock.now().toISOString();
    const result = await k
      .updateTable('job_runs')
      .set(
        to === 'queued'
          ? { state: 'queued', attempts: 0, run_after: now, finished_at: null, error_class: null, error_message: null, updated_at: now }
          : { state: 'cancelled', finished_at: now, updated_at: now },
      )
      .where('id', '=', runId)
      .where('state', 'in', from)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) {
      const run = await mustGet(runId);
      throw new ConflictError(`Job run is ${run.state}; cannot change it to ${to}`, { pageTexts: [{ key: 'error.runChange', params: { state: run.state, to } }] });
    }
    return mustGet(runId);
  };

  return {
    async enqueueNow(job, tenantId) {
      const definition = registry.get(job);
      if (!definition) throw new ValidationError(`Unknown job: ${job}`, [], { pageTexts: [{ key: 'error.unknownJob', params: { job } }] });
      if ((definition.scope === 'tenant') !== (tenantId !== null)) {
        throw new ValidationError(definition.scope === 'tenant' ? `Job ${job} needs a tenant` : `Job ${job} is global and takes no tenant`, [], {
          pageTexts: [{ key: definition.scope === 'tenant' ? 'error.jobNeedsTenant' : 'error.jobIsGlobal', params: { job } }],
        });
      }
      if (tenantId !== null) {
        const tenant = await k.selectFrom('tenants').select('status').where('id', '=', tenantId).executeTakeFirst();
        if (!tenant) throw new NotFoundError('Tenant not found', { pageTexts: [{ key: 'error.tenantNotFound' }] });
        if (tenant.status !== 'active') throw new TenantInactiveError(tenant.status);
      }
      const slot = manualSlot(newId());
      const now = clock.now();
      await repo.enqueue(job, tenantId ?? GLOBAL_TENANT, slot, now, now);
      const run = await k
        .selectFrom('job_runs')
        .selectAll()
        .where('job', '=', job)
        .where('tenant_id', '=', tenantId ?? GLOBAL_TENANT)
        .where('slot', '=', slot)
        .executeTakeFirstOrThrow();
      return run;
    },
    retry: (runId) => transition(runId, ['dead', 'cancelled'], 'queued'),
    cancel: (runId) => transition(runId, ['queued', 'retrying'], 'cancelled'),
    get: (runId) => k.selectFrom('job_runs').selectAll().where('id', '=', runId).executeTakeFirst(),
    async list(filter) {
      let q = k.selectFrom('job_runs').selectAll();
      if (filter.job) q = q.where('job', '=', filter.job);
      if (filter.tenantId) q = q.where('tenant_id', '=', filter.tenantId);
      if (filter.state) q = q.where('state', '=', filter.state);
      return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
    },
  };
}
