import { Router } from 'express';
import type { AuditLog } from '../audit/audit.service';
import type { InviteService } from '../auth/invites';
import { inviteSchema } from '../auth/invites.schema';
import { sessionUser } from '../auth/middleware';
import { ValidationError } from '../errors';
import { createTenantSchema, updateTenantSchema } from '../tenants/tenants.schema';
import type { TenantsService } from '../tenants/tenants.service';
import { allow } from './api-auth';
import { auditQuerySchema, jobParamSchema, runsQuerySchema } from './api.schema';
import { activeTenant, param, tenantScope, type Audit } from './context';
import { openApiDocument } from './openapi';
import type { JobsPort, RetentionPort } from './ports';
import type { ReadModels } from './read-models';

interface Deps {
  tenants: TenantsService;
  invites: InviteService;
  reads: ReadModels;
  jobs: JobsPort;
  retention: RetentionPort;
  auditLog: AuditLog;
  audit: Audit;
  publicBaseUrl: string;
}

/** Staff operations and the tenant-scoped reads shared by staff, admins and API keys. */
export function apiRoutes(deps: Deps): Router {
  const { tenants, invites, reads, jobs, audit } = deps;
  const router = Router();

  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });

  router.get('/me', allow('staff', 'admin'), (req, res) => {
    const user = sessionUser(req);
    res.json({ id: user?.id, role: user?.role, tenantId: user?.tenantId, csrfToken: req.csrfToken });
  });

  router.get('/tenants', allow('staff'), async (_req, res) => {
    res.json({ tenants: await tenants.list() });
  });

  router.post('/tenants', allow('staff'), async (req, res) => {
    const tenant = await tenants.create(createTenantSchema.parse(req.body));
    await audit(req, { tenantId: tenant.id, action: 'tenant.created', object: { type: 'tenant', id: tenant.id } });
    res.status(201).json(tenant);
  });

  router.get('/tenants/:tenantId', allow('staff', 'admin'), async (req, res) => {
    res.json(await tenants.get(tenantScope(req, param(req, 'tenantId'))));
  });

  router.patch('/tenants/:tenantId', allow('staff'), async (req, res) => {
    const tenant = await tenants.update(param(req, 'tenantId'), updateTenantSchema.parse(req.body));
    await audit(req, { tenantId: tenant.id, action: 'tenant.updated', object: { type: 'tenant', id: tenant.id } });
    res.json(tenant);
  });

  router.post('/tenants/:tenantId/invites', allow('staff'), async (req, res) => {
    const tenant = await tenants.get(param(req, 'tenantId'));
    const { username } = inviteSchema.parse(req.body);
    const invite = await invites.create(tenant.id, sessionUser(req)?.id ?? '', username);
    await audit(req, { tenantId: tenant.id, action: 'invite.created', object: { type: 'invite', id: invite.id } });
    res.status(201).json({ id: invite.id, url: `${deps.publicBaseUrl.replace(/\/$/, '')}/invite/${invite.token}`, expiresAt: invite.expiresAt });
  });

  router.get('/runs', allow('staff'), async (req, res) => {
    const q = runsQuerySchema.parse(req.query);
    res.json({ runs: await reads.runs({ state: q.state, limit: q.limit, detailed: true }), unknownDeliveries: await reads.unknownDeliveries(100) });
  });

  router.post('/runs/:runId/retry', allow('staff'), async (req, res) => {
    const run = await reads.run(param(req, 'runId'));
    if (run.state !== 'dead') throw new ValidationError('Only dead runs can be retried');
    await jobs.retryDead(run.id);
    await audit(req, { tenantId: run.tenantId === '-' ? null : run.tenantId, action: 'job.retried', object: { type: 'job_run', id: run.id } });
    res.status(202).json({ id: run.id });
  });

  router.get('/tenants/:tenantId/runs', allow('staff', 'admin', 'api-key'), async (req, res) => {
    const tenantId = tenantScope(req, param(req, 'tenantId'));
    await tenants.get(tenantId);
    const q = runsQuerySchema.parse(req.query);
    res.json({ runs: await reads.runs({ tenantId, state: q.state, limit: q.limit, detailed: false }) });
  });

  router.post('/tenants/:tenantId/jobs/:job', allow('staff', 'admin'), async (req, res) => {
    const tenantId = await activeTenant(tenants, tenantScope(req, param(req, 'tenantId')));
    const job = jobParamSchema.parse(param(req, 'job'));
    if (sessionUser(req)?.role === 'admin' && job !== 'sync') throw new ValidationError('Customer admins can start a sync only');
    const { runId } = await jobs.enqueueNow(job, tenantId);
    await audit(req, { tenantId, action: 'job.enqueued', object: { type: 'job_run', id: runId }, details: { job } });
    res.status(202).json({ runId });
  });

  router.get('/purges', allow('staff'), async (_req, res) => {
    res.json({ purges: await deps.retention.upcoming({ withinDays: 60 }) });
  });

  router.get('/audit', allow('staff'), async (req, res) => {
    const q = auditQuerySchema.parse(req.query);
    res.json({ events: await deps.auditLog.list({ limit: q.limit, before: q.before }) });
  });

  router.get('/tenants/:tenantId/audit', allow('staff', 'admin'), async (req, res) => {
    const tenantId = tenantScope(req, param(req, 'tenantId'));
    await tenants.get(tenantId);
    const q = auditQuerySchema.parse(req.query);
    res.json({ events: await deps.auditLog.list({ tenantId, limit: q.limit, before: q.before }) });
  });

  return router;
}
