import { Router } from 'express';
import type { InviteService } from '../auth/invites';
import { requireStaff, sessionUser } from '../auth/middleware';
import { AppError } from '../errors';
import { createTenantSchema, TENANT_STATUSES, updateTenantSchema } from '../tenants/tenants.schema';
import type { TenantsService } from '../tenants/tenants.service';
import type { Audit } from './context';
import { field, param } from './context';
import type { Translate } from './i18n';
import { formIssues, type FieldTexts } from './page-errors';
import type { ReadModels } from './read-models';

interface Deps {
  tenants: TenantsService;
  invites: InviteService;
  audit: Audit;
  reads: ReadModels;
  publicBaseUrl: string;
}

/** Form issues shown next to the tenant forms instead of the generic error page, by the forms' labels. */
function tenantFormIssues(err: unknown, t: Translate): string[] | undefined {
  const date = t('hint.date');
  const fields: FieldTexts = {
    displayName: { label: t('staff.displayName') },
    erpKind: { label: t('connector.erp') },
    contractStart: { label: t('staff.contractStart'), hint: date },
    contractEnd: { label: t('staff.contractEnd'), hint: date },
    timezone: { label: t('staff.timezone'), hint: t('hint.timezone') },
    country: { label: t('staff.country'), hint: t('hint.country') },
    defaultLanguage: { label: t('staff.defaultLanguage') },
    status: { label: t('status.state') },
    username: { label: t('staff.inviteUsername') },
  };
  return formIssues(err, t, fields);
}

const tenantForm = (body: unknown) => ({
  displayName: field(body, 'displayName'),
  contractStart: field(body, 'contractStart'),
  contractEnd: field(body, 'contractEnd'),
  timezone: field(body, 'timezone') || undefined,
  country: field(body, 'country').toUpperCase() || undefined,
  defaultLanguage: field(body, 'defaultLanguage') || undefined,
});

export function staffRoutes(deps: Deps): Router {
  const { tenants, invites, audit, reads } = deps;
  const router = Router();
  router.use(requireStaff);

  router.get('/tenants', async (_req, res) => {
    const list = await tenants.list();
    const failed = await reads.runs({ state: 'dead', limit: 500, detailed: true });
    const rows = list.map((t) => ({ ...t, deadRuns: failed.filter((r) => r.tenantId === t.id).length }));
    res.render('staff/tenants.njk', { tenants: rows });
  });

  router.get('/tenants/new', (_req, res) => {
    res.render('staff/tenant-form.njk', { form: {} });
  });

  router.post('/tenants', async (req, res) => {
    const form = tenantForm(req.body);
    try {
      const tenant = await tenants.create(createTenantSchema.parse(form));
      await audit(req, { tenantId: tenant.id, action: 'tenant.created', object: { type: 'tenant', id: tenant.id } });
      res.redirect(303, `/staff/tenants/${tenant.id}`);
    } catch (err) {
      const issues = tenantFormIssues(err, res.locals.t as Translate);
      if (!issues) throw err;
      res.status(400).render('staff/tenant-form.njk', { form, issues });
    }
  });

  router.get('/tenants/:id', async (req, res) => {
    const tenant = await tenants.get(param(req, 'id'));
    const status = await reads.status(tenant.id);
    res.render('staff/tenant.njk', { tenant, status, statuses: TENANT_STATUSES });
  });

  router.post('/tenants/:id', async (req, res) => {
    const current = await tenants.get(param(req, 'id'));
    const input = { status: field(req.body, 'status') || undefined, contractStart: field(req.body, 'contractStart') || undefined, contractEnd: field(req.body, 'contractEnd') };
    try {
      await tenants.update(current.id, updateTenantSchema.parse(input));
    } catch (err) {
      const issues = tenantFormIssues(err, res.locals.t as Translate);
      if (!issues) throw err;
      const status = await reads.status(current.id);
      return res.status(400).render('staff/tenant.njk', { tenant: current, status, statuses: TENANT_STATUSES, issues });
    }
    await audit(req, { tenantId: current.id, action: 'tenant.updated', object: { type: 'tenant', id: current.id }, details: { status: input.status ?? null } });
    res.redirect(303, `/staff/tenants/${current.id}`);
  });

  router.post('/tenants/:id/invites', async (req, res) => {
    const tenant = await tenants.get(param(req, 'id'));
    const staff = sessionUser(req);
    const status = await reads.status(tenant.id);
    let invite: Awaited<ReturnType<InviteService['create']>>;
    try {
      invite = await invites.create(tenant.id, staff?.id ?? '', field(req.body, 'username'));
    } catch (err) {
      const issues = tenantFormIssues(err, res.locals.t as Translate);
      if (!issues) throw err;
      return res.status(err instanceof AppError ? err.status : 400).render('staff/tenant.njk', { tenant, status, statuses: TENANT_STATUSES, issues });
    }
    await audit(req, { tenantId: tenant.id, action: 'invite.created', object: { type: 'invite', id: invite.id } });
    res.render('staff/tenant.njk', {
      tenant,
      status,
      statuses: TENANT_STATUSES,
      inviteUrl: `${deps.publicBaseUrl.replace(/\/$/, '')}/invite/${invite.token}`,
      inviteExpires: invite.expiresAt,
    });
  });

  return router;
}
