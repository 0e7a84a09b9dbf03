import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrateToLatest } from '../../src/db/migrate';
import { openSqlite } from '../../src/db/open-sqlite';
import { auditEventRow } from '../fakes/audit-event-row';

const event = (id: string) => auditEventRow(id);

describe('SQLite transactions with two connections on one file', () => {
  it('take the write lock at begin, so a read-then-write transaction is not undone by a concurrent commit', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erpi-conc-'));
    const file = path.join(dir, 'c.db');
    const key = 'concurrency-test-key-concurrency-00';
    const a = openSqlite({ file, key, keySetting: 'DB_KEY' });
    await migrateToLatest(a);
    const b = openSqlite({ file, key, keySetting: 'DB_KEY', lockWaitMs: 0 });
    let otherWriter: unknown;
    try {
      await a.kysely.transaction().execute(async (trx) => {
        await trx.selectFrom('audit_events').selectAll().execute();
        // The other connection (a second process in production) tries to commit in between.
        otherWriter = await b.kysely.insertInto('audit_events').values(event('from-b')).execute().then(() => 'committed', (err: { code?: string }) => err.code);
        await trx.insertInto('audit_events').values(event('from-a')).execute();
      });
      const ids = (await a.kysely.selectFrom('audit_events').select('id').execute()).map((r) => r.id);
      expect(otherWriter).toBe('SQLITE_BUSY');
      expect(ids).toEqual(['from-a']);
    } finally {
      await b.close();
      await a.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
