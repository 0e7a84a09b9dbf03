import { Router } from 'express';
import { requireAdmin } from '../auth/middleware';
import { AppError } from '../errors';
import type { ConnectorService } from '../tenants/connector.service';
import { LANGUAGES, tenantSettingsSchema, WEEKDAYS, type TenantSettings } from '../tenants/tenants.schema';
import type { TenantsService } from '../tenants/tenants.service';
import { ALL_INSIGHT_KINDS } from '../insights/input';
import { activeTenant, adminTenant, field, type Audit } from './context';
import type { JobsPort } from './ports';
import type { ReadModels } from './read-models';
import { ZodError } from 'zod';

interface Deps {
  tenants: TenantsService;
  connector: ConnectorService;
  reads: ReadModels;
  jobs: JobsPort;
  audit: Audit;
}

/** Validation and upstream failures are shown on the form in plain words; the secret is never echoed. */
function issuesOf(err: unknown): string[] | undefined {
  if (err instanceof ZodError) return err.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  if (err instanceof AppError && err.status !== 404 && (err.status < 500 || err.code === 'upstream')) {
    const extra = 'issues' in err && Array.isArray(err.issues) ? (err.issues as string[]) : [];
    return [err.message, ...extra];
  }
  return undefined;
}

export function settingsFromForm(body: unknown) {
  const raw = (body as Record<string, unknown>)?.enabledInsights;
  const enabled = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return {
    enabledInsights: enabled,
    scheduleDay: field(body, 'scheduleDay'),
    scheduleTime: field(body, 'scheduleTime'),
    utilisationTarget: Number(field(body, 'utilisationTarget')) / 100,
    defaultLanguage: field(body, 'defaultLanguage'),
    // One setting on the form: the team-view insight is on exactly when its box is ticked.
    teamView: enabled.includes('team-view'),
    halfDayEves: field(body, 'halfDayEves') === 'on',
    erpWebUrl: field(body, 'erpWebUrl').trim() || null,
  };
}

/** Settings saved before team view was one switch may have it listed but off: the form shows it off. */
const shownSettings = (settings: TenantSettings): TenantSettings =>
  settings.teamView ? settings : { ...settings, enabledInsights: settings.enabledInsights.filter((k) => k !== 'team-view') };

export function adminRoutes(deps: Deps): Router {
  const { tenants, connector, reads, jobs, audit } = deps;
  const router = Router();
  router.use(requireAdmin);

  router.get('/', (_req, res) => res.redirect(303, '/admin/status'));

  router.get('/status', async (req, res) => {
    const tenantId = adminTenant(req);
    res.render('admin/status.njk', { tenant: await tenants.get(tenantId), status: await reads.status(tenantId), queued: req.query.queued === '1' });
  });

  router.post('/sync', async (req, res) => {
    const tenantId = await activeTenant(tenants, adminTenant(req));
    const { runId } = await jobs.enqueueNow('sync', tenantId);
    await audit(req, { tenantId, action: 'job.enqueued', object: { type: 'job_run', id: runId }, details: { job: 'sync' } });
    res.redirect(303, '/admin/status?queued=1');
  });

  router.get('/connector', async (req, res) => {
    res.render('admin/connector.njk', { connector: await connector.status(adminTenant(req)), form: {} });
  });

  router.post('/connector', async (req, res) => {
    const tenantId = await activeTenant(tenants, adminTenant(req));
    const { fields } = await connector.status(tenantId);
    const credentials = Object.fromEntries(fields.map((f) => [f.name, field(req.body, f.name)]));
    // Secret fields are never echoed back into the form.
    const form = { baseUrl: field(req.body, 'baseUrl'), ...Object.fromEntries(fields.filter((f) => !f.secret).map((f) => [f.name, credentials[f.name]])) };
    try {
      const result = await connector.connect(tenantId, { baseUrl: form.baseUrl, credentials });
      await audit(req, { tenantId, action: 'connector.saved', object: { type: 'connector', id: tenantId }, details: { usersSeen: result.usersSeen } });
      res.render('admin/connector.njk', { connector: await connector.status(tenantId), form: {}, verified: result });
    } catch (err) {
      const issues = issuesOf(err);
      if (!issues) throw err;
      await audit(req, { tenantId, action: 'connector.rejected', object: { type: 'connector', id: tenantId } });
      res.status(400).render('admin/connector.njk', { connector: await connector.status(tenantId), form, issues });
    }
  });

  router.post('/connector/revoke', async (req, res) => {
    const tenantId = adminTenant(req);
    await connector.revoke(tenantId);
    await audit(req, { tenantId, action: 'connector.revoked', object: { type: 'connector', id: tenantId } });
    res.redirect(303, '/admin/connector');
  });

  const settingsView = { kinds: ALL_INSIGHT_KINDS, days: WEEKDAYS, languages: LANGUAGES };

  router.get('/settings', async (req, res) => {
    const tenant = await tenants.get(adminTenant(req));
    res.render('admin/settings.njk', { ...settingsView, settings: shownSettings(tenant.settings), saved: req.query.saved === '1' });
  });

  router.post('/settings', async (req, res) => {
    const tenantId = adminTenant(req);
    const form = settingsFromForm(req.body);
    try {
      await tenants.updateSettings(tenantId, tenantSettingsSchema.parse(form));
    } catch (err) {
      const issues = issuesOf(err);
      if (!issues) throw err;
      return res.status(400).render('admin/settings.njk', { ...settingsView, settings: { ...form, utilisationTarget: form.utilisationTarget }, issues });
    }
    await audit(req, { tenantId, action: 'settings.updated', object: { type: 'tenant', id: tenantId } });
    res.redirect(303, '/admin/settings?saved=1');
  });

  return router;
}
