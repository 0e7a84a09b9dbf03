import type { ErpConnection, ErpFormField, FormLanguage } from '../../integrations/erp/adapter';
import type { ErpRegistry } from '../../integrations/erp/registry';
import { ValidationError } from '../errors';
import type { SecretStore } from '../secrets/secret-store';
import { erpSecretName, readErpCredentials, storeErpCredentials } from './erp-credentials';
import type { VerifyConnection } from './erp-verifier';
import type { TenantsService } from './tenants.service';

export interface ConnectorStatus {
  erpKind: string;
  erpLabel: string;
  baseUrl: string | null;
  baseUrlPlaceholder: string;
  help: string;
  /** What the connector form asks for besides the base URL. */
  fields: ReadonlyArray<Omit<ErpFormField, 'label'> & { label: string }>;
  /** Whether credentials are stored; the secret itself is never read back out. */
  connected: boolean;
  credentialHint: string | null;
}

export interface ConnectorService {
  /** The ERP's label, help and field labels in `language` (English for the API). */
  status(tenantId: string, language?: FormLanguage): Promise<ConnectorStatus>;
  /**
   * Validation, SSRF check, then a live verification; only a working connection is saved. Refused
   * credentials are a ValidationError whose cause is the ZodError, so a page can word each field.
   */
  connect(tenantId: string, connection: ErpConnection): Promise<{ usersSeen: number }>;
  revoke(tenantId: string): Promise<void>;
}

export function createConnectorService(deps: {
  tenants: TenantsService;
  secrets: SecretStore;
  erp: Pick<ErpRegistry, 'get'>;
  ssrf: { checkUrl(url: string): Promise<void> };
  verifyConnection: VerifyConnection;
}): ConnectorService {
  const { tenants, secrets, ssrf, verifyConnection } = deps;

  return {
    async status(tenantId, language = 'en') {
      const tenant = await tenants.get(tenantId);
      const adapter = deps.erp.get(tenant.erpKind);
      const stored = await readErpCredentials(secrets, tenantId);
      return {
        erpKind: tenant.erpKind,
        erpLabel: adapter.label[language],
        baseUrl: tenant.erpBaseUrl,
        baseUrlPlaceholder: adapter.baseUrlPlaceholder,
        help: adapter.help[language],
        fields: adapter.fields.map((f) => ({ ...f, label: f.label[language] })),
        connected: stored !== undefined,
        credentialHint: stored ? adapter.credentialHint(stored) : null,
      };
    },
    async connect(tenantId, connection) {
      const tenant = await tenants.get(tenantId);
      const adapter = deps.erp.get(tenant.erpKind);
      const baseUrl = connection.baseUrl.trim().replace(/\/+$/, '');
      const parsed = adapter.credentialsSchema.safeParse(connection.credentials);
      if (!parsed.success) throw new ValidationError('The connection details are incomplete', [...new Set(parsed.error.issues.map((i) => i.message))], { cause: parsed.error });
      await ssrf.checkUrl(baseUrl);
      const result = await verifyConnection(tenant.erpKind, { baseUrl, credentials: parsed.data });
      await storeErpCredentials(secrets, tenantId, parsed.data);
      await tenants.setErpBaseUrl(tenantId, baseUrl);
      return result;
    },
    async revoke(tenantId) {
      await tenants.get(tenantId);
      await secrets.delete(erpSecretName(tenantId));
    },
  };
}
