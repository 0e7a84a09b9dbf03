import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import { sql } from 'kysely';
import { fixedClock } from '../../src/clock';
import type { Db } from '../../src/db/db';
import { migrateToLatest } from '../../src/db/migrate';
import { openSqlite } from '../../src/db/open-sqlite';
import type { JobContext, JobDefinition } from '../../src/scheduler/job-definition';
import { createJobRegistry } from '../../src/scheduler/job-registry';
import { createJobRunRepo } from '../../src/scheduler/job-run-repo';
import { dailySlot } from '../../src/scheduler/slots';
import { createWorker, describeError, type WorkerOptions } from '../../src/scheduler/worker';
import { LeaseLostError } from '../../src/scheduler/write-fence';
import { createManualTimers, settle } from '../fakes/manual-timers';
import { createMemoryLogger, type LogRecord } from '../fakes/memory-logger';
import { createTestDb } from '../fakes/test-db';

const T0 = new Date('2026-11-30T02:30:00.000Z');
const LEASE = 60_000;
const POLL = 2000;

type Run = (deps: unknown, ctx: JobContext) => Promise<void>;
const job = (name: string, run: Run): JobDefinition<unknown> => ({ name, scope: 'tenant', schedule: () => '30 2 * * *', slotFor: dailySlot, run });

/** Lets the worker's promise chains run until `done()` holds or the queue has clearly gone quiet. */
async function until(done: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await done()); i += 1) await settle(1);
}

