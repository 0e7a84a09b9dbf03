import type { TokenCredential } from '@azure/core-auth';
import { DefaultAzureCredential } from '@azure/identity';
import { SecretClient, type SecretClientOptions } from '@azure/keyvault-secrets';
import { UpstreamError } from '../../src/errors';
import type { Logger } from '../../src/logging/logger';
import type { SecretStore } from '../../src/secrets/secret-store';

export interface KeyVaultSecretStoreOptions {
  /** e.g. https://my-vault.vault.azure.net */
  vaultUrl: string;
  /** Defaults to DefaultAzureCredential (managed identity in Azure, developer login locally). */
  credential?: TokenCredential;
  clientOptions?: SecretClientOptions;
  /** How often to poll while a deletion or recovery completes. */
  pollIntervalMs?: number;
  /** Receives the warning when purge protection keeps a deleted secret's soft-deleted copy. */
  logger?: Logger;
}

const UPSTREAM = 'keyvault';
// Any name works for ping: a 404 proves the vault answered and our identity may read secrets.
const PING_NAME = 'readiness-probe';

/**
 * SecretStore over Azure Key Vault. Deleting also purges the soft-deleted copy where the vault allows
 * it. With purge protection on (production), the purge is refused until the retention period ends and
 * Azure purges the copy itself; the secret is already unreadable, so the delete counts as done. A name
 * held by a soft-deleted copy cannot be written, so set() recovers it and writes the new value as a
 * new version on top.
 */
export function createKeyVaultSecretStore(options: KeyVaultSecretStoreOptions): SecretStore {
  const credential = options.credential ?? new DefaultAzureCredential();
  const client = new SecretClient(options.vaultUrl, credential, options.clientOptions);
  const intervalInMs = options.pollIntervalMs ?? 2000;
  const { logger } = options;

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
        return;
      } catch (err) {
        if (!isSoftDeletedConflict(err)) throw toUpstream('write', name, err);
      }
      try {
        const poller = await client.beginRecoverDeletedSecret(name, { intervalInMs });
        await poller.pollUntilDone();
      } catch (err) {
        // 404: the copy was purged in the meantime, so the name is free.
        if (statusOf(err) !== 404) throw toUpstream('recover', name, err);
      }
      // Written as a new version, so the recovered value is no longer the current one.
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
        if (statusOf(err) === 404) return;
        if (!isPurgeProtected(err)) throw toUpstream('purge', name, err);
        // Only the name: it is a technical id (e.g. erp--<tenant id>), never the value.
        logger?.warn('keyvault.purge_deferred', { item: name, reason: 'purge_protection' });
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

/** The SDK keeps only the outer error code ("Forbidden", "Conflict"), so the message tells the cases apart. */
function serviceError(err: unknown): { code: string; message: string } {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  return { code: typeof code === 'string' ? code : '', message: typeof message === 'string' ? message : '' };
}

function isPurgeProtected(err: unknown): boolean {
  const { code, message } = serviceError(err);
  return statusOf(err) === 403 && (code === 'ForbiddenByPolicy' || /purge protection/i.test(message));
}

/** 409 ObjectIsDeletedButRecoverable: only recovering or purging the soft-deleted copy frees the name. */
function isSoftDeletedConflict(err: unknown): boolean {
  const { code, message } = serviceError(err);
  return statusOf(err) === 409 && (code === 'ObjectIsDeletedButRecoverable' || /deleted but recoverable/i.test(message));
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
  // 409: the vault is still finishing a delete or recovery of this name; trying again later works. Not
  // when the name is held by a soft-deleted copy: that stays until someone recovers or purges it.
  const transientConflict = status === 409 && !isSoftDeletedConflict(err);
  const retryable = status === undefined || status === 408 || transientConflict || status === 429 || status >= 500;
  const code = (err as { code?: unknown } | null)?.code;
  const detail = [status === undefined ? 'no response' : `status ${status}`, typeof code === 'string' && /^[A-Za-z_]+$/.test(code) ? code : '']
    .filter(Boolean)
    .join(', ');
  return new UpstreamError(`Key Vault ${operation} of secret ${name} failed (${detail})`, UPSTREAM, retryable);
}
