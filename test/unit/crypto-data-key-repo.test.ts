import { fixedClock } from '../../src/clock';
import { createKyselyDataKeyRepo, type DataKeyRepo, type DataKeyRow } from '../../src/crypto/data-key-repo';
import { createEnvelope } from '../../src/crypto/envelope';
import { createSecretStoreKeyProvider } from '../../src/crypto/key-provider';
import { migrateToLatest } from '../../src/db/migrate';
import { openSqlite } from '../../src/db/open-sqlite';
import type { Db } from '../../src/db/db';
import { KeyNotFoundError, NotFoundError } from '../../src/errors';
import { createMemoryDataKeyRepo } from '../fakes/memory-data-key-repo';
import { createMemorySecretStore } from '../fakes/memory-secret-store';

const row = (tenantId: string, version: number, active: 0 | 1): DataKeyRow => ({
  tenant_id: tenantId,
  version,
  wrapped_key: `wrapped-${tenantId}-${version}`,
  kek_version: 1,
  active,
  created_at: '2026-03-02T08:00:00.000Z',
});

let db: Db | undefined;
afterAll(async () => {
  await db?.close();
});

const implementations: [string, () => Promise<DataKeyRepo>][] = [
  ['memory fake', async () => createMemoryDataKeyRepo()],
  ['kysely on sqlite', () => openKyselyRepo()],
];

async function openKyselyRepo(): Promise<DataKeyRepo> {
  await db?.close();
  db = openSqlite({ file: ':memory:', key: 'test-key', keySetting: 'DATABASE_KEY' });
  await migrateToLatest(db);
  return createKyselyDataKeyRepo(db.kysely);
}

describe.each(implementations)('data key repo (%s)', (_name, make) => {
  let repo: DataKeyRepo;
  beforeEach(async () => {
    repo = await make();
  });

  it('inserts, reads and lists versions in order', async () => {
    await repo.insert(row('t-1', 2, 0));
    await repo.insert(row('t-1', 1, 1));
    await repo.insert(row('t-2', 1, 1));
    expect(await repo.get('t-1', 2)).toEqual(row('t-1', 2, 0));
    expect(await repo.get('t-1', 3)).toBeUndefined();
    expect((await repo.list('t-1')).map((r) => r.version)).toEqual([1, 2]);
    expect(await repo.active('t-1')).toEqual(row('t-1', 1, 1));
    expect(await repo.active('t-3')).toBeUndefined();
    expect(await repo.tenantIds()).toEqual(['t-1', 't-2']);
  });

  it('refuses a duplicate version', async () => {
    await repo.insert(row('t-1', 1, 1));
    // Matched by message, not by class: the SQLite driver's error class can come from another test
    // file's realm when jest reuses the native module, and then `instanceof Error` is false.
    await expect(repo.insert(row('t-1', 1, 1))).rejects.toMatchObject({ message: expect.stringMatching(/duplicate|unique|constraint/i) });
  });

  it('switches the active version and leaves exactly one active', async () => {
    await repo.insert(row('t-1', 1, 1));
    await repo.insert(row('t-1', 2, 0));
    await repo.insert(row('t-2', 1, 1));
    await repo.setActive('t-1', 2);
    expect((await repo.list('t-1')).map((r) => [r.version, r.active])).toEqual([
      [1, 0],
      [2, 1],
    ]);
    expect((await repo.active('t-2'))?.version).toBe(1);
    await expect(repo.setActive('t-1', 5)).rejects.toBeInstanceOf(NotFoundError);
    expect((await repo.active('t-1'))?.version).toBe(2);
  });

  it('updates the wrapped form of one version', async () => {
    await repo.insert(row('t-1', 1, 1));
    await repo.updateWrapped('t-1', 1, 'rewrapped', 4);
    expect(await repo.get('t-1', 1)).toMatchObject({ wrapped_key: 'rewrapped', kek_version: 4, active: 1 });
    await expect(repo.updateWrapped('t-1', 2, 'x', 4)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('deletes every version of one tenant only', async () => {
    await repo.insert(row('t-1', 1, 0));
    await repo.insert(row('t-1', 2, 1));
    await repo.insert(row('t-2', 1, 1));
    expect(await repo.deleteAll('t-1')).toBe(2);
    expect(await repo.list('t-1')).toEqual([]);
    expect(await repo.deleteAll('t-1')).toBe(0);
    expect(await repo.tenantIds()).toEqual(['t-2']);
  });
});

describe('envelope over the Kysely repo', () => {
  it('encrypts, rotates, re-wraps and shreds against real SQL', async () => {
    const repo = await openKyselyRepo();
    const envelope = createEnvelope({
      keys: createSecretStoreKeyProvider({ secrets: createMemorySecretStore() }),
      repo,
      clock: fixedClock(new Date('2026-03-02T08:00:00.000Z')),
    });
    const ctx = { tenantId: 't-1', table: 'daily_facts', column: 'absence_minutes_enc', rowId: 'p-1|2026-03-02' };
    const v1 = await envelope.encryptNumber(ctx, 450);
    await envelope.rotateDataKey('t-1');
    const v2 = await envelope.encryptNumber(ctx, 30);
    expect(await envelope.rewrapAll()).toEqual({ kekVersion: 2, rewrapped: 2 });
    expect([await envelope.decryptNumber(ctx, v1), await envelope.decryptNumber(ctx, v2)]).toEqual([450, 30]);
    expect(await envelope.shred('t-1')).toBe(2);
    await expect(envelope.decrypt(ctx, v1)).rejects.toBeInstanceOf(KeyNotFoundError);
  });
});
