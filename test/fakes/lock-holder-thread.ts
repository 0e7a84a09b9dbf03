/**
 * Worker-thread entry for the lock-wait tests: opens the SQLite file given as workerData on its own
 * connection, writes a row in a transaction, posts "held" and keeps the write lock until any message
 * comes, then commits, closes and posts "released". It runs on another thread because a lock held by
 * the test's own thread could not be let go while that thread waits for it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite, type SqliteOptions } from '../../src/db/open-sqlite';
import { auditEventRow } from './audit-event-row';

const port = parentPort;
if (!port) throw new Error('lock-holder-thread runs only as a worker thread');
const db = openSqlite({ ...(workerData as SqliteOptions), ownThread: true });
const letGo = new Promise<void>((resolve) => port.once('message', () => resolve()));
void db.kysely
  .transaction()
  .execute(async (trx) => {
    await trx.insertInto('audit_events').values(auditEventRow('from-holder')).execute();
    port.postMessage('held');
    await letGo;
  })
  .then(() => db.close())
  .then(() => port.postMessage('released'));