describe('job worker under the drills’ faults', () => {
  let db: Db;
  let logs: LogRecord[];
  const clock = fixedClock(T0);
  const rows = () => db.kysely.selectFrom('job_runs').selectAll().orderBy('tenant_id').execute();
  const worker = (jobs: JobDefinition<unknown>[], over: Partial<WorkerOptions<unknown>>) =>
    createWorker<unknown>({
      db,
      clock,
      logger: createMemoryLogger(logs),
      jobs: createJobRegistry(jobs),
      deps: {},
      concurrency: 4,
      leaseMs: LEASE,
      pollMs: POLL,
      maxAttempts: 3,
      workerId: 'w1',
      random: () => 0.5,
      ...over,
    });
  const messages = (message: string) => logs.filter((l) => l.message === message);

  beforeEach(() => {
    logs = [];
    clock.set(T0);
  });

  it('describes errors from another realm by shape and puts a driver code first', () => {
    const foreign = runInNewContext('e = new Error("socket hang up"); e.code = "ECONNRESET"; e') as unknown;
    expect(foreign instanceof Error).toBe(false);
    expect(describeError(foreign)).toEqual({ errorClass: 'Error', errorMessage: 'ECONNRESET: socket hang up' });
    expect(describeError(Object.assign(new RangeError('conflict here'), { code: 'conflict' }))).toEqual({ errorClass: 'RangeError', errorMessage: 'conflict here' });
    expect(describeError('plain')).toEqual({ errorClass: 'string', errorMessage: 'plain' });
  });

  describe('on an in-memory database', () => {
    beforeEach(async () => {
      db = await createTestDb();
    });
    afterEach(() => db.close());

    it('keeps claiming after a poll fired with every slot busy (8 tenants, JOB_CONCURRENCY=4)', async () => {
      const repo = createJobRunRepo(db);
      for (let t = 0; t < 8; t += 1) await repo.enqueue('sync', `t${t}`, '2026-11-30', T0, T0);
      const gates: (() => void)[] = [];
      const timers = createManualTimers();
      const w = worker([job('sync', () => new Promise<void>((resolve) => gates.push(resolve)))], { timers });
      w.start();
      timers.fireTimeouts(POLL);
      await until(() => gates.length === 4);
      expect(w.activeCount()).toBe(4);
      // The drill's trigger: the poll fires while all four slots are busy.
      timers.fireTimeouts(POLL);
      await settle();
      for (const open of gates.splice(0)) open();
      await until(() => gates.length === 4);
      for (const open of gates.splice(0)) open();
      await until(async () => (await rows()).every((r) => r.state === 'succeeded'));
      timers.fireTimeouts(POLL);
      await settle();
      expect((await rows()).map((r) => r.state)).toEqual(Array(8).fill('succeeded'));
      expect(w.activeCount()).toBe(0);
      await w.stop(0);
    });

    it('a worker paused past its lease does not complete the run a second time', async () => {
      const repo = createJobRunRepo(db);
      await repo.enqueue('sync', 't1', '2026-11-30', T0, T0);
      await sql`create table side_effects (run_id text not null, attempt integer not null)`.execute(db.kysely);
      let resume: () => void = () => undefined;
      const paused = new Promise<void>((resolve) => (resume = resolve));
      const seenAbort: boolean[] = [];
      const work = job('sync', async (_d, ctx) => {
        if (ctx.attempt === 1) await paused;
        seenAbort.push(ctx.signal.aborted);
        await db.kysely.transaction().execute(async (trx) => {
          await ctx.leaseFence(trx, { tenantId: 't1' });
          await sql`insert into side_effects (run_id, attempt) values (${ctx.runId}, ${ctx.attempt})`.execute(trx);
        });
      });
      const timersA = createManualTimers();
      const a = worker([work], { workerId: 'a', timers: timersA });
      a.start();
      timersA.fireTimeouts(POLL);
      await until(() => a.activeCount() === 1);
      // SIGSTOP: no heartbeat fires while the clock runs past the lease; worker b takes the run over.
      clock.advance(LEASE + 1000);
      const b = worker([work], { workerId: 'b', timers: createManualTimers() });
      expect(await b.runOnce()).toBe(1);
      expect((await rows())[0]).toMatchObject({ state: 'succeeded', attempts: 2 });

      // SIGCONT: a's job goes on to its next write, which its lost lease must stop.
      resume();
      await until(() => a.activeCount() === 0);
      const effects = await sql<{ attempt: number }>`select attempt from side_effects`.execute(db.kysely);
      expect(effects.rows).toEqual([{ attempt: 2 }]);
      expect(messages('Job run succeeded')).toHaveLength(1);
      expect(messages('Job run succeeded')[0]!.meta).toMatchObject({ attempt: 2 });
      expect(messages('Job run stopped; the run is no longer ours (lease lost or record purged), nothing recorded')[0]!.meta).toMatchObject({ attempt: 1, errorClass: 'LeaseLostError' });
      expect((await rows())[0]).toMatchObject({ state: 'succeeded', attempts: 2, lease_owner: null });
      await a.stop(0);
    });

    it('the heartbeat after a pause aborts the signal, and a finish that updates no row is not logged as success', async () => {
      await createJobRunRepo(db).enqueue('sync', 't1', '2026-11-30', T0, T0);
      let resume: () => void = () => undefined;
      const paused = new Promise<void>((resolve) => (resume = resolve));
      let reason: unknown;
      const timersA = createManualTimers();
      const a = worker(
        [
          job('sync', async (_d, ctx) => {
            if (ctx.attempt > 1) return;
            await paused;
            // The resumed process's first heartbeat finds the run taken and aborts the signal.
            timersA.fireIntervals();
            await until(() => ctx.signal.aborted);
            reason = ctx.signal.reason;
          }),
        ],
        { workerId: 'a', timers: timersA },
      );
      a.start();
      timersA.fireTimeouts(POLL);
      await until(() => a.activeCount() === 1);
      clock.advance(LEASE + 1000);
      expect(await worker([job('sync', async () => undefined)], { workerId: 'b', timers: createManualTimers() }).runOnce()).toBe(1);
      resume();
      await until(() => a.activeCount() === 0);
      expect(reason).toBeInstanceOf(LeaseLostError);
      expect(messages('Job run succeeded').map((l) => l.meta.attempt)).toEqual([2]);
      expect(messages('Job run finished, but the run is no longer ours (lease lost or record purged); nothing recorded').map((l) => l.meta.attempt)).toEqual([1]);
      await a.stop(0);
    });
  });

  describe('on a SQLCipher file that runs out of space', () => {
    let dir: string;
    beforeEach(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'worker-disk-full-'));
      db = openSqlite({ file: path.join(dir, 'jobs.db'), key: 'worker-disk-full-test-key', keySetting: 'DB_KEY' });
      await migrateToLatest(db);
    });
    afterEach(async () => {
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    const pageCount = async () => (await sql<{ page_count: number }>`pragma page_count`.execute(db.kysely)).rows[0]!.page_count;
    const setMaxPages = (n: number) => sql`pragma max_page_count = ${sql.raw(String(n))}`.execute(db.kysely);

    /** Grows the run's checkpoint to the largest size the full database still takes, then one write more fails. */
    async function fillRunRow(ctx: JobContext): Promise<never> {
      let fits = 0;
      let fails = 1;
      const save = async (n: number) => {
        try {
          await ctx.saveCheckpoint('x'.repeat(n));
          return true;
        } catch {
          return false;
        }
      };
      while (await save(fails)) [fits, fails] = [fails, fails * 2];
      while (fails - fits > 1) {
        const mid = Math.floor((fits + fails) / 2);
        if (await save(mid)) fits = mid;
        else fails = mid;
      }
      await save(fits);
      ctx.count('emails', 3);
      return ctx.saveCheckpoint('x'.repeat(fits + 1)) as Promise<never>;
    }

    it('disk full during a run: the outcome is recorded as soon as space is back, not left running for the lease', async () => {
      await createJobRunRepo(db).enqueue('deliver', 't1', '2026-W49', T0, T0);
      const timers = createManualTimers();
      const w = worker([job('deliver', (_d, ctx) => fillRunRow(ctx))], { timers, bookkeepingRetryMs: 500 });
      await setMaxPages(await pageCount());
      const running = w.runOnce();
      await until(() => messages('Job run bookkeeping failed, will try again').length > 0);
      const [retry] = messages('Job run bookkeeping failed, will try again');
      expect(retry!.meta).toMatchObject({ error: 'StorageFullError', attempt: 1, delayMs: 500 });
      expect((await rows())[0]).toMatchObject({ state: 'running' });

      // Still full at the first retry; space comes back before the second.
      timers.fireTimeouts(500);
      await until(() => messages('Job run bookkeeping failed, will try again').length > 1);
      await setMaxPages(1_000_000);
      timers.fireTimeouts(1000);
      await running;
      const [row] = await rows();
      expect(row).toMatchObject({ state: 'retrying', attempts: 1, lease_owner: null, lease_expires_at: null, error_class: 'StorageFullError', counters_json: '{"emails":3}' });
      expect(row!.error_message).toContain('SQLITE_FULL');
      expect(messages('Job run bookkeeping failed')).toEqual([]);
      expect(messages('Job run failed, will retry')).toHaveLength(1);
    });

    it('disk full for longer than a lease: the worker gives up and the expired lease lets the run be retried', async () => {
      await createJobRunRepo(db).enqueue('deliver', 't1', '2026-W49', T0, T0);
      const timers = createManualTimers();
      let attempts = 0;
      const w = worker(
        [
          job('deliver', async (_d, ctx) => {
            attempts += 1;
            if (ctx.attempt === 1) await fillRunRow(ctx);
          }),
        ],
        { timers, bookkeepingRetryMs: 500, leaseMs: 4000 },
      );
      await setMaxPages(await pageCount());
      const running = w.runOnce();
      // 500 + 1000 + 1000 + 1000 + 1000 ms of waiting covers the 4 s lease.
      for (let i = 0; i < 5; i += 1) {
        await until(() => timers.pending('timeout') > 0);
        timers.fireTimeouts();
      }
      await running;
      expect(messages('Job run bookkeeping failed')).toHaveLength(1);
      expect((await rows())[0]).toMatchObject({ state: 'running', attempts: 1 });
      await setMaxPages(1_000_000);
      clock.advance(4001);
      expect(await w.runOnce()).toBe(1);
      expect(attempts).toBe(2);
      expect((await rows())[0]).toMatchObject({ state: 'succeeded', attempts: 2 });
    });
  });
});
