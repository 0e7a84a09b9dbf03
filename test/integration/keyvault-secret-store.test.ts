import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { fixedClock } from '../../src/clock';
import { createEnvelope } from '../../src/crypto/envelope';
import { createSecretStoreKeyProvider } from '../../src/crypto/key-provider';
import { UpstreamError } from '../../src/errors';
import { createKeyVaultSecretStore } from '../../integrations/keyvault/keyvault-secret-store';
import { createMemoryDataKeyRepo } from '../fakes/memory-data-key-repo';
import { createMemoryLogger } from '../fakes/memory-logger';
import { createSelfSignedCert, startFakeKeyVault, type FakeKeyVault } from '../fakes/keyvault-server';

const TOKEN = 'test-access-token';
const TENANT = '72f988bf-0000-4000-8000-000000000001';

class RecordingCredential implements TokenCredential {
  readonly calls: { scopes: string[]; tenantId?: string }[] = [];
  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    this.calls.push({ scopes: ([] as string[]).concat(scopes), tenantId: options?.tenantId });
    return { token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}

const cert = createSelfSignedCert();
let vault: FakeKeyVault;
let credential: RecordingCredential;

beforeEach(async () => {
  vault = await startFakeKeyVault({ cert, token: TOKEN, tenantId: TENANT });
  credential = new RecordingCredential();
});
afterEach(async () => {
  await vault.close();
});

const storeFor = (v: FakeKeyVault, cred: TokenCredential = credential, logger = createMemoryLogger()) =>
  createKeyVaultSecretStore({
    vaultUrl: v.url,
    credential: cred,
    pollIntervalMs: 1,
    logger,
    clientOptions: { disableChallengeResourceVerification: true, tlsOptions: { ca: v.ca }, retryOptions: { maxRetries: 0 } },
  });

describe('Key Vault secret store', () => {
  it('answers the bearer challenge with a token for the vault resource and tenant', async () => {
    const store = storeFor(vault);
    await store.set('erp--t-1', 'client-secret');
    expect(credential.calls[0]).toEqual({ scopes: ['https://vault.azure.net/.default'], tenantId: TENANT });
    expect(vault.requests[0]).toMatchObject({ method: 'PUT', authorized: false });
    expect(vault.requests.at(-1)).toMatchObject({ method: 'PUT', path: '/secrets/erp--t-1', authorized: true });
  });

  it('sets, overwrites and gets secrets; a missing one is undefined', async () => {
    const store = storeFor(vault);
    expect(await store.get('nope')).toBeUndefined();
    await store.set('kek--v1', 'first');
    await store.set('kek--v1', 'second');
    expect(await store.get('kek--v1')).toBe('second');
    expect(vault.secrets.get('kek--v1')).toEqual(['first', 'second']);
  });

  it('deletes and purges, leaving no soft-deleted copy, and is idempotent', async () => {
    const store = storeFor(vault);
    await store.set('erp--t-1', 'client-secret');
    await store.delete('erp--t-1');
    expect(vault.secrets.has('erp--t-1')).toBe(false);
    expect(vault.deleted.has('erp--t-1')).toBe(false);
    expect(vault.requests.filter((r) => r.authorized).map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining(['DELETE /secrets/erp--t-1', 'GET /deletedsecrets/erp--t-1', 'DELETE /deletedsecrets/erp--t-1']),
    );
    await expect(store.delete('erp--t-1')).resolves.toBeUndefined();
    expect(await store.get('erp--t-1')).toBeUndefined();
    // The name is free again, which Key Vault refuses while a soft-deleted copy exists.
    await store.set('erp--t-1', 'new-secret');
    expect(await store.get('erp--t-1')).toBe('new-secret');
  });

  it('without purge protection, never recovers nor warns on delete', async () => {
    const logger = createMemoryLogger();
    const store = storeFor(vault, credential, logger);
    await store.set('erp--t-1', 'client-secret');
    await store.delete('erp--t-1');
    expect(vault.deleted.has('erp--t-1')).toBe(false);
    expect(logger.records).toEqual([]);
    expect(vault.requests.some((r) => r.path.endsWith('/recover'))).toBe(false);
  });

  it('purges a copy left soft-deleted by an earlier, interrupted delete', async () => {
    const store = storeFor(vault);
    vault.deleted.set('erp--t-2', ['old']);
    await store.delete('erp--t-2');
    expect(vault.deleted.has('erp--t-2')).toBe(false);
  });

  it('writes over a soft-deleted copy by recovering it first; the new value is current', async () => {
    const store = storeFor(vault);
    vault.deleted.set('erp--t-2', ['old']);
    await store.set('erp--t-2', 'new');
    expect(await store.get('erp--t-2')).toBe('new');
    expect(vault.secrets.get('erp--t-2')).toEqual(['old', 'new']);
    expect(vault.deleted.has('erp--t-2')).toBe(false);
  });

  it('reports a conflict other than a soft-deleted copy as a retryable UpstreamError without recovering', async () => {
    const store = storeFor(vault);
    await store.ping();
    vault.failNext(409);
    await expect(store.set('erp--t-1', 'client-secret')).rejects.toMatchObject({ upstream: 'keyvault', retryable: true });
    expect(vault.requests.some((r) => r.path.endsWith('/recover'))).toBe(false);
    expect(vault.secrets.has('erp--t-1')).toBe(false);
  });

  it('does not count a purge denied for another reason as done', async () => {
    const store = storeFor(vault);
    vault.deleted.set('erp--t-3', ['old']);
    vault.failNext(403, 1, '/deletedsecrets/erp--t-3');
    await expect(store.delete('erp--t-3')).rejects.toMatchObject({ upstream: 'keyvault', retryable: false });
    expect(vault.deleted.has('erp--t-3')).toBe(true);
  });

  it('pings successfully when the vault answers, even with no secrets', async () => {
    await expect(storeFor(vault).ping()).resolves.toBeUndefined();
  });

  it('turns vault failures into UpstreamErrors that never carry the secret value', async () => {
    const store = storeFor(vault);
    await store.ping();
    vault.failNext(403);
    const denied = await store.set('erp--t-1', 'Sup3r-Secret').catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(UpstreamError);
    expect(denied).toMatchObject({ upstream: 'keyvault', retryable: false });
    expect((denied as Error).message).not.toContain('Sup3r-Secret');
    expect(JSON.stringify(denied)).not.toContain('Sup3r-Secret');
    expect((denied as Error).cause).toBeUndefined();

    vault.failNext(503);
    await expect(store.get('erp--t-1')).rejects.toMatchObject({ upstream: 'keyvault', retryable: true });
    vault.failNext(429);
    await expect(store.ping()).rejects.toMatchObject({ retryable: true });
  });

  it('reports an unreachable vault as a retryable UpstreamError', async () => {
    const closed = await startFakeKeyVault({ cert, token: TOKEN, tenantId: TENANT });
    await closed.close();
    await expect(storeFor(closed).ping()).rejects.toMatchObject({ upstream: 'keyvault', retryable: true });
  });

  it('holds KEKs for envelope encryption, including rotation', async () => {
    const secrets = storeFor(vault);
    const repo = createMemoryDataKeyRepo();
    const clock = fixedClock(new Date('2026-03-02T08:00:00.000Z'));
    const envelope = createEnvelope({ keys: createSecretStoreKeyProvider({ secrets }), repo, clock });
    const ctx = { tenantId: 't-1', table: 'absences', column: 'payload_enc', rowId: 'a-1' };
    const ct = await envelope.encrypt(ctx, '{"days":[]}');
    expect([...vault.secrets.keys()].sort()).toEqual(['kek--current', 'kek--v1']);
    expect(await envelope.rewrapAll()).toEqual({ kekVersion: 2, rewrapped: 1 });
    const fresh = createEnvelope({ keys: createSecretStoreKeyProvider({ secrets: storeFor(vault) }), repo, clock });
    expect(await fresh.decrypt(ctx, ct)).toBe('{"days":[]}');
  });
});

describe('Key Vault secret store with purge protection', () => {
  let protectedVault: FakeKeyVault;
  beforeEach(async () => {
    protectedVault = await startFakeKeyVault({ cert, token: TOKEN, tenantId: TENANT, purgeProtection: true });
  });
  afterEach(async () => {
    await protectedVault.close();
  });
  const authorizedCalls = () => protectedVault.requests.filter((r) => r.authorized).map((r) => `${r.method} ${r.path}`);

  it('counts a delete whose purge is refused as done, warns with the name only, and stays idempotent', async () => {
    const logger = createMemoryLogger();
    const store = storeFor(protectedVault, credential, logger);
    await store.set('erp--t-1', 'Sup3r-Secret');
    await expect(store.delete('erp--t-1')).resolves.toBeUndefined();
    expect(await store.get('erp--t-1')).toBeUndefined();
    // Azure keeps the soft-deleted copy until the retention period ends.
    expect(protectedVault.deleted.get('erp--t-1')).toEqual(['Sup3r-Secret']);
    expect(authorizedCalls()).toContain('DELETE /deletedsecrets/erp--t-1');
    expect(logger.records).toEqual([
      { level: 'warn', message: 'keyvault.purge_deferred', meta: { item: 'erp--t-1', reason: 'purge_protection' } },
    ]);
    expect(JSON.stringify(logger.records)).not.toContain('Sup3r-Secret');

    await expect(store.delete('erp--t-1')).resolves.toBeUndefined();
    await expect(store.delete('never-existed')).resolves.toBeUndefined();
    expect(protectedVault.deleted.has('erp--t-1')).toBe(true);
  });

  it('sets a name again after its delete: recovers the copy, then the new value is current', async () => {
    const store = storeFor(protectedVault);
    await store.set('erp--t-1', 'old-secret');
    await store.delete('erp--t-1');
    await store.set('erp--t-1', 'new-secret');
    expect(await store.get('erp--t-1')).toBe('new-secret');
    expect(protectedVault.secrets.get('erp--t-1')).toEqual(['old-secret', 'new-secret']);
    expect(protectedVault.deleted.has('erp--t-1')).toBe(false);
    const calls = authorizedCalls();
    const recoverAt = calls.indexOf('POST /deletedsecrets/erp--t-1/recover');
    expect(recoverAt).toBeGreaterThan(0);
    // One refused write, the recovery, then exactly one more write: no retry loop.
    expect(calls.slice(recoverAt).filter((c) => c === 'PUT /secrets/erp--t-1')).toHaveLength(1);
    expect(calls.filter((c) => c === 'PUT /secrets/erp--t-1')).toHaveLength(3);
  });
});
