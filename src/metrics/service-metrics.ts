import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../db/db';
import { GLOBAL_TENANT } from '../scheduler/job-definition';
import { erpResource } from './erp-resource';
import { METRIC_PREFIX } from './prefix';

export interface ErpRequestObservation {
  path: string;
  /** 0 when no answer came (timeout, reset, refused connection). */
  status: number;
  retry: boolean;
  durationMs: number;
}

export interface JobRunObservation {
  job: string;
  outcome: string;
  durationMs: number;
}

export interface EmailSendObservation {
  /** 'sent', or the kind of failure the transport reported. */
  outcome: string;
  durationMs: number;
}

export interface ServiceMetrics {
  registry: Registry;
  /** Passed to every ERP client as its onRequest hook. */
  erpRequest(info: ErpRequestObservation): void;
  /** Passed to the job worker: one call per run that ended. */
  jobRunFinished(info: JobRunObservation): void;
  /** Passed to the delivery service: one call per hand-over to the email provider. */
  emailSend(info: EmailSendObservation): void;
}

const name = (base: string): string => `${METRIC_PREFIX}${base}`;

/**
 * Two sources. Durations and latencies are observed in-process as they happen (histograms per
 * replica; Prometheus sums them). Counts by state and the last successes are read from the database
 * at scrape time, so every replica reports the same shared truth and a restart loses nothing.
 * Labels are job names, states, outcomes, status codes, ERP resource templates and tenant IDs
 * (bounded by the number of customers) — never person IDs.
 */
export function createServiceMetrics(deps: { db: Db; registry?: Registry }): ServiceMetrics {
  const registry = deps.registry ?? new Registry();
  const k = deps.db.kysely;
  new Gauge({
    name: name('job_runs'),
    help: 'Job run records by job and state (read from the database; kept for JOB_RUNS_RETENTION_DAYS)',
    labelNames: ['job', 'state'],
    registers: [registry],
    async collect() {
      const rows = await k.selectFrom('job_runs').select(['job', 'state']).select((eb) => eb.fn.countAll<number>().as('n')).groupBy(['job', 'state']).execute();
      this.reset();
      for (const r of rows) this.set({ job: r.job, state: r.state }, Number(r.n));
    },
  });
  new Gauge({
    name: name('job_last_success_timestamp_seconds'),
    help: 'When the latest succeeded run of a job finished, per active tenant ("-" for global jobs), as Unix time',
    labelNames: ['job', 'tenant'],
    registers: [registry],
    async collect() {
      const rows = await k
        .selectFrom('job_runs')
        .leftJoin('tenants', 'tenants.id', 'job_runs.tenant_id')
        .select(['job_runs.job', 'job_runs.tenant_id'])
        .select((eb) => eb.fn.max('job_runs.finished_at').as('finished'))
        .where('job_runs.state', '=', 'succeeded')
        .where((eb) => eb.or([eb('tenants.status', '=', 'active'), eb('job_runs.tenant_id', '=', GLOBAL_TENANT)]))
        .groupBy(['job_runs.job', 'job_runs.tenant_id'])
        .execute();
      this.reset();
      for (const r of rows) {
        const at = typeof r.finished === 'string' ? Date.parse(r.finished) : NaN;
        if (Number.isFinite(at)) this.set({ job: r.job, tenant: r.tenant_id }, at / 1000);
      }
    },
  });
  new Gauge({
    name: name('email_deliveries'),
    help: 'Email delivery records by state (read from the database)',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const rows = await k.selectFrom('deliveries').select('state').select((eb) => eb.fn.countAll<number>().as('n')).groupBy('state').execute();
      this.reset();
      for (const r of rows) this.set({ state: r.state }, Number(r.n));
    },
  });
  const jobDuration = new Histogram({
    name: name('job_run_duration_seconds'),
    help: 'Duration of job runs that ended, by job and outcome',
    labelNames: ['job', 'outcome'],
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200],
    registers: [registry],
  });
  const erpDuration = new Histogram({
    name: name('erp_request_duration_seconds'),
    help: 'Latency of requests to customer ERPs, by resource and HTTP status ("none" when no answer came)',
    labelNames: ['resource', 'status'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const erpRetries = new Counter({
    name: name('erp_request_retries_total'),
    help: 'ERP requests that will be tried again (429, 5xx, timeouts, a renewed token), by HTTP status',
    labelNames: ['status'],
    registers: [registry],
  });
  const emailDuration = new Histogram({
    name: name('email_send_duration_seconds'),
    help: 'Latency of handing one message to the email provider, by outcome',
    labelNames: ['outcome'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const seconds = (ms: number): number => Math.max(0, ms) / 1000;
  return {
    registry,
    erpRequest(info) {
      const status = info.status > 0 ? String(info.status) : 'none';
      erpDuration.observe({ resource: erpResource(info.path), status }, seconds(info.durationMs));
      if (info.retry) erpRetries.inc({ status });
    },
    jobRunFinished: (info) => jobDuration.observe({ job: info.job, outcome: info.outcome }, seconds(info.durationMs)),
    emailSend: (info) => emailDuration.observe({ outcome: info.outcome }, seconds(info.durationMs)),
  };
}
