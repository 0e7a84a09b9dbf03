import { Router } from 'express';
import type { AuditLog } from '../audit/audit.service';
import { requireStaff } from '../auth/middleware';
import { ValidationError } from '../errors';
import type { TenantsService } from '../tenants/tenants.service';
import { param, type Audit } from './context';
import type { JobsPort, RetentionPort } from './ports';
import type { ReadModels } from './read-models';

export const RUN_STATES = ['queued', 'running', 'succeeded', 'failed', 'dead'] as const;
export const JOBS = ['sync', 'insights', 'deliver'] as const;

interface Deps {
  tenants: Pick<TenantsService, 'get'>;
  reads: ReadModels;
  jobs: JobsPort;
  retention: RetentionPort;
  audit: AuditLog;
  auditFor: Audit;
}

export function staffOpsRoutes(deps: Deps): Router {
  const { reads, jobs, retention, auditFor } = deps;
  const router = Router();
  router.use(requireStaff);

  router.get('/runs', async (req, res) => {
    const state = typeof req.query.state === 'string' && (RUN_STATES as readonly string[]).includes(req.query.state) ? req.query.state : undefined;
    const runs = await reads.runs({ state, limit: 200, detailed: true });
    const unknown = await reads.unknownDeliveries(100);
    res.render('staff/runs.njk', { runs, unknown, state, states: RUN_STATES });
  });

  router.post('/runs/:id/retry', async (req, res) => {
    const run = await reads.run(param(req, 'id'));
    if (run.state !== 'dead') throw new ValidationError('Only dead runs can be retried');
    await jobs.retryDead(run.id);
    await auditFor(req, { tenantId: run.tenantId === '-' ? null : run.tenantId, action: 'job.retried', object: { type: 'job_run', id: run.id } });
    res.redirect(303, '/staff/runs?state=dead');
  });

  router.post('/tenants/:id/run/:job', async (req, res) => {
    const job = param(req, 'job');
    if (!(JOBS as readonly string[]).includes(job)) throw new ValidationError('Unknown job');
    await deps.tenants.get(param(req, 'id'));
    const { runId } = await jobs.enqueueNow(job, param(req, 'id'));
    await auditFor(req, { tenantId: param(req, 'id'), action: 'job.enqueued', object: { type: 'job_run', id: runId }, details: { job } });
    res.redirect(303, '/staff/runs');
  });

  router.get('/purges', async (_req, res) => {
    const purges = await retention.upcoming({ withinDays: 60 });
    res.render('staff/purges.njk', { purges });
  });

  router.get('/audit', async (req, res) => {
    const before = typeof req.query.before === 'string' ? req.query.before : undefined;
    const events = await deps.audit.list({ limit: 100, before });
    res.render('audit.njk', { events, showTenant: true, base: '/staff/audit' });
  });

  return router;
}
