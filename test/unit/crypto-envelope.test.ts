import { fixedClock } from '../../src/clock';
import { createEnvelope, type CipherContext } from '../../src/crypto/envelope';
import { createSecretStoreKeyProvider } from '../../src/crypto/key-provider';
import { CryptoError, KeyNotFoundError } from '../../src/errors';
import { createMemoryDataKeyRepo } from '../fakes/memory-data-key-repo';
import { createMemorySecretStore } from '../fakes/memory-secret-store';

function setup() {
  const clock = fixedClock(new Date('2026-03-02T08:00:00.000Z'));
  const secrets = createMemorySecretStore();
  const keys = createSecretStoreKeyProvider({ secrets });
  const repo = createMemoryDataKeyRepo();
  const envelope = createEnvelope({ keys, repo, clock });
  return { clock, secrets, keys, repo, envelope };
}

const ctx: CipherContext = { tenantId: 't-1', table: 'daily_facts', column: 'absence_minutes_enc', rowId: 'p-7|2026-03-02' };

function flipOneBit(ciphertext: string, position: number): string {
  const [format, version, body] = ciphertext.split('.') as [string, string, string];
  const bytes = Buffer.from(body, 'base64url');
  bytes[position % bytes.length] = (bytes[position % bytes.length] ?? 0) ^ 0x01;
  return `${format}.${version}.${bytes.toString('base64url')}`;
}

