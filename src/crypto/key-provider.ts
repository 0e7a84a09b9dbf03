import { randomBytes } from 'node:crypto';
import { ConfigError, KeyNotFoundError } from '../errors';
import type { SecretStore } from '../secrets/secret-store';

/** Source of key-encryption keys (KEKs), which wrap the per-tenant data keys. */
export interface KeyProvider {
  /** The given version, or the current one when omitted (created on first use). */
  getKek(version?: number): Promise<{ version: number; key: Buffer }>;
  /** Makes a fresh KEK current and returns its version; older versions stay readable. */
  rotateKek(): Promise<number>;
}

const CURRENT = 'kek--current';
const kekName = (version: number): string => `kek--v${version}`;

/**
 * KEKs kept as secrets ('kek--v1', 'kek--v2', … plus 'kek--current' naming the version in use), so the
 * same code serves the local secret file and Key Vault. KEK material never changes once written, so
 * it is cached for the life of the process; the current pointer is re-read because another instance
 * may have rotated it.
 */
export function createSecretStoreKeyProvider({ secrets }: { secrets: SecretStore }): KeyProvider {
  const cache = new Map<number, Buffer>();
  let pending: Promise<unknown> = Promise.resolve();
  // Creation and rotation within one process run one at a time so they cannot mint the same version twice.
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = pending.then(fn, fn);
    pending = run.catch(() => undefined);
    return run;
  };

  async function load(version: number): Promise<Buffer> {
    const cached = cache.get(version);
    if (cached) return cached;
    const stored = await secrets.get(kekName(version));
    if (stored === undefined) throw new KeyNotFoundError(`Key-encryption key version ${version} not found`);
    const key = Buffer.from(stored, 'base64');
    if (key.length !== 32) throw new ConfigError([`Secret ${kekName(version)} must hold base64 of 32 bytes`]);
    cache.set(version, key);
    return key;
  }

  async function currentVersion(): Promise<number | undefined> {
    const pointer = await secrets.get(CURRENT);
    if (pointer === undefined) return undefined;
    const version = Number(pointer);
    if (!Number.isInteger(version) || version < 1) throw new ConfigError([`Secret ${CURRENT} must hold a positive integer`]);
    return version;
  }

  async function create(version: number): Promise<number> {
    // A KEK that already exists is never overwritten: data keys may be wrapped under it.
    if ((await secrets.get(kekName(version))) === undefined) {
      await secrets.set(kekName(version), randomBytes(32).toString('base64'));
    }
    await secrets.set(CURRENT, String(version));
    return version;
  }

  return {
    async getKek(version) {
      if (version !== undefined) return { version, key: await load(version) };
      const current = (await currentVersion()) ?? (await serial(async () => (await currentVersion()) ?? create(1)));
      return { version: current, key: await load(current) };
    },
    rotateKek: () => serial(async () => create(((await currentVersion()) ?? 0) + 1)),
  };
}
