import type { ErpClientOptions } from '../../integrations/erp/adapter';
import type { ErpClient } from '../../integrations/erp/erp-client';
import type { ErpRegistry } from '../../integrations/erp/registry';
import type { Clock } from '../clock';
import { ValidationError } from '../errors';
import type { Logger } from '../logging/logger';
import type { SsrfGuard } from '../net/ssrf-guard';
import type { SecretStore } from '../secrets/secret-store';
import { readErpCredentials } from './erp-credentials';
import type { TenantsService } from './tenants.service';

export type ErpClientFor = (tenantId: string) => Promise<ErpClient>;

/**
 * A fresh client for a tenant's ERP, of the tenant's kind, through the SSRF guard; the credentials are
 * read from the secret store only when the client asks for them.
 */
export function createErpClientFor(deps: {
  tenants: Pick<TenantsService, 'get'>;
  secrets: Pick<SecretStore, 'get'>;
  ssrf: Pick<SsrfGuard, 'checkUrl' | 'httpAgent' | 'httpsAgent'>;
  erp: Pick<ErpRegistry, 'get'>;
  clock: Clock;
  logger: Logger;
  options: Pick<ErpClientOptions, 'requestTimeoutMs' | 'maxRetries' | 'requestsPerSecond' | 'onRequest'>;
}): ErpClientFor {
  return async (tenantId) => {
    const tenant = await deps.tenants.get(tenantId);
    if (!tenant.erpBaseUrl) throw new ValidationError('The ERP connector is not set up for this tenant', [], { pageTexts: [{ key: 'error.notSetUp' }] });
    const adapter = deps.erp.get(tenant.erpKind);
    await deps.ssrf.checkUrl(tenant.erpBaseUrl);
    return adapter.createClient({
      ...deps.options,
      baseUrl: tenant.erpBaseUrl,
      timezone: tenant.timezone,
      credentials: async () => {
        const stored = await readErpCredentials(deps.secrets, tenantId);
        if (!stored) throw new ValidationError('No ERP credentials are stored for this tenant', [], { pageTexts: [{ key: 'error.noCredentials' }] });
        return stored;
      },
      clock: deps.clock,
      logger: deps.logger.child({ tenantId }),
      agent: { http: deps.ssrf.httpAgent, https: deps.ssrf.httpsAgent },
    });
  };
}
