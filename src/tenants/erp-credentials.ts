import type { ErpCredentials } from '../../integrations/erp/adapter';
import { ValidationError } from '../errors';
import { secretName, type SecretStore } from '../secrets/secret-store';

/** A tenant's ERP credentials live only in the secret store, as one JSON object of strings. */
export const erpSecretName = (tenantId: string): string => secretName('erp', tenantId);

export async function readErpCredentials(secrets: Pick<SecretStore, 'get'>, tenantId: string): Promise<ErpCredentials | undefined> {
  const stored = await secrets.get(erpSecretName(tenantId));
  if (stored === undefined) return undefined;
  const parsed: unknown = JSON.parse(stored);
  if (typeof parsed !== 'object' || parsed === null || Object.values(parsed).some((v) => typeof v !== 'string')) {
    throw new ValidationError('The stored ERP credentials are unreadable; connect the ERP again', [], { pageTexts: [{ key: 'error.credentialsUnreadable' }] });
  }
  return parsed as ErpCredentials;
}

export async function storeErpCredentials(secrets: Pick<SecretStore, 'set'>, tenantId: string, credentials: ErpCredentials): Promise<void> {
  await secrets.set(erpSecretName(tenantId), JSON.stringify(credentials));
}
