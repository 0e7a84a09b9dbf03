import { Router } from 'express';
import { requireAdmin } from '../auth/middleware';
import type { ConnectorService } from '../tenants/connector.service';
import { LANGUAGES, tenantSettingsSchema, WEEKDAYS, type TenantSettings } from '../tenants/tenants.schema';
import type { TenantsService } from '../tenants/tenants.service';
import { ALL_INSIGHT_KINDS } from '../insights/input';
import { activeTenant, adminTenant, field, type Audit } from './context';
import type { Translate } from './i18n';
import { formIssues, type FieldTexts } from './page-errors';
import type { JobsPort } from './ports';
import type { ReadModels } from './read-models';

interface Deps {
  tenants: TenantsService;
  connector: ConnectorService;
  reads: ReadModels;
  jobs: JobsPort;
  audit: Audit;
}

/** The settings form's labels, as the form shows them; the target is entered in percent but kept as a fraction. */
const settingsFields = (t: Translate, zone: string): FieldTexts => ({
  enabledInsights: { label: t('settings.insights') },
  scheduleDay: { label: t('settings.sendOn') },
  scheduleTime: { label: t('settings.at', { zone }), hint: t('hint.scheduleTime') },
  utilisationTarget: { label: t('settings.target'), hint: t('hint.utilisationTarget') },
  defaultLanguage: { label: t('settings.language') },
  erpWebUrl: { label: t('settings.erpWebUrl'), hint: t('hint.erpWebUrl') },
});

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
    res.render('admin/status.njk', { tenant: await tenants.get(tenantId), status: await reads.status(tenantId, res.locals.t as Translate), queued: req.query.queued === '1' });
  });

  router.post('/sync', async (req, res) => {
    const tenantId = await activeTenant(tenants, adminTenant(req));
    const { runId } = await jobs.enqueueNow('sync', tenantId);
    await audit(req, { tenantId, action: 'job.enqueued', object: { type: 'job_run', id: runId }, details: { job: 'sync' } });
    res.redirect(303, '/admin/status?queued=1');
  });

  router.get('/connector', async (req, res) => {
    res.render('admin/connector.njk', { connector: await connector.status(adminTenant(req), res.locals.lang), form: {} });
  });

  router.post('/connector', async (req, res) => {
    const tenantId = await activeTenant(tenants, adminTenant(req));
    const t = res.locals.t as Translate;
    const status = await connector.status(tenantId, res.locals.lang);
    const { fields } = status;
    const credentials = Object.fromEntries(fields.map((f) => [f.name, field(req.body, f.name)]));
    // Secret fields are never echoed back into the form.
    const form = { baseUrl: field(req.body, 'baseUrl'), ...Object.fromEntries(fields.filter((f) => !f.secret).map((f) => [f.name, credentials[f.name]])) };
    try {
      const result = await connector.connect(tenantId, { baseUrl: form.baseUrl, credentials });
      await audit(req, { tenantId, action: 'connector.saved', object: { type: 'connector', id: tenantId }, details: { usersSeen: result.usersSeen } });
      res.render('admin/connector.njk', { connector: await connector.status(tenantId, res.locals.lang), form: {}, verified: result });
    } catch (err) {
      // The ERP's refusal is shown too: its text says what to fix, and never echoes the secret.
      const labels: FieldTexts = { baseUrl: { label: t('connector.baseUrl') }, ...Object.fromEntries(fields.map((f) => [f.name, { label: f.label }])) };
      const issues = formIssues(err, t, labels, { upstream: true });
      if (!issues) throw err;
      await audit(req, { tenantId, action: 'connector.rejected', object: { type: 'connector', id: tenantId } });
      res.status(400).render('admin/connector.njk', { connector: status, form, issues });
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
      const issues = formIssues(err, res.locals.t as Translate, settingsFields(res.locals.t as Translate, res.locals.zone as string));
      if (!issues) throw err;
      return res.status(400).render('admin/settings.njk', { ...settingsView, settings: { ...form, utilisationTarget: form.utilisationTarget }, issues });
    }
    await audit(req, { tenantId, action: 'settings.updated', object: { type: 'tenant', id: tenantId } });
    res.redirect(303, '/admin/settings?saved=1');
  });

  return router;
}
