import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import { CryptoError, KeyNotFoundError } from '../errors';
import { open, seal } from './aes-gcm';
import type { DataKeyRepo, DataKeyRow } from './data-key-repo';
import { createKeyCache } from './key-cache';
import type { KeyProvider } from './key-provider';

/** Where an encrypted value lives; it is bound into the AAD so the value cannot be moved elsewhere. */
export interface CipherContext {
  tenantId: string;
  table: string;
  column: string;
  /** The row's key; composite keys joined by the caller in a fixed order. */
  rowId: string;
}

export interface Envelope {
  encrypt(ctx: CipherContext, plaintext: string): Promise<string>;
  decrypt(ctx: CipherContext, ciphertext: string): Promise<string>;
  encryptNumber(ctx: CipherContext, value: number): Promise<string>;
  decryptNumber(ctx: CipherContext, ciphertext: string): Promise<number>;
  /** True when the value was written under an older data-key version than the tenant's active one. */
  needsReencrypt(ctx: Pick<CipherContext, 'tenantId'>, ciphertext: string): Promise<boolean>;
  /** The value under the active data key (unchanged if it already is); callers write it back. */
  reencrypt(ctx: CipherContext, ciphertext: string): Promise<string>;
  /** New active data-key version for the tenant; older versions keep decrypting. */
  rotateDataKey(tenantId: string): Promise<number>;
  /** Rotates the KEK and re-wraps every tenant's data keys under it; data rows are untouched. */
  rewrapAll(): Promise<{ kekVersion: number; rewrapped: number }>;
  /** Crypto-shredding: deletes every data key of the tenant; returns how many were deleted. */
  shred(tenantId: string): Promise<number>;
}

export interface EnvelopeDeps {
  keys: KeyProvider;
  repo: DataKeyRepo;
  clock: Clock;
  cache?: { maxEntries?: number; ttlMs?: number };
}

const FORMAT = 'v1';
const CIPHERTEXT = /^v1\.([1-9][0-9]{0,8})\.([A-Za-z0-9_-]{38,})$/;

