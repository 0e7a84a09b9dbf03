import type { TokenCredential } from '@azure/core-auth';
import { DefaultAzureCredential } from '@azure/identity';
import { SecretClient, type SecretClientOptions } from '@azure/keyvault-secrets';
import { UpstreamError } from '../../src/errors';
import type { SecretStore } from '../../src/secrets/secret-store';

export interface KeyVaultSecretStoreOptions {
  /** e.g. https://my-vault.vault.azure.net */
  vaultUrl: string;
  /** Defaults to DefaultAzureCredential (managed identity in Azure, developer login locally). */
  credential?: TokenCredential;
  clientOptions?: SecretClientOptions;
  /** How often to poll while a deletion completes before purging it. */
  pollIntervalMs?: number;
}

const UPSTREAM = 'keyvault';
// Any name works for ping: a 404 proves the vault answered and our identity may read secrets.
const PING_NAME = 'readiness-probe';

/**
 * SecretStore over Azure Key Vault. Deleting purges the soft-deleted copy as well, so a deleted ERP
 * credential or KEK cannot be recovered from the vault afterwards (vaults with purge protection on
 * refuse the purge; that surfaces as a non-retryable UpstreamError).
 */
export function createKeyVaultSecretStore(options: KeyVaultSecretStoreOptions): SecretStore {
  const credential = options.credential ?? new DefaultAzureCredential();
  const client = new SecretClient(options.vaultUrl, credential, options.clientOptions);
  const intervalInMs = options.pollIntervalMs ?? 2000;

  return {
    async get(name) {
      try {
        return (await client.getSecret(name)).value;
      } catch (err) {
        if (statusOf(err) === 404) return undefined;
        throw toUpstream('read', name, err);
      }
    },
    async set(name, value) {
      try {
        await client.setSecret(name, value);
      } catch (err) {
        throw toUpstream('write', name, err);
      }
    },
    async delete(name) {
      try {
        const poller = await client.beginDeleteSecret(name, { intervalInMs });
        const deleted = await poller.pollUntilDone();
        // Without a recovery id the vault has no soft-delete, so there is nothing left to purge.
        if (!deleted.recoveryId) return;
      } catch (err) {
        // 404: already deleted, possibly by an earlier attempt that died before purging.
        if (statusOf(err) !== 404) throw toUpstream('delete', name, err);
      }
      try {
        await client.purgeDeletedSecret(name);
      } catch (err) {
        if (statusOf(err) !== 404) throw toUpstream('purge', name, err);
      }
    },
    async ping() {
      try {
        await client.getSecret(PING_NAME);
      } catch (err) {
        if (statusOf(err) !== 404) throw toUpstream('ping', PING_NAME, err);
      }
    },
  };
}

function statusOf(err: unknown): number | undefined {
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * The SDK error is not kept as the cause: it carries the request, whose body holds the secret value
 * on a write. Only the operation, secret name, status and the service's error code survive.
 */
function toUpstream(operation: string, name: string, err: unknown): UpstreamError {
  const status = statusOf(err);
  const errName = err instanceof Error ? err.name : 'unknown';
  if (errName === 'CredentialUnavailableError' || errName === 'AuthenticationError') {
    return new UpstreamError(`Key Vault ${operation} of secret ${name} failed: no usable Azure credential`, UPSTREAM, false);
  }
  // 409: the vault is still finishing a delete or recovery of this name; trying again later works.
  const retryable = status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;
  const code = (err as { code?: unknown } | null)?.code;
  const detail = [status === undefined ? 'no response' : `status ${status}`, typeof code === 'string' && /^[A-Za-z_]+$/.test(code) ? code : '']
    .filter(Boolean)
    .join(', ');
  return new UpstreamError(`Key Vault ${operation} of secret ${name} failed (${detail})`, UPSTREAM, retryable);
}
