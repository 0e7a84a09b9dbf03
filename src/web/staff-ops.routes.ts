import { Router } from 'express';
import type { AuditLog } from '../audit/audit.service';
import { requireStaff } from '../auth/middleware';
import { ValidationError } from '../errors';
import type { TenantsService } from '../tenants/tenants.service';
import { param, type Audit } from './context';
import type { JobsPort, RetentionPort } from './ports';

export const JOBS = ['sync', 'insights', 'deliver'] as const;

interface Deps {
  tenants: Pick<TenantsService, 'get' | 'list'>;
  jobs: JobsPort;
  retention: RetentionPort;
  audit: AuditLog;
  auditFor: Audit;
}

/** Tenant ID → display name, so staff tables name tenants instead of showing their IDs. */
export async function tenantNames(tenants: Pick<TenantsService, 'list'>): Promise<Record<string, string>> {
  return Object.fromEntries((await tenants.list()).map((t) => [t.id, t.displayName]));
}

export function staffOpsRoutes(deps: Deps): Router {
  const { jobs, retention, auditFor } = deps;
  const router = Router();
  router.use(requireStaff);

  router.post('/tenants/:id/run/:job', async (req, res) => {
    const job = param(req, 'job');
    if (!(JOBS as readonly string[]).includes(job)) throw new ValidationError('Unknown job', [], { pageTexts: [{ key: 'error.unknownJob', params: { job } }] });
    await deps.tenants.get(param(req, 'id'));
    const { runId } = await jobs.enqueueNow(job, param(req, 'id'));
    await auditFor(req, { tenantId: param(req, 'id'), action: 'job.enqueued', object: { type: 'job_run', id: runId }, details: { job } });
    res.redirect(303, `/staff/runs/${runId}`);
  });

  router.get('/purges', async (_req, res) => {
    const purges = await retention.upcoming({ withinDays: 60 });
    res.render('staff/purges.njk', { purges, tenantNames: await tenantNames(deps.tenants) });
  });

  router.get('/audit', async (req, res) => {
    const before = typeof req.query.before === 'string' ? req.query.before : undefined;
    const events = await deps.audit.list({ limit: 100, before });
    res.render('audit.njk', { events, showTenant: true, base: '/staff/audit' });
  });

  return router;
}
