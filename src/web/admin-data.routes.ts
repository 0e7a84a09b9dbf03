import { Router, type Request } from 'express';
import type { AuditLog } from '../audit/audit.service';
import type { ApiKeyService } from '../auth/api-keys';
import { requireAdmin, sessionUser } from '../auth/middleware';
import { NotFoundError, ValidationError } from '../errors';
import type { TenantsService } from '../tenants/tenants.service';
import { activeTenant, adminTenant, field, param, requestedBy, type Audit } from './context';
import type { Translate } from './i18n';
import { errorTexts } from './page-errors';
import type { DsrPort, EmailPreviewPort } from './ports';
import type { ReadModels } from './read-models';

interface Deps {
  tenants: Pick<TenantsService, 'get'>;
  reads: ReadModels;
  dsr: DsrPort;
  emailPreview: EmailPreviewPort;
  apiKeys: ApiKeyService;
  auditLog: AuditLog;
  audit: Audit;
}

const PERSON_ID = /^[A-Za-z0-9-]{1,64}$/;

/** CSP for the preview frame alone: the email's inline styles, no scripts, no outside fetches. */
export const PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox";

/** The person must exist in the admin's own tenant; another tenant's person answers 404. */
export async function ownPerson(reads: ReadModels, tenantId: string, raw: unknown): Promise<string> {
  const personId = typeof raw === 'string' ? raw.trim() : '';
  if (!PERSON_ID.test(personId)) throw new ValidationError('Enter an ERP person ID', [], { pageTexts: [{ key: 'dsr.enterId' }] });
  if (!(await reads.personExists(tenantId, personId))) throw new NotFoundError('No person with that ERP ID in this organisation', { pageTexts: [{ key: 'dsr.noPerson' }] });
  return personId;
}

export function adminDataRoutes(deps: Deps): Router {
  const { tenants, reads, dsr, emailPreview, apiKeys, audit } = deps;
  const router = Router();
  router.use(requireAdmin);

  router.get('/preview', async (req, res) => {
    const tenantId = adminTenant(req);
    if (req.query.person === undefined) return res.render('admin/preview.njk', {});
    // A preview fetches the person's first name from the ERP.
    await activeTenant(tenants, tenantId);
    const personId = await ownPerson(reads, tenantId, req.query.person);
    const email = await emailPreview.preview(tenantId, personId);
    await audit(req, { tenantId, action: 'email.previewed', object: { type: 'person', id: personId } });
    res.render('admin/preview.njk', { personId, subject: email.subject, text: email.text });
  });

  router.get('/preview/:personId/frame', async (req, res) => {
    const tenantId = await activeTenant(tenants, adminTenant(req));
    const personId = await ownPerson(reads, tenantId, param(req, 'personId'));
    const email = await emailPreview.preview(tenantId, personId);
    res.set('Content-Security-Policy', PREVIEW_CSP);
    res.set('X-Frame-Options', 'SAMEORIGIN');
    res.set('Cache-Control', 'no-store');
    res.type('html').send(email.html);
  });

  router.get('/dsr', (req, res) => res.render('admin/dsr.njk', { person: typeof req.query.person === 'string' ? req.query.person : '' }));

  router.post('/dsr', async (req, res) => {
    const tenantId = adminTenant(req);
    const action = field(req.body, 'action');
    let personId: string;
    try {
      personId = await ownPerson(reads, tenantId, field(req.body, 'personId'));
    } catch (err) {
      if (err instanceof NotFoundError || err instanceof ValidationError) return res.status(err.status).render('admin/dsr.njk', { issues: errorTexts(err, res.locals.t as Translate) });
      throw err;
    }
    if (action === 'export') {
      const data = await dsr.exportPerson(tenantId, personId, requestedBy(req));
      res.set('Content-Disposition', `attachment; filename="person-${personId}.json"`);
      return res.type('json').send(JSON.stringify(data, null, 2));
    }
    if (action === 'erase') {
      if (field(req.body, 'confirm') !== personId) return res.status(400).render('admin/dsr.njk', { issues: [res.locals.t('dsr.confirmAgain')] });
      const { counts } = await dsr.erasePerson(tenantId, personId, requestedBy(req));
      return res.render('admin/dsr.njk', { done: res.locals.t('dsr.erased', { person: personId }), counts });
    }
    if (action === 'restrict' || action === 'unrestrict') {
      await dsr.restrict(tenantId, personId, action === 'restrict', requestedBy(req));
      return res.render('admin/dsr.njk', { done: res.locals.t(action === 'restrict' ? 'dsr.restricted' : 'dsr.lifted', { person: personId }) });
    }
    throw new ValidationError('Unknown request type', [], { pageTexts: [{ key: 'error.unknownRequest' }] });
  });

  router.get('/audit', async (req, res) => {
    const before = typeof req.query.before === 'string' ? req.query.before : undefined;
    const events = await deps.auditLog.list({ tenantId: adminTenant(req), limit: 100, before });
    res.render('audit.njk', { events, showTenant: false, base: '/admin/audit' });
  });

  const keysPage = async (req: Request, extra: Record<string, unknown> = {}) => ({ tenantId: adminTenant(req), keys: await apiKeys.list(adminTenant(req)), ...extra });

  router.get('/api-keys', async (req, res) => res.render('admin/api-keys.njk', await keysPage(req)));

  router.post('/api-keys', async (req, res) => {
    const tenantId = await activeTenant(tenants, adminTenant(req));
    const created = await apiKeys.create(tenantId, sessionUser(req)?.id ?? '');
    await audit(req, { tenantId, action: 'api-key.created', object: { type: 'api_key', id: created.id } });
    res.render('admin/api-keys.njk', await keysPage(req, { newKey: created.key }));
  });

  router.post('/api-keys/:id/revoke', async (req, res) => {
    const tenantId = adminTenant(req);
    await apiKeys.revoke(tenantId, param(req, 'id'));
    await audit(req, { tenantId, action: 'api-key.revoked', object: { type: 'api_key', id: param(req, 'id') } });
    res.redirect(303, '/admin/api-keys');
  });

  return router;
}
