import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { Db } from '../../src/db/db';
import { migrateToLatest } from '../../src/db/migrate';
import { openSqlite, type SqliteOptions } from '../../src/db/open-sqlite';
import { auditEventRow } from '../fakes/audit-event-row';

const HOLDER = path.join(__dirname, '../fakes/lock-holder-thread.ts');

/** Another connection, on a thread of its own, holding the file's write lock until released. */
async function holdWriteLock(options: SqliteOptions): Promise<{ release(): Promise<void> }> {
  const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(HOLDER)});`, { eval: true, workerData: options });
  const [first] = (await once(worker, 'message')) as [string];
  expect(first).toBe('held');
  return {
    async release() {
      worker.postMessage('let go');
      await once(worker, 'message');
      await worker.terminate();
    },
  };
}

/** How a promise ended, recorded as it happens. */
function track(outcomes: string[], name: string, p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => outcomes.push(`${name} committed`),
    () => outcomes.push(`${name} failed`),
  );
}

describe('the event loop connection waiting for another connection\'s write lock (real SQLCipher file)', () => {
  let dir: string;
  let options: SqliteOptions;
  let db: Db;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erpi-lockwait-'));
    options = { file: path.join(dir, 'l.db'), key: 'lock-wait-test-key-lock-wait-test-00', keySetting: 'DB_KEY' };
    db = openSqlite(options);
    await migrateToLatest(db);
  });

  afterEach(async () => {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const ids = async () => (await db.kysely.selectFrom('audit_events').select('id').orderBy('id').execute()).map((r) => r.id);

  it('waits on timers: timers fire and reads run while its writes wait, and the writes land once the lock is free', async () => {
    const holder = await holdWriteLock(options);
    const outcomes: string[] = [];
    const inTransaction = track(
      outcomes,
      'transaction',
      db.kysely.transaction().execute((trx) => trx.insertInto('audit_events').values(auditEventRow('main-transaction')).execute()),
    );
    const autocommit = track(outcomes, 'autocommit', db.kysely.insertInto('audit_events').values(auditEventRow('main-autocommit')).execute());
    await sleep(20);
    expect(outcomes).toEqual([]);
    // The waiting writes have given the connection back: a read is answered from the last commit.
    expect(await ids()).toEqual([]);
    expect(outcomes).toEqual([]);
    await holder.release();
    await Promise.all([inTransaction, autocommit]);
    expect(outcomes.sort()).toEqual(['autocommit committed', 'transaction committed']);
    expect(await ids()).toEqual(['from-holder', 'main-autocommit', 'main-transaction']);
  });

  it("gives up after its lock wait with SQLite's own busy error, as SQLite's busy timeout did, and writes nothing", async () => {
    const impatient = openSqlite({ ...options, lockWaitMs: 50 });
    const holder = await holdWriteLock(options);
    try {
      const order: string[] = [];
      const attempts = Promise.allSettled([
        impatient.kysely.insertInto('audit_events').values(auditEventRow('autocommit')).execute(),
        impatient.kysely.transaction().execute((trx) => trx.insertInto('audit_events').values(auditEventRow('transaction')).execute()),
      ]).then((settled) => {
        order.push('writes settled');
        return settled;
      });
      const timer = sleep(0).then(() => order.push('timer'));
      const settled = await attempts;
      await timer;
      expect(order).toEqual(['timer', 'writes settled']);
      for (const s of settled) {
        expect(s.status).toBe('rejected');
        // By name and code: the native addon is loaded once per process, so after another test file its
        // error class is not the one this file's module registry sees.
        const reason = (s as PromiseRejectedResult).reason as { name?: string; code?: string };
        expect([reason.name, reason.code]).toEqual(['SqliteError', 'SQLITE_BUSY']);
      }
    } finally {
      await holder.release();
      await impatient.close();
    }
    expect(await ids()).toEqual(['from-holder']);
  });
});
