import { secretName, type SecretStore } from '../secrets/secret-store';
import type { Tenant, TenantsService } from './tenants.service';

export interface ErpConnection {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
}

/**
 * Points a tenant at its ERP: the base URL on the tenant row, the client credentials only in the
 * secret store. Used where no admin goes through the connector page (demo, benchmarks, drills).
 */
export async function connectErp(deps: { tenants: Pick<TenantsService, 'setErpBaseUrl'>; secrets: SecretStore }, tenantId: string, erp: ErpConnection): Promise<void> {
  await deps.tenants.setErpBaseUrl(tenantId, erp.baseUrl);
  await deps.secrets.set(secretName('erp', tenantId), JSON.stringify({ clientId: erp.clientId, clientSecret: erp.clientSecret }));
}

/** A Finnish tenant with an open-ended contract, connected to the given ERP. */
export async function onboardTenant(
  deps: { tenants: Pick<TenantsService, 'create' | 'setErpBaseUrl'>; secrets: SecretStore },
  input: { displayName: string; contractStart: string; timezone: string },
  erp: ErpConnection,
): Promise<Tenant> {
  const tenant = await deps.tenants.create({ ...input, erpKind: 'severa', contractEnd: null, country: 'FI', defaultLanguage: 'fi' });
  await connectErp(deps, tenant.id, erp);
  return tenant;
}