describe('envelope encryption', () => {
  it.each(['480', '', 'äöå Ω 😀 中文', JSON.stringify({ days: [{ date: '2026-03-02', minutes: 450 }] })])(
    'round-trips %j',
    async (plaintext) => {
      const { envelope } = setup();
      const ct = await envelope.encrypt(ctx, plaintext);
      expect(ct).toMatch(/^v1\.1\.[A-Za-z0-9_-]+$/);
      expect(await envelope.decrypt(ctx, ct)).toBe(plaintext);
    },
  );

  it('round-trips numbers and refuses non-finite ones', async () => {
    const { envelope } = setup();
    for (const n of [0, -15, 450, 7.5, Number.MAX_SAFE_INTEGER]) {
      expect(await envelope.decryptNumber(ctx, await envelope.encryptNumber(ctx, n))).toBe(n);
    }
    await expect(envelope.encryptNumber(ctx, Number.NaN)).rejects.toBeInstanceOf(CryptoError);
    const text = await envelope.encrypt(ctx, 'not a number');
    await expect(envelope.decryptNumber(ctx, text)).rejects.toBeInstanceOf(CryptoError);
  });

  it('produces a different ciphertext for the same plaintext every time', async () => {
    const { envelope } = setup();
    const a = await envelope.encrypt(ctx, 'same');
    const b = await envelope.encrypt(ctx, 'same');
    expect(a).not.toBe(b);
    expect(a).not.toContain('same');
  });

  it('rejects any flipped bit (iv, tag or body) with a CryptoError', async () => {
    const { envelope } = setup();
    const ct = await envelope.encrypt(ctx, 'sensitive 480');
    for (const position of [0, 13, 30, 40]) {
      const err = await envelope.decrypt(ctx, flipOneBit(ct, position)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CryptoError);
      expect(err).not.toBeInstanceOf(KeyNotFoundError);
      expect((err as Error).message).not.toContain('sensitive');
    }
  });

  it('rejects a value copied to another row, column, table or tenant', async () => {
    const { envelope } = setup();
    await envelope.encrypt({ ...ctx, tenantId: 't-2' }, 'x');
    const ct = await envelope.encrypt(ctx, '480');
    const moved: CipherContext[] = [
      { ...ctx, rowId: 'p-8|2026-03-02' },
      { ...ctx, column: 'recorded_minutes' },
      { ...ctx, table: 'absences' },
      { ...ctx, tenantId: 't-2' },
    ];
    for (const other of moved) {
      await expect(envelope.decrypt(other, ct)).rejects.toBeInstanceOf(CryptoError);
    }
    expect(await envelope.decrypt(ctx, ct)).toBe('480');
  });

  it('rejects malformed ciphertext and an incomplete context', async () => {
    const { envelope } = setup();
    for (const bad of ['', '480', 'v2.1.AAAA', 'v1.0.AAAA', 'v1.1.short']) {
      await expect(envelope.decrypt(ctx, bad)).rejects.toBeInstanceOf(CryptoError);
    }
    await expect(envelope.encrypt({ ...ctx, rowId: '' }, 'x')).rejects.toBeInstanceOf(CryptoError);
  });

  it('throws KeyNotFoundError when the data key row is gone', async () => {
    const { keys, repo, clock, envelope } = setup();
    const ct = await envelope.encrypt(ctx, '480');
    await repo.deleteAll(ctx.tenantId);
    // A fresh instance has nothing cached, like another server process.
    const other = createEnvelope({ keys, repo, clock });
    await expect(other.decrypt(ctx, ct)).rejects.toBeInstanceOf(KeyNotFoundError);
  });

  it('stores data keys only in wrapped form, one active version per tenant', async () => {
    const { envelope, repo } = setup();
    await envelope.encrypt(ctx, 'a');
    await envelope.encrypt({ ...ctx, tenantId: 't-2' }, 'b');
    const rows = repo.rows();
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({ version: 1, kek_version: 1, active: 1, created_at: '2026-03-02T08:00:00.000Z' });
      expect(Buffer.from(row.wrapped_key, 'base64url').length).toBe(12 + 16 + 32);
    }
  });

  it('creates a single first data key under concurrent first use', async () => {
    const { envelope, repo } = setup();
    const cts = await Promise.all(Array.from({ length: 20 }, (_, i) => envelope.encrypt(ctx, String(i))));
    expect(repo.rows()).toHaveLength(1);
    expect(await Promise.all(cts.map((ct) => envelope.decrypt(ctx, ct)))).toEqual(cts.map((_, i) => String(i)));
  });

  it('rotates the data key: old values stay readable, new values use the new version', async () => {
    const { envelope, repo } = setup();
    const old = await envelope.encrypt(ctx, 'old');
    expect(await envelope.rotateDataKey(ctx.tenantId)).toBe(2);
    const fresh = await envelope.encrypt(ctx, 'new');
    expect(fresh.startsWith('v1.2.')).toBe(true);
    expect(await envelope.decrypt(ctx, old)).toBe('old');
    expect(await envelope.decrypt(ctx, fresh)).toBe('new');
    expect((await repo.list(ctx.tenantId)).map((r) => [r.version, r.active])).toEqual([
      [1, 0],
      [2, 1],
    ]);

    expect(await envelope.needsReencrypt(ctx, old)).toBe(true);
    expect(await envelope.needsReencrypt(ctx, fresh)).toBe(false);
    const rewritten = await envelope.reencrypt(ctx, old);
    expect(rewritten.startsWith('v1.2.')).toBe(true);
    expect(await envelope.decrypt(ctx, rewritten)).toBe('old');
    expect(await envelope.reencrypt(ctx, fresh)).toBe(fresh);
  });

  it('re-wraps every data key under a new KEK without touching data', async () => {
    const { envelope, repo, secrets, keys, clock } = setup();
    const a = await envelope.encrypt(ctx, 'a');
    await envelope.rotateDataKey(ctx.tenantId);
    const b = await envelope.encrypt(ctx, 'b');
    const c = await envelope.encrypt({ ...ctx, tenantId: 't-2' }, 'c');
    const before = repo.rows().map((r) => r.wrapped_key);

    expect(await envelope.rewrapAll()).toEqual({ kekVersion: 2, rewrapped: 3 });
    expect(repo.rows().every((r) => r.kek_version === 2)).toBe(true);
    expect(repo.rows().map((r) => r.wrapped_key).some((w) => before.includes(w))).toBe(false);
    expect(secrets.entries().get('kek--current')).toBe('2');

    // Readable by a process that never saw the old KEK's wrapped form, even with KEK v1 retired.
    await secrets.delete('kek--v1');
    const other = createEnvelope({ keys: createSecretStoreKeyProvider({ secrets }), repo, clock });
    expect(await other.decrypt(ctx, a)).toBe('a');
    expect(await other.decrypt(ctx, b)).toBe('b');
    expect(await other.decrypt({ ...ctx, tenantId: 't-2' }, c)).toBe('c');
    expect(await envelope.rewrapAll()).toEqual({ kekVersion: 3, rewrapped: 3 });
    expect((await keys.getKek()).version).toBe(3);
  });

  it('shreds a tenant: its values become unreadable, other tenants are untouched', async () => {
    const { envelope, repo } = setup();
    const mine = await envelope.encrypt(ctx, '480');
    await envelope.rotateDataKey(ctx.tenantId);
    const mineV2 = await envelope.encrypt(ctx, '120');
    const theirs = await envelope.encrypt({ ...ctx, tenantId: 't-2' }, '60');

    expect(await envelope.shred(ctx.tenantId)).toBe(2);
    await expect(envelope.decrypt(ctx, mine)).rejects.toBeInstanceOf(KeyNotFoundError);
    await expect(envelope.decrypt(ctx, mineV2)).rejects.toBeInstanceOf(KeyNotFoundError);
    expect(await envelope.needsReencrypt(ctx, mine)).toBe(false);
    expect(await envelope.decrypt({ ...ctx, tenantId: 't-2' }, theirs)).toBe('60');
    expect(await repo.tenantIds()).toEqual(['t-2']);
  });

  it('lets cached keys expire, so a shred by another instance takes effect within the TTL', async () => {
    const { keys, repo, clock, envelope } = setup();
    const ct = await envelope.encrypt(ctx, '480');
    const other = createEnvelope({ keys, repo, clock });
    await other.shred(ctx.tenantId);
    expect(await envelope.decrypt(ctx, ct)).toBe('480');
    clock.advance(5 * 60_000 + 1);
    await expect(envelope.decrypt(ctx, ct)).rejects.toBeInstanceOf(KeyNotFoundError);
  });

  it('fails with a CryptoError when a wrapped data key was tampered with', async () => {
    const { keys, repo, clock, envelope } = setup();
    const ct = await envelope.encrypt(ctx, '480');
    const row = (await repo.get(ctx.tenantId, 1))!;
    await repo.updateWrapped(ctx.tenantId, 1, flipOneBit(`v1.1.${row.wrapped_key}`, 20).split('.')[2]!, row.kek_version);
    const other = createEnvelope({ keys, repo, clock });
    const err = await other.decrypt(ctx, ct).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CryptoError);
    expect(err).not.toBeInstanceOf(KeyNotFoundError);
  });
});
