import { Router } from 'express';
import { z } from 'zod';
import type { ApiKeyService } from '../auth/api-keys';
import { sessionUser } from '../auth/middleware';
import type { ConnectorService } from '../tenants/connector.service';
import { tenantSettingsSchema } from '../tenants/tenants.schema';
import type { TenantsService } from '../tenants/tenants.service';
import { ownPerson } from './admin-data.routes';
import { allow } from './api-auth';
import { activeTenant, param, requestedBy, tenantScope, type Audit } from './context';
import type { DsrPort, EmailPreviewPort, JobsPort } from './ports';
import type { ReadModels } from './read-models';

interface Deps {
  tenants: TenantsService;
  connector: ConnectorService;
  reads: ReadModels;
  jobs: JobsPort;
  dsr: DsrPort;
  emailPreview: EmailPreviewPort;
  apiKeys: ApiKeyService;
  audit: Audit;
}

/** The base URL plus the credential fields of the tenant's ERP kind (see GET …/connector `fields`), flat. */
export const connectorSchema = z.object({ baseUrl: z.string().min(1).max(2048) }).catchall(z.string().max(2048));
export const dsrSchema = z.object({ personId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/) });
export const restrictSchema = dsrSchema.extend({ restricted: z.boolean() });

/** Customer-admin operations on their own tenant (404 for any other), plus the API-key reads. */
export function apiAdminRoutes(deps: Deps): Router {
  const { tenants, connector, reads, dsr, emailPreview, apiKeys, audit } = deps;
  const router = Router();
  const own = async (req: Parameters<typeof tenantScope>[0]): Promise<string> => {
    const tenantId = tenantScope(req, param(req, 'tenantId'));
    // An API key was found through its tenant's row just now; a session's tenant is looked up.
    if (req.auth?.kind !== 'api-key') await tenants.get(tenantId);
    return tenantId;
  };

  router.get('/tenants/:tenantId/status', allow('staff', 'admin', 'api-key'), async (req, res) => {
    res.json(await reads.status(await own(req)));
  });

  router.get('/tenants/:tenantId/insights/summary', allow('admin', 'api-key'), async (req, res) => {
    res.json(await reads.insightSummary(await own(req)));
  });

  router.get('/tenants/:tenantId/connector', allow('admin'), async (req, res) => {
    res.json(await connector.status(await own(req)));
  });

  router.put('/tenants/:tenantId/connector', allow('admin'), async (req, res) => {
    const tenantId = await activeTenant(tenants, await own(req));
    const { baseUrl, ...credentials } = connectorSchema.parse(req.body);
    const result = await connector.connect(tenantId, { baseUrl, credentials });
    await audit(req, { tenantId, action: 'connector.saved', object: { type: 'connector', id: tenantId }, details: { usersSeen: result.usersSeen } });
    res.json({ ...(await connector.status(tenantId)), verified: result });
  });

  router.delete('/tenants/:tenantId/connector', allow('admin'), async (req, res) => {
    const tenantId = await own(req);
    await connector.revoke(tenantId);
    await audit(req, { tenantId, action: 'connector.revoked', object: { type: 'connector', id: tenantId } });
    res.status(204).end();
  });

  router.get('/tenants/:tenantId/settings', allow('admin'), async (req, res) => {
    res.json((await tenants.get(await own(req))).settings);
  });

  router.put('/tenants/:tenantId/settings', allow('admin'), async (req, res) => {
    const tenantId = await own(req);
    const tenant = await tenants.updateSettings(tenantId, tenantSettingsSchema.parse(req.body));
    await audit(req, { tenantId, action: 'settings.updated', object: { type: 'tenant', id: tenantId } });
    res.json(tenant.settings);
  });

  router.get('/tenants/:tenantId/people/:personId/email-preview', allow('admin'), async (req, res) => {
    const tenantId = await activeTenant(tenants, await own(req));
    const personId = await ownPerson(reads, tenantId, param(req, 'personId'));
    const email = await emailPreview.preview(tenantId, personId);
    await audit(req, { tenantId, action: 'email.previewed', object: { type: 'person', id: personId } });
    res.json(email);
  });

  router.post('/tenants/:tenantId/dsr/export', allow('admin'), async (req, res) => {
    const tenantId = await own(req);
    const personId = await ownPerson(reads, tenantId, dsrSchema.parse(req.body).personId);
    const data = await dsr.exportPerson(tenantId, personId, requestedBy(req));
    res.json({ personId, data });
  });

  router.post('/tenants/:tenantId/dsr/erase', allow('admin'), async (req, res) => {
    const tenantId = await own(req);
    const personId = await ownPerson(reads, tenantId, dsrSchema.parse(req.body).personId);
    const { purgeId, counts } = await dsr.erasePerson(tenantId, personId, requestedBy(req));
    res.json({ personId, purgeId, counts });
  });

  router.post('/tenants/:tenantId/dsr/restrict', allow('admin'), async (req, res) => {
    const tenantId = await own(req);
    const body = restrictSchema.parse(req.body);
    const personId = await ownPerson(reads, tenantId, body.personId);
    await dsr.restrict(tenantId, personId, body.restricted, requestedBy(req));
    res.json({ personId, restricted: body.restricted });
  });

  router.get('/tenants/:tenantId/api-keys', allow('admin'), async (req, res) => {
    res.json({ keys: await apiKeys.list(await own(req)) });
  });

  router.post('/tenants/:tenantId/api-keys', allow('admin'), async (req, res) => {
    const tenantId = await activeTenant(tenants, await own(req));
    const created = await apiKeys.create(tenantId, sessionUser(req)?.id ?? '');
    await audit(req, { tenantId, action: 'api-key.created', object: { type: 'api_key', id: created.id } });
    res.status(201).json(created);
  });

  router.delete('/tenants/:tenantId/api-keys/:keyId', allow('admin'), async (req, res) => {
    const tenantId = await own(req);
    await apiKeys.revoke(tenantId, param(req, 'keyId'));
    await audit(req, { tenantId, action: 'api-key.revoked', object: { type: 'api_key', id: param(req, 'keyId') } });
    res.status(204).end();
  });

  return router;
}
