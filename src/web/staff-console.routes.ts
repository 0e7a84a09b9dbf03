import { Router, type Request } from 'express';
import { requireStaff } from '../auth/middleware';
import type { Clock } from '../clock';
import { ConflictError, ValidationError } from '../errors';
import { JOB_STATES } from '../scheduler/job-definition';
import type { TenantsService } from '../tenants/tenants.service';
import { CONSOLE_JOBS, dailyFigures, jobHealth } from './console-health';
import { healthWindowStart, type ConsoleReads } from './console-reads';
import { param, type Audit } from './context';
import type { JobsPort, RetentionPort } from './ports';
import { barChartSvg } from './svg-chart';

interface Deps {
  tenants: Pick<TenantsService, 'list' | 'get'>;
  reads: ConsoleReads;
  jobs: JobsPort;
  retention: RetentionPort;
  auditFor: Audit;
  clock: Clock;
}

export const RETRYABLE = ['dead', 'cancelled'];
export const CANCELLABLE = ['queued', 'retrying'];

/** Days the charts cover. */
export const CHART_DAYS = 14;
/** How far ahead the overview looks for each tenant's next retention purge. */
const PURGE_HORIZON_DAYS = 60;

const oneOf = <T extends string>(value: unknown, allowed: readonly T[]): T | undefined =>
  typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;

function runFilter(req: Request) {
  const text = (name: string) => (typeof req.query[name] === 'string' && req.query[name] !== '' ? (req.query[name] as string) : undefined);
  return { tenantId: text('tenant'), job: oneOf(req.query.job, [...CONSOLE_JOBS, 'retention-purge', 'key-rotation']), state: oneOf(req.query.state, JOB_STATES), before: text('before') };
}

/**
 * The operator's console: every tenant's health at a glance, the job runs with filters and pages, a
 * run's detail with its own log lines, and the actions on a run. Every action is a CSRF-protected
 * POST and is audited with the run's ID.
 */
export function staffConsoleRoutes(deps: Deps): Router {
  const { tenants, reads, jobs, retention, auditFor, clock } = deps;
  const router = Router();
  router.use(requireStaff);

  router.get('/overview', async (_req, res) => {
    const now = clock.now();
    const [list, recent, unknown, upcoming, workers] = await Promise.all([
      tenants.list(),
      reads.recentRuns(healthWindowStart(now)),
      reads.unknownDeliveriesByTenant(),
      retention.upcoming({ withinDays: PURGE_HORIZON_DAYS }),
      reads.workers(now),
    ]);
    const rows = list.map((t) => ({
      tenant: t,
      jobs: jobHealth(
        recent.filter((r) => r.tenantId === t.id),
        t.status === 'active' ? jobs.nextRuns({ id: t.id, timezone: t.timezone, settings: t.settings }, now) : {},
      ),
      unknownDeliveries: unknown.get(t.id) ?? 0,
      nextPurge: upcoming.filter((p) => p.tenantId === t.id).sort((a, b) => a.dueDate.localeCompare(b.dueDate))[0] ?? null,
    }));
    const days = dailyFigures(recent, now, CHART_DAYS);
    const labels = days.map((d) => d.day);
    const t = res.locals.t;
    const peakLabel = t('chart.peak');
    const charts = {
      runs: barChartSvg({
        title: t('staff.runsPerDay'),
        peakLabel,
        labels,
        series: [
          { label: t('chart.succeeded'), className: 'bar-ok', values: days.map((d) => d.succeeded) },
          { label: t('chart.failed'), className: 'bar-bad', values: days.map((d) => d.failed) },
          { label: t('chart.other'), className: 'bar-other', values: days.map((d) => d.other) },
        ],
      }),
      erp: barChartSvg({
        title: t('staff.erpPerDay'),
        peakLabel,
        labels,
        series: [
          { label: t('chart.answered'), className: 'bar-ok', values: days.map((d) => d.erpRequests - d.rateLimited) },
          { label: t('chart.rateLimited'), className: 'bar-warn', values: days.map((d) => d.rateLimited) },
        ],
      }),
    };
    const totals = days.reduce((t, d) => ({ failed: t.failed + d.failed, requests: t.requests + d.erpRequests, rateLimited: t.rateLimited + d.rateLimited }), { failed: 0, requests: 0, rateLimited: 0 });
    res.render('staff/overview.njk', { rows, workers, charts, totals, chartDays: CHART_DAYS, purgeHorizon: PURGE_HORIZON_DAYS, jobNames: CONSOLE_JOBS });
  });

  router.get('/runs', async (req, res) => {
    const filter = runFilter(req);
    const [page, names] = await Promise.all([reads.runs(filter), reads.tenantNames()]);
    const query = (extra: Record<string, string>) =>
      new URLSearchParams(Object.entries({ tenant: filter.tenantId ?? '', job: filter.job ?? '', state: filter.state ?? '', ...extra }).filter(([, v]) => v !== '')).toString();
    res.render('staff/runs.njk', {
      runs: page.runs,
      nextUrl: page.next ? `/staff/runs?${query({ before: page.next })}` : null,
      firstUrl: filter.before ? `/staff/runs?${query({})}` : null,
      filter,
      tenantOptions: [...names].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name)),
      jobOptions: [...CONSOLE_JOBS, 'retention-purge', 'key-rotation'],
      states: JOB_STATES,
    });
  });

  router.get('/runs/:id', async (req, res) => {
    res.render('staff/run.njk', { run: await reads.run(param(req, 'id')) });
  });

  const tenantOf = (run: { tenantId: string }) => (run.tenantId === '-' ? null : run.tenantId);
  const mustBe = (run: { state: string }, states: string[], action: string) => {
    if (!states.includes(run.state)) throw new ConflictError(`The run is ${run.state}; only ${states.join(' or ')} runs can be ${action}`, { pageTexts: [{ key: 'error.runState', params: { state: run.state, allowed: states.join(' / '), action } }] });
  };

  router.post('/runs/:id/retry', async (req, res) => {
    const run = await reads.run(param(req, 'id'));
    mustBe(run, RETRYABLE, 'retried');
    await jobs.retryDead(run.id);
    await auditFor(req, { tenantId: tenantOf(run), action: 'job.retried', object: { type: 'job_run', id: run.id } });
    res.redirect(303, `/staff/runs/${run.id}`);
  });

  router.post('/runs/:id/cancel', async (req, res) => {
    const run = await reads.run(param(req, 'id'));
    mustBe(run, CANCELLABLE, 'cancelled');
    await jobs.cancel(run.id);
    await auditFor(req, { tenantId: tenantOf(run), action: 'job.cancelled', object: { type: 'job_run', id: run.id } });
    res.redirect(303, `/staff/runs/${run.id}`);
  });

  router.post('/runs/:id/run-now', async (req, res) => {
    const run = await reads.run(param(req, 'id'));
    const tenantId = tenantOf(run);
    if (!tenantId) throw new ValidationError('Global jobs run on their schedule or with the run-job command', [], { pageTexts: [{ key: 'error.globalJob' }] });
    await tenants.get(tenantId);
    const { runId } = await jobs.enqueueNow(run.job, tenantId);
    await auditFor(req, { tenantId, action: 'job.enqueued', object: { type: 'job_run', id: runId }, details: { job: run.job, from: run.id } });
    res.redirect(303, `/staff/runs/${runId}`);
  });

  return router;
}
