import { fixedClock } from '../../src/clock';
import type { Db } from '../../src/db/db';
import type { JobContext, JobDefinition } from '../../src/scheduler/job-definition';
import { createJobRegistry } from '../../src/scheduler/job-registry';
import { createJobRunRepo } from '../../src/scheduler/job-run-repo';
import { dailySlot } from '../../src/scheduler/slots';
import { createWorker, onShutdown, type WorkerOptions } from '../../src/scheduler/worker';
import { createMemoryLogger } from '../fakes/memory-logger';
import { createTestDb } from '../fakes/test-db';
import { waitUntil } from '../fakes/wait-until';

const T0 = new Date('2026-11-30T02:30:00.000Z');
const LEASE = 60_000;

type Run = (deps: unknown, ctx: JobContext) => Promise<void>;
const job = (name: string, run: Run): JobDefinition<unknown> => ({
  name,
  scope: 'tenant',
  schedule: () => '30 2 * * *',
  slotFor: dailySlot,
  run,
});

describe('job worker', () => {
  let db: Db;
  const clock = fixedClock(T0);
  const rows = () => db.kysely.selectFrom('job_runs').selectAll().orderBy('tenant_id').execute();
  const worker = (jobs: JobDefinition<unknown>[], over: Partial<WorkerOptions<unknown>> = {}) =>
    createWorker<unknown>({
      db,
      clock,
      logger: createMemoryLogger(),
      jobs: createJobRegistry(jobs),
      deps: {},
      concurrency: 4,
      leaseMs: LEASE,
      pollMs: 10,
      maxAttempts: 3,
      workerId: 'w1',
      random: () => 0.5,
      ...over,
    });

  beforeEach(async () => {
    db = await createTestDb();
    clock.set(T0);
  });
  afterEach(() => db.close());

  it('runs a queued run once and records counters', async () => {
    await createJobRunRepo(db).enqueue('sync', 't1', '2026-11-30', T0, T0);
    const w = worker([
      job('sync', async (_deps, ctx) => {
        ctx.count('requests', 3);
        ctx.count('requests');
        clock.advance(1500);
      }),
    ]);
    expect(await w.runOnce()).toBe(1);
    expect(await w.runOnce()).toBe(0);
    const [row] = await rows();
    expect(row).toMatchObject({ state: 'succeeded', attempts: 1, duration_ms: 1500, counters_json: '{"requests":4}', lease_owner: null });
  });

  it('retries with backoff, then marks the run dead with a redacted error', async () => {
    await createJobRunRepo(db).enqueue('sync', 't1', 's', T0, T0);
    const w = worker([
      job('sync', async () => {
        throw new TypeError('ERP said no for anna.virtanen@example.com');
      }),
    ]);
    expect(await w.runOnce()).toBe(1);
    let [row] = await rows();
    // Full jitter with random 0.5: attempt 1 waits 0.5 × 30 s.
    expect(row).toMatchObject({ state: 'retrying', attempts: 1, run_after: new Date(T0.getTime() + 15_000).toISOString() });
    expect(await w.runOnce()).toBe(0);
    clock.advance(15_000);
    expect(await w.runOnce()).toBe(1);
    [row] = await rows();
    expect(row).toMatchObject({ state: 'retrying', attempts: 2, run_after: new Date(clock.now().getTime() + 30_000).toISOString() });
    clock.advance(30_000);
    expect(await w.runOnce()).toBe(1);
    [row] = await rows();
    expect(row).toMatchObject({ state: 'dead', attempts: 3, error_class: 'TypeError' });
    expect(row!.error_message).toBe('ERP said no for [redacted]');
    expect(row!.finished_at).toBe(clock.now().toISOString());
  });

  it('tells its observer how each run ended and how long it took', async () => {
    await createJobRunRepo(db).enqueue('sync', 't1', 's', T0, T0);
    await createJobRunRepo(db).enqueue('insights', 't1', 's', T0, T0);
    const seen: unknown[] = [];
    const w = worker(
      [
        job('sync', async () => {
          clock.advance(2000);
          throw new Error('upstream down');
        }),
        job('insights', async () => {
          clock.advance(500);
        }),
      ],
      { concurrency: 1, maxAttempts: 1, onRunFinished: (info) => seen.push(info) },
    );
    expect(await w.runOnce()).toBe(2);
    expect(seen).toEqual(
      expect.arrayContaining([
        { job: 'sync', outcome: 'dead', durationMs: 2000 },
        { job: 'insights', outcome: 'succeeded', durationMs: 500 },
      ]),
    );
    expect(seen).toHaveLength(2);
  });

  it('resumes a run whose lease expired and shows the saved checkpoint', async () => {
    const repo = createJobRunRepo(db);
    await repo.enqueue('sync', 't1', 's', T0, T0);
    const crashed = await repo.claim({ owner: 'gone', now: T0.toISOString(), leaseExpiresAt: new Date(T0.getTime() + LEASE).toISOString(), jobs: ['sync'] });
    await repo.saveCheckpoint(crashed!.id, 'gone', T0.toISOString(), JSON.stringify({ done: ['people'] }));
    const seen: { checkpoint: unknown; attempt: number }[] = [];
    const w = worker([job('sync', async (_d, ctx) => void seen.push({ checkpoint: ctx.checkpoint, attempt: ctx.attempt }))]);
    expect(await w.runOnce()).toBe(0);
    clock.advance(LEASE + 1);
    expect(await w.runOnce()).toBe(1);
    expect(seen).toEqual([{ checkpoint: { done: ['people'] }, attempt: 2 }]);
    expect((await rows())[0]).toMatchObject({ state: 'succeeded', lease_owner: null });
  });

  it('marks dead a run whose lease kept expiring past the attempt limit', async () => {
    const repo = createJobRunRepo(db);
    await repo.enqueue('sync', 't1', 's', T0, T0);
    for (let i = 0; i < 3; i += 1) {
      await repo.claim({ owner: `gone-${i}`, now: clock.now().toISOString(), leaseExpiresAt: new Date(clock.now().getTime() + LEASE).toISOString(), jobs: ['sync'] });
      clock.advance(LEASE + 1);
    }
    let ran = false;
    const w = worker([job('sync', async () => void (ran = true))]);
    await w.runOnce();
    expect(ran).toBe(false);
    expect((await rows())[0]).toMatchObject({ state: 'dead', attempts: 4, error_class: 'JobAbandoned' });
  });

  it('never runs more than `concurrency` runs at once', async () => {
    const repo = createJobRunRepo(db);
    for (let t = 0; t < 6; t += 1) await repo.enqueue('sync', `t${t}`, 's', T0, T0);
    let current = 0;
    let peak = 0;
    const w = worker(
      [
        job('sync', async () => {
          current += 1;
          peak = Math.max(peak, current);
          await new Promise((r) => setImmediate(r));
          current -= 1;
        }),
      ],
      { concurrency: 2 },
    );
    expect(await w.runOnce()).toBe(6);
    expect(peak).toBe(2);
    expect((await rows()).every((r) => r.state === 'succeeded')).toBe(true);
  });

  it('graceful stop waits for short work and hands back what does not finish', async () => {
    const repo = createJobRunRepo(db);
    await repo.enqueue('sync', 't1', 's', T0, T0);
    await repo.enqueue('insights', 't1', 's', T0, T0);
    let releaseSlow: () => void = () => undefined;
    let aborted = false;
    const w = worker([
      job('sync', (_d, ctx) => {
        ctx.signal.addEventListener('abort', () => (aborted = true));
        return new Promise<void>((resolve) => (releaseSlow = resolve));
      }),
      job('insights', async () => undefined),
    ]);
    const running = w.runOnce();
    await waitUntil(async () => w.activeCount() >= 1 && (await rows()).every((r) => r.job !== 'insights' || r.state === 'succeeded'), 'the slow run is active and the quick one done');
    expect(await w.stop(20)).toEqual({ released: 1 });
    expect(aborted).toBe(true);
    const sync = (await rows()).find((r) => r.job === 'sync');
    expect(sync).toMatchObject({ state: 'retrying', attempts: 0, lease_owner: null, run_after: clock.now().toISOString() });
    releaseSlow();
    await running;
    // The late finish of the stopped run must not overwrite the hand-back.
    expect((await rows()).find((r) => r.job === 'sync')).toMatchObject({ state: 'retrying' });
    expect((await rows()).find((r) => r.job === 'insights')).toMatchObject({ state: 'succeeded' });
  });

  it('start() polls and picks up runs enqueued later', async () => {
    const done: string[] = [];
    const w = worker([job('sync', async (_d, ctx) => void done.push(ctx.tenantId ?? '-'))]);
    w.start();
    await createJobRunRepo(db).enqueue('sync', 't9', 's', T0, T0);
    await waitUntil(() => done.length > 0, 'the polled run has finished');
    await w.stop(1000);
    expect(done).toEqual(['t9']);
  });

  it('heartbeats extend the lease while a run works, and a lost lease aborts the run', async () => {
    const repo = createJobRunRepo(db);
    await repo.enqueue('sync', 't1', 's', T0, T0);
    const lease = 30;
    const leaseOf = async () => (await rows())[0]!.lease_expires_at;
    let sawAbort = false;
    const w = worker(
      [
        job('sync', async (_d, ctx) => {
          clock.advance(10);
          const extended = new Date(clock.now().getTime() + lease).toISOString();
          await waitUntil(async () => (await leaseOf()) === extended, 'a heartbeat has extended the lease');
          // Someone else takes the run over (as if our lease had expired unnoticed).
          await db.kysely.updateTable('job_runs').set({ lease_owner: 'other' }).execute();
          await waitUntil(() => ctx.signal.aborted, 'the lost lease has aborted the run');
          sawAbort = true;
        }),
      ],
      { leaseMs: lease },
    );
    await w.runOnce();
    expect(sawAbort).toBe(true);
    // The late finish did not touch the run that now belongs to someone else.
    expect((await rows())[0]).toMatchObject({ state: 'running', lease_owner: 'other' });
  });

  it('onShutdown starts the shutdown once, however many signals arrive, and unsubscribes', async () => {
    let shutdowns = 0;
    const unsubscribe = onShutdown(() => {
      shutdowns += 1;
    }, ['SIGUSR2', 'SIGHUP']);
    process.emit('SIGUSR2');
    process.emit('SIGHUP');
    expect(shutdowns).toBe(1);
    unsubscribe();
    expect([process.listenerCount('SIGUSR2'), process.listenerCount('SIGHUP')]).toEqual([0, 0]);
  });
});
