import { createSecretStoreKeyProvider } from '../../src/crypto/key-provider';
import { ConfigError, KeyNotFoundError } from '../../src/errors';
import { createMemorySecretStore } from '../fakes/memory-secret-store';

describe('secret-store key provider', () => {
  it('creates KEK v1 on first use and stores it with a current pointer', async () => {
    const secrets = createMemorySecretStore();
    const keys = createSecretStoreKeyProvider({ secrets });
    const kek = await keys.getKek();
    expect(kek.version).toBe(1);
    expect(kek.key).toHaveLength(32);
    expect(secrets.entries().get('kek--v1')).toBe(kek.key.toString('base64'));
    expect(secrets.entries().get('kek--current')).toBe('1');
    expect((await keys.getKek()).key.equals(kek.key)).toBe(true);
  });

  it('mints one KEK when many callers ask at once', async () => {
    const secrets = createMemorySecretStore();
    const keys = createSecretStoreKeyProvider({ secrets });
    const all = await Promise.all(Array.from({ length: 10 }, () => keys.getKek()));
    expect(new Set(all.map((k) => k.key.toString('hex'))).size).toBe(1);
    expect([...secrets.entries().keys()].sort()).toEqual(['kek--current', 'kek--v1']);
  });

  it('rotates to a new version while older versions stay readable', async () => {
    const secrets = createMemorySecretStore();
    const keys = createSecretStoreKeyProvider({ secrets });
    const v1 = await keys.getKek();
    expect(await keys.rotateKek()).toBe(2);
    const current = await keys.getKek();
    expect(current.version).toBe(2);
    expect(current.key.equals(v1.key)).toBe(false);
    expect((await keys.getKek(1)).key.equals(v1.key)).toBe(true);
  });

  it('sees a rotation made by another instance sharing the store', async () => {
    const secrets = createMemorySecretStore();
    const a = createSecretStoreKeyProvider({ secrets });
    const b = createSecretStoreKeyProvider({ secrets });
    await a.getKek();
    await b.rotateKek();
    expect((await a.getKek()).version).toBe(2);
  });

  it('never overwrites an existing KEK version left by an interrupted rotation', async () => {
    const secrets = createMemorySecretStore();
    const keys = createSecretStoreKeyProvider({ secrets });
    await keys.getKek();
    const orphan = Buffer.alloc(32, 7).toString('base64');
    await secrets.set('kek--v2', orphan);
    expect(await keys.rotateKek()).toBe(2);
    expect(secrets.entries().get('kek--v2')).toBe(orphan);
  });

  it('reports a missing version and a corrupt secret', async () => {
    const secrets = createMemorySecretStore();
    const keys = createSecretStoreKeyProvider({ secrets });
    await expect(keys.getKek(9)).rejects.toBeInstanceOf(KeyNotFoundError);
    await secrets.set('kek--v3', 'dG9vIHNob3J0');
    await expect(keys.getKek(3)).rejects.toBeInstanceOf(ConfigError);
    await secrets.set('kek--current', 'abc');
    await expect(keys.getKek()).rejects.toBeInstanceOf(ConfigError);
  });
});
