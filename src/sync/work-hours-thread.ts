import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SqliteOptions } from '../db/open-sqlite';
import type { Logger } from '../logging/logger';
import type { WorkHoursWriter, WorkHoursWriters, WriterSession } from './work-hours-writer';
import { fromWire, type WriterReply, type WriterRequest } from './writer-wire';
import type { FenceSpec } from '../scheduler/write-fence';

/** What the writer thread is started with. */
export interface WriterThreadData {
  sqlite: SqliteOptions;
  session: WriterSession;
  fence: FenceSpec;
}

type Op = WriterRequest extends infer R ? (R extends { op: infer O } ? O : never) : never;
type Args<O extends Op> = Omit<Extract<WriterRequest, { op: O }>, 'id' | 'op'>;

/**
 * The writer touches index pages spread over the whole file: a large cache holds them decrypted in
 * memory for little gain (the same wall time at 4 MiB as at 32 MiB in the sync benchmark).
 */
const WRITER_CACHE_KIB = 4096;

/**
 * The thread holds at most the batches in flight, the run's contracts and its calendar (about 20 MB
 * live for 1,000 employees); left to V8's defaults its heap grew to 80 MB of mostly garbage on the
 * 1,000-employee backfill. A thread that outgrows this fails its run, not the process.
 */
const WRITER_HEAP = { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8 };

/** The entry file beside this one: TypeScript under tsx and jest, compiled JavaScript in production. */
const ENTRY = path.join(__dirname, `work-hours-thread-main${path.extname(__filename)}`);

/**
 * Work-hour writes on a worker thread with its own connection to the same SQLCipher file: SQLite
 * calls block their thread, so on the main thread every write batch would stall reading the next
 * pages and every web request. Rows cross as structured-clone copies; the fence goes as data and is
 * checked inside the thread's own transactions.
 */
export function threadWriters(sqlite: SqliteOptions, logger: Logger): WorkHoursWriters {
  return (session, fence) => {
    const workerData: WriterThreadData = { sqlite: { ...sqlite, cacheKib: WRITER_CACHE_KIB, ownThread: true }, session, fence: fence.spec };
    // Uncompiled, the thread registers tsx (a development dependency) before loading its TypeScript entry.
    const worker = ENTRY.endsWith('.ts')
      ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(ENTRY)});`, { eval: true, workerData, resourceLimits: WRITER_HEAP })
      : new Worker(ENTRY, { workerData, resourceLimits: WRITER_HEAP });
    const pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
    let nextId = 0;
    let gone: Error | undefined;
    const failAll = (err: Error) => {
      gone ??= err;
      for (const p of pending.values()) p.reject(gone);
      pending.clear();
    };
    worker.on('message', (reply: WriterReply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.value);
      else p.reject(fromWire(reply.error));
    });
    worker.on('error', (err) => {
      logger.error('work-hour writer thread failed', { error: err.name });
      failAll(err);
    });
    const exited = new Promise<void>((resolve) =>
      worker.once('exit', (code) => {
        failAll(new Error(`The work-hour writer thread stopped (exit code ${code})`));
        resolve();
      }),
    );
    const call = <O extends Op, T>(op: O, args: Args<O>): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        if (gone) return reject(gone);
        const id = nextId++;
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        worker.postMessage({ id, op, ...args });
      });
    const writer: WorkHoursWriter = {
      beginPass: (range) => call('beginPass', { range }),
      write: (entries) => call('write', { entries }),
      remove: (removal) => call('remove', { removal }),
      settlePass: () => call('settlePass', {}),
      // Like the inline writer's, close does not throw: a failed write already reported its own error.
      close: async () => {
        try {
          if (!gone) await call('close', {});
        } catch (err) {
          logger.warn('work-hour writer thread did not close cleanly', { error: (err as Error).name });
        } finally {
          await worker.terminate();
          await exited;
        }
      },
    };
    return writer;
  };
}
