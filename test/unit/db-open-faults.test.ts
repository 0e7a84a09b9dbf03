import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../../src/db/db';
import { migrateToLatest } from '../../src/db/migrate';
import { openSqlite } from '../../src/db/open-sqlite';
import { StorageError } from '../../src/db/storage-error';
import { ConfigError } from '../../src/errors';
import { auditEventRow } from '../fakes/audit-event-row';

const KEY = 'open-faults-test-key-open-faults-00';

const failure = async (work: () => unknown): Promise<unknown> => {
  try {
    await work();
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
};

describe('SQLCipher storage faults name the cause, the file and what to do', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erpi-open-faults-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a path that is a directory', async () => {
    const file = path.join(dir, 'erp-insights.db');
    fs.mkdirSync(file);
    const err = await failure(() => openSqlite({ file, key: KEY, keySetting: 'DB_KEY' }));
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).sqliteCode).toBe('SQLITE_CANTOPEN');
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toMatch(/not a directory/);
  });

  it('a file that is not this database', async () => {
    const file = path.join(dir, 'erp-insights.db');
    fs.writeFileSync(file, Buffer.alloc(64 * 1024, 0x5a));
    const err = await failure(() => openSqlite({ file, key: KEY, keySetting: 'DB_KEY' }));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues[0]).toMatch(/^DB_KEY: the database key does not open erp-insights\.db .*restore the file from backup$/);
  });

  it('a page damaged on disk', async () => {
    const file = path.join(dir, 'erp-insights.db');
    const db: Db = openSqlite({ file, key: KEY, keySetting: 'DB_KEY' });
    await migrateToLatest(db);
    const rows = Array.from({ length: 200 }, (_, i) => auditEventRow(`e-${i}`, 'x'.repeat(500)));
    await db.kysely.insertInto('audit_events').values(rows).execute();
    await db.close();
    // SQLCipher authenticates every page: bytes changed inside the last page fail its check on read.
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(64, 7), 0, 64, fs.statSync(file).size - 4096 + 100);
    fs.closeSync(fd);

    const reopened = openSqlite({ file, key: KEY, keySetting: 'DB_KEY' });
    try {
      const err = await failure(() => reopened.kysely.selectFrom('audit_events').selectAll().execute());
      expect(err).toBeInstanceOf(StorageError);
      expect((err as StorageError).sqliteCode).toMatch(/^SQLITE_CORRUPT/);
      expect((err as Error).message).toMatch(/restore the file from its latest backup/);
    } finally {
      await reopened.close();
    }
  });
});
