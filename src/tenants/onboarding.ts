import type { ErpConnection } from '../../integrations/erp/adapter';
import type { SecretStore } from '../secrets/secret-store';
import { storeErpCredentials } from './erp-credentials';
import type { Tenant, TenantsService } from './tenants.service';

/**
 * Points a tenant at its ERP: the base URL on the tenant row, the credentials only in the secret store.
 * Used where no admin goes through the connector page (demo, benchmarks, drills).
 */
export async function connectErp(deps: { tenants: Pick<TenantsService, 'setErpBaseUrl'>; secrets: SecretStore }, tenantId: string, erp: ErpConnection): Promise<void> {
  await deps.tenants.setErpBaseUrl(tenantId, erp.baseUrl);
  await storeErpCredentials(deps.secrets, tenantId, erp.credentials);
}

/** A Finnish tenant with an open-ended contract, connected to the given ERP (the default kind unless named). */
export async function onboardTenant(
  deps: { tenants: Pick<TenantsService, 'create' | 'setErpBaseUrl'>; secrets: SecretStore },
  input: { displayName: string; contractStart: string; timezone: string; erpKind?: string },
  erp: ErpConnection,
): Promise<Tenant> {
  const tenant = await deps.tenants.create({ ...input, contractEnd: null, country: 'FI', defaultLanguage: 'fi' });
  await connectErp(deps, tenant.id, erp);
  return tenant;
}
