import { migrateToLatest } from '../../src/db/migrate';
import { openSqlite } from '../../src/db/open-sqlite';
import type { Db } from '../../src/db/db';

/** A migrated in-memory SQLite database (same code path as the encrypted file, minus the disk). */
export async function createTestDb(): Promise<Db> {
  const db = openSqlite({ file: ':memory:', key: 'test-key-test-key-test-key-test-key', keySetting: 'DB_KEY' });
  await migrateToLatest(db);
  return db;
}
