import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { Db } from '../../src/db/db';
import { migrateToLatest } from '../../src/db/migrate';
import { openSqlite } from '../../src/db/open-sqlite';
import { StorageFullError } from '../../src/db/storage-error';
import { createSyncHarness, type SyncHarness } from '../fakes/sync-harness';
import { auditEventRow } from '../fakes/audit-event-row';

const pageCount = async (db: Db) => (await sql<{ page_count: number }>`pragma page_count`.execute(db.kysely)).rows[0]!.page_count;
/** SQLite's own size cap: once the file would grow past it, writes fail with SQLITE_FULL as on a full disk. */
const capPages = async (db: Db, pages: number) => sql.raw(`pragma max_page_count = ${pages}`).execute(db.kysely);

// Rows larger than a page spill into overflow pages: SQLite then cancels the whole transaction itself.
const event = (id: string) => auditEventRow(id, JSON.stringify({ padding: 'x'.repeat(20_000) }));

const rejection = async (work: Promise<unknown>): Promise<Error> => {
  try {
    await work;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the write to fail');
};

describe('a full disk under a real SQLCipher database', () => {
  let dir: string;
  let db: Db;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erpi-full-'));
    db = openSqlite({ file: path.join(dir, 'full.db'), key: 'storage-full-test-key-storage-full', keySetting: 'DB_KEY' });
    await migrateToLatest(db);
  });
  afterEach(async () => {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('fails a transaction with SQLITE_FULL and what to do, rolls it back whole, and writes again once there is room', async () => {
    await capPages(db, (await pageCount(db)) + 2);
    const err = await rejection(
      db.kysely.transaction().execute(async (trx) => {
        for (let i = 0; i < 50; i += 1) await trx.insertInto('audit_events').values(event(`e-${i}`)).execute();
      }),
    );
    expect(err).toBeInstanceOf(StorageFullError);
    expect(err.message).toContain('SQLITE_FULL');
    expect(err.message).toMatch(/free space/);
    expect(err.message).not.toMatch(/no transaction is active/);
    expect(await db.kysely.selectFrom('audit_events').select('id').execute()).toEqual([]);

    await capPages(db, 1_000_000);
    await db.kysely.insertInto('audit_events').values(event('after')).execute();
    expect((await db.kysely.selectFrom('audit_events').select('id').execute()).map((r) => r.id)).toEqual(['after']);
  });

  it('names the cause of a single statement outside a transaction too', async () => {
    await capPages(db, await pageCount(db));
    const err = await rejection(db.kysely.insertInto('audit_events').values([event('a'), event('b'), event('c')]).execute());
    expect(err).toBeInstanceOf(StorageFullError);
    expect((err as StorageFullError).sqliteCode).toBe('SQLITE_FULL');
  });

  it('leaves other errors as they are', async () => {
    await db.kysely.insertInto('audit_events').values(event('same')).execute();
    const err = await rejection(db.kysely.insertInto('audit_events').values(event('same')).execute());
    expect(err).not.toBeInstanceOf(StorageFullError);
    expect((err as { code?: string }).code).toMatch(/^SQLITE_CONSTRAINT/);
  });
});

describe('a full disk during a sync', () => {
  let h: SyncHarness;
  afterEach(async () => h?.close());

  it('reports SQLITE_FULL rather than a failed rollback, and a sync after space is freed ends like a clean run', async () => {
    const clean = await createSyncHarness();
    const expected = (await clean.sync.syncTenant(clean.tenant, clean.client())).entries;
    await clean.close();

    h = await createSyncHarness();
    await capPages(h.db, (await pageCount(h.db)) + 20);
    const err = await rejection(h.sync.syncTenant(h.tenant, h.client()));
    expect(err.message).not.toMatch(/no transaction is active/);
    expect(err).toBeInstanceOf(StorageFullError);
    expect(err.message).toContain('SQLITE_FULL');
    expect(err.message).toMatch(/free space/);

    await capPages(h.db, 1_000_000);
    const result = await h.sync.syncTenant(h.tenant, h.client());
    expect(result.entries).toBe(expected);
    const stored = await h.db.kysely.selectFrom('work_entries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(expected);
  });
});
