import { Counter, Gauge, Registry } from 'prom-client';
import type { Db } from '../db/db';

export interface ServiceMetrics {
  registry: Registry;
  /** Passed to every ERP client as its onRequest hook. */
  erpRequest(info: { path: string; status: number; retry: boolean }): void;
}

/**
 * Job and email figures are read from the database at scrape time, so every replica reports the same
 * truth about shared state; ERP requests are counted in-process as they happen. Labels are job names,
 * states and status codes only — never tenant or person IDs.
 */
export function createServiceMetrics(deps: { db: Db; registry?: Registry }): ServiceMetrics {
  const registry = deps.registry ?? new Registry();
  const k = deps.db.kysely;
  new Gauge({
    name: 'job_runs',
    help: 'Job runs by job and state',
    labelNames: ['job', 'state'],
    registers: [registry],
    async collect() {
      const rows = await k.selectFrom('job_runs').select(['job', 'state']).select((eb) => eb.fn.countAll<number>().as('n')).groupBy(['job', 'state']).execute();
      this.reset();
      for (const r of rows) this.set({ job: r.job, state: r.state }, Number(r.n));
    },
  });
  new Gauge({
    name: 'job_run_duration_seconds_avg',
    help: 'Average duration of succeeded job runs, by job',
    labelNames: ['job'],
    registers: [registry],
    async collect() {
      const rows = await k
        .selectFrom('job_runs')
        .select('job')
        .select((eb) => eb.fn.avg<number>('duration_ms').as('ms'))
        .where('state', '=', 'succeeded')
        .groupBy('job')
        .execute();
      this.reset();
      for (const r of rows) this.set({ job: r.job }, Number(r.ms) / 1000);
    },
  });
  new Gauge({
    name: 'email_deliveries',
    help: 'Email deliveries by state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const rows = await k.selectFrom('deliveries').select('state').select((eb) => eb.fn.countAll<number>().as('n')).groupBy('state').execute();
      this.reset();
      for (const r of rows) this.set({ state: r.state }, Number(r.n));
    },
  });
  const erp = new Counter({ name: 'erp_requests_total', help: 'Requests to customer ERPs', labelNames: ['status', 'retry'], registers: [registry] });
  return {
    registry,
    erpRequest: (info) => erp.inc({ status: String(info.status), retry: String(info.retry) }),
  };
}
