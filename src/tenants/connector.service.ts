import { ValidationError } from '../errors';
import { secretName, type SecretStore } from '../secrets/secret-store';
import type { ErpCredentials, VerifyConnection } from '../web/ports';
import type { TenantsService } from './tenants.service';

export interface ConnectorStatus {
  erpKind: string;
  baseUrl: string | null;
  /** Whether credentials are stored; the secret itself is never read back out. */
  connected: boolean;
  clientIdHint: string | null;
}

export interface ConnectorService {
  status(tenantId: string): Promise<ConnectorStatus>;
  /** SSRF check, then a live verification; only a working connection is saved. */
  connect(tenantId: string, credentials: ErpCredentials): Promise<{ usersSeen: number }>;
  revoke(tenantId: string): Promise<void>;
}

export function createConnectorService(deps: {
  tenants: TenantsService;
  secrets: SecretStore;
  ssrf: { checkUrl(url: string): Promise<void> };
  verifyConnection: VerifyConnection;
}): ConnectorService {
  const { tenants, secrets, ssrf, verifyConnection } = deps;
  const name = (tenantId: string): string => secretName('erp', tenantId);

  return {
    async status(tenantId) {
      const tenant = await tenants.get(tenantId);
      const stored = await secrets.get(name(tenantId));
      let clientIdHint: string | null = null;
      if (stored) {
        const clientId = (JSON.parse(stored) as { clientId?: unknown }).clientId;
        // Only the tail, enough for an admin to recognise which credentials are in use.
        if (typeof clientId === 'string') clientIdHint = `…${clientId.slice(-4)}`;
      }
      return { erpKind: tenant.erpKind, baseUrl: tenant.erpBaseUrl, connected: stored !== undefined, clientIdHint };
    },
    async connect(tenantId, credentials) {
      await tenants.get(tenantId);
      const baseUrl = credentials.baseUrl.trim().replace(/\/+$/, '');
      const clientId = credentials.clientId.trim();
      const issues: string[] = [];
      if (clientId.length === 0 || clientId.length > 200) issues.push('Client ID is required (at most 200 characters).');
      if (credentials.clientSecret.length === 0 || credentials.clientSecret.length > 500) issues.push('Client secret is required (at most 500 characters).');
      if (issues.length > 0) throw new ValidationError('The connection details are incomplete', issues);
      await ssrf.checkUrl(baseUrl);
      const result = await verifyConnection({ baseUrl, clientId, clientSecret: credentials.clientSecret });
      await secrets.set(name(tenantId), JSON.stringify({ clientId, clientSecret: credentials.clientSecret }));
      await tenants.setErpBaseUrl(tenantId, baseUrl);
      return result;
    },
    async revoke(tenantId) {
      await tenants.get(tenantId);
      await secrets.delete(name(tenantId));
    },
  };
}
