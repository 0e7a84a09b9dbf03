import { parentPort, workerData } from 'node:worker_threads';
import { sql } from 'kysely';
import type { ErpWorkHour } from '../../integrations/erp/erp-client';
import type { Db } from '../db/db';
import { openSqlite } from '../db/open-sqlite';
import { createPurgeFence } from '../retention/purge-runner';
import { createJobRunRepo } from '../scheduler/job-run-repo';
import { allFences, LeaseLostError, type FenceSpec, type WriteFence } from '../scheduler/write-fence';
import type { WriterThreadData } from './work-hours-thread';
import { createInlineWriter, writeRunOf } from './work-hours-writer';
import { toWire, type WriterReply, type WriterRequest } from './writer-wire';

/** The run's fence, rebuilt against this thread's connection. */
function fenceOf(spec: FenceSpec, db: Db): WriteFence {
  const fences: WriteFence[] = [];
  if (spec.purge) fences.push(createPurgeFence(db.dialect));
  const lease = spec.lease;
  if (lease) {
    const repo = createJobRunRepo(db);
    fences.push(async (trx) => {
      if (!(await repo.holdsLease(trx, lease.runId, lease.owner))) throw new LeaseLostError();
    });
  }
  return allFences(...fences);
}

const port = parentPort;
if (!port) throw new Error('work-hours-thread-main runs only as a worker thread');
const data = workerData as WriterThreadData;
const db = openSqlite(data.sqlite);
const writer = createInlineWriter(writeRunOf(db, data.session, fenceOf(data.fence, db)));

async function handle(request: WriterRequest): Promise<unknown> {
  switch (request.op) {
    case 'beginPass':
      return writer.beginPass(request.range);
    case 'write':
      return writer.write(request.entries as ErpWorkHour[]);
    case 'remove':
      return writer.remove(request.removal);
    case 'settlePass':
      return writer.settlePass();
    case 'close':
      try {
        await writer.close();
        // The run's pages go back into the database file from this thread, while no one waits for
        // it: the log then starts over at the next write, instead of leaving this copy to a later
        // commit, perhaps one on the event loop.
        await sql`pragma wal_checkpoint(PASSIVE)`.execute(db.kysely);
      } finally {
        await db.close();
      }
      return undefined;
  }
}

port.on('message', (request: WriterRequest) => {
  handle(request).then(
    (value) => port.postMessage({ id: request.id, ok: true, value: value ?? null } satisfies WriterReply),
    (err: unknown) => port.postMessage({ id: request.id, ok: false, error: toWire(err) } satisfies WriterReply),
  );
});