export function createEnvelope({ keys, repo, clock, cache = {} }: EnvelopeDeps): Envelope {
  const cacheOptions = { clock, maxEntries: cache.maxEntries ?? 1000, ttlMs: cache.ttlMs ?? 5 * 60_000 };
  const dataKeys = createKeyCache<Buffer>(cacheOptions);
  const activeVersions = createKeyCache<number>(cacheOptions);
  const creating = new Map<string, Promise<{ version: number; key: Buffer }>>();
  const slot = (tenantId: string, version: number): string => `${tenantId}\u0000${version}`;

  async function unwrap(row: DataKeyRow): Promise<Buffer> {
    const kek = await keys.getKek(row.kek_version);
    const key = open(kek.key, Buffer.from(row.wrapped_key, 'base64url'), wrapAad(row.tenant_id, row.version), 'Data key');
    if (key.length !== 32) throw new CryptoError('Data key has the wrong length');
    return key;
  }

  async function dataKey(tenantId: string, version: number): Promise<Buffer> {
    const cached = dataKeys.get(slot(tenantId, version));
    if (cached) return cached;
    const row = await repo.get(tenantId, version);
    if (!row) throw new KeyNotFoundError(`Data key version ${version} of tenant ${tenantId} not found`);
    const key = await unwrap(row);
    dataKeys.set(slot(tenantId, version), key);
    return key;
  }

  async function newRow(tenantId: string, active: boolean): Promise<{ row: DataKeyRow; key: Buffer }> {
    const existing = await repo.list(tenantId);
    const version = (existing.at(-1)?.version ?? 0) + 1;
    const key = randomBytes(32);
    const kek = await keys.getKek();
    const row: DataKeyRow = {
      tenant_id: tenantId,
      version,
      wrapped_key: seal(kek.key, key, wrapAad(tenantId, version)).toString('base64url'),
      kek_version: kek.version,
      active: active ? 1 : 0,
      created_at: clock.now().toISOString(),
    };
    await repo.insert(row);
    return { row, key };
  }

  async function loadOrCreateActive(tenantId: string): Promise<{ version: number; key: Buffer }> {
    let row = await repo.active(tenantId);
    if (!row) {
      try {
        const created = await newRow(tenantId, true);
        dataKeys.set(slot(tenantId, created.row.version), created.key);
        activeVersions.set(tenantId, created.row.version);
        return { version: created.row.version, key: created.key };
      } catch (err) {
        // Another instance may have created the first key at the same moment: use theirs.
        row = await repo.active(tenantId);
        if (!row) throw err;
      }
    }
    activeVersions.set(tenantId, row.version);
    return { version: row.version, key: await dataKey(tenantId, row.version) };
  }

  async function activeKey(tenantId: string): Promise<{ version: number; key: Buffer }> {
    const version = activeVersions.get(tenantId);
    if (version !== undefined) return { version, key: await dataKey(tenantId, version) };
    let flight = creating.get(tenantId);
    if (!flight) {
      flight = loadOrCreateActive(tenantId).finally(() => creating.delete(tenantId));
      creating.set(tenantId, flight);
    }
    return flight;
  }

  function forget(tenantId: string): void {
    activeVersions.deleteWhere((k) => k === tenantId);
    dataKeys.deleteWhere((k) => k.startsWith(`${tenantId}\u0000`));
  }

  const envelope: Envelope = {
    async encrypt(ctx, plaintext) {
      checkContext(ctx);
      const { version, key } = await activeKey(ctx.tenantId);
      const sealed = seal(key, Buffer.from(plaintext, 'utf8'), dataAad(ctx, version));
      return `${FORMAT}.${version}.${sealed.toString('base64url')}`;
    },
    async decrypt(ctx, ciphertext) {
      checkContext(ctx);
      const { version, sealed } = parse(ciphertext);
      const key = await dataKey(ctx.tenantId, version);
      return open(key, sealed, dataAad(ctx, version), `${ctx.table}.${ctx.column}`).toString('utf8');
    },
    async encryptNumber(ctx, value) {
      if (!Number.isFinite(value)) throw new CryptoError(`${ctx.table}.${ctx.column}: only finite numbers can be encrypted`);
      return envelope.encrypt(ctx, String(value));
    },
    async decryptNumber(ctx, ciphertext) {
      const text = await envelope.decrypt(ctx, ciphertext);
      const value = Number(text);
      if (text.trim() === '' || !Number.isFinite(value)) throw new CryptoError(`${ctx.table}.${ctx.column}: value is not a number`);
      return value;
    },
    async needsReencrypt(ctx, ciphertext) {
      const { version } = parse(ciphertext);
      // Reads without creating: a tenant with no active key (shredded) has nothing to re-encrypt to.
      const active = activeVersions.get(ctx.tenantId) ?? (await repo.active(ctx.tenantId))?.version;
      return active !== undefined && version !== active;
    },
    async reencrypt(ctx, ciphertext) {
      if (!(await envelope.needsReencrypt(ctx, ciphertext))) return ciphertext;
      return envelope.encrypt(ctx, await envelope.decrypt(ctx, ciphertext));
    },
    async rotateDataKey(tenantId) {
      const { row, key } = await newRow(tenantId, false);
      await repo.setActive(tenantId, row.version);
      dataKeys.set(slot(tenantId, row.version), key);
      activeVersions.set(tenantId, row.version);
      return row.version;
    },
    async rewrapAll() {
      const kekVersion = await keys.rotateKek();
      const kek = await keys.getKek(kekVersion);
      let rewrapped = 0;
      for (const tenantId of await repo.tenantIds()) {
        for (const row of await repo.list(tenantId)) {
          if (row.kek_version === kekVersion) continue;
          const key = await unwrap(row);
          const wrapped = seal(kek.key, key, wrapAad(tenantId, row.version)).toString('base64url');
          await repo.updateWrapped(tenantId, row.version, wrapped, kekVersion);
          rewrapped += 1;
        }
      }
      return { kekVersion, rewrapped };
    },
    async shred(tenantId) {
      forget(tenantId);
      const deleted = await repo.deleteAll(tenantId);
      // Again after the delete, in case a concurrent decrypt cached a key while it ran.
      forget(tenantId);
      return deleted;
    },
  };
  return envelope;
}

function parse(ciphertext: string): { version: number; sealed: Buffer } {
  const match = CIPHERTEXT.exec(ciphertext);
  if (!match?.[1] || !match[2]) throw new CryptoError('Ciphertext is malformed or of an unknown format');
  return { version: Number(match[1]), sealed: Buffer.from(match[2], 'base64url') };
}

function checkContext(ctx: CipherContext): void {
  for (const part of [ctx.tenantId, ctx.table, ctx.column, ctx.rowId]) {
    if (typeof part !== 'string' || part === '') throw new CryptoError('Encryption context is incomplete');
  }
}

// JSON arrays are unambiguous, so ('a.b', 'c') and ('a', 'b.c') can never produce the same AAD.
function dataAad(ctx: CipherContext, version: number): Buffer {
  return Buffer.from(JSON.stringify([FORMAT, ctx.tenantId, ctx.table, ctx.column, ctx.rowId, version]), 'utf8');
}

function wrapAad(tenantId: string, version: number): Buffer {
  return Buffer.from(JSON.stringify(['data-key', tenantId, version]), 'utf8');
}
