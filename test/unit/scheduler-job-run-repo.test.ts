import { fixedClock } from '../../src/clock';
import type { Db } from '../../src/db/db';
import { createJobRunRepo } from '../../src/scheduler/job-run-repo';
import { createTestDb } from '../fakes/test-db';

const T0 = new Date('2026-11-30T02:30:00.000Z');
const LEASE = 60_000;

describe('job run repo (SQLite)', () => {
  let db: Db;
  const clock = fixedClock(T0);
  const iso = (offset = 0) => new Date(clock.now().getTime() + offset).toISOString();
  const claim = (owner: string, jobs = ['sync', 'insights']) =>
    createJobRunRepo(db).claim({ owner, now: iso(), leaseExpiresAt: iso(LEASE), jobs });

  beforeEach(async () => {
    db = await createTestDb();
    clock.set(T0);
  });
  afterEach(() => db.close());

  it('enqueues a (job, tenant, slot) once however often it is asked', async () => {
    const repo = createJobRunRepo(db);
    expect(await repo.enqueue('sync', 't1', '2026-11-30', T0, T0)).toBe(true);
    expect(await repo.enqueue('sync', 't1', '2026-11-30', T0, T0)).toBe(false);
    expect(await repo.enqueue('sync', 't1', '2026-12-01', T0, T0)).toBe(true);
    const rows = await db.kysely.selectFrom('job_runs').selectAll().execute();
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.state === 'queued' && r.attempts === 0)).toBe(true);
  });

  it('does not claim a run before its run_after', async () => {
    await createJobRunRepo(db).enqueue('sync', 't1', 's1', new Date(T0.getTime() + 1000), T0);
    expect(await claim('w1')).toBeUndefined();
    clock.advance(1000);
    const run = await claim('w1');
    expect(run).toMatchObject({ state: 'running', attempts: 1, lease_owner: 'w1', lease_expires_at: iso(LEASE) });
  });

  it('claims only jobs the worker knows', async () => {
    await createJobRunRepo(db).enqueue('deliver', 't1', 's1', T0, T0);
    expect(await claim('w1', ['sync'])).toBeUndefined();
    expect(await claim('w1', ['deliver'])).toMatchObject({ job: 'deliver' });
  });

  it('runs at most one run per (job, tenant) at a time', async () => {
    const repo = createJobRunRepo(db);
    await repo.enqueue('sync', 't1', 'manual-a', T0, T0);
    await repo.enqueue('sync', 't1', 'manual-b', T0, T0);
    await repo.enqueue('sync', 't2', 'manual-a', T0, T0);
    await repo.enqueue('insights', 't1', 'manual-a', T0, T0);
    const claimed = [await claim('w1'), await claim('w2'), await claim('w3'), await claim('w4')];
    const keys = claimed.filter((r) => r !== undefined).map((r) => `${r.job}:${r.tenant_id}`);
    expect(keys.sort()).toEqual(['insights:t1', 'sync:t1', 'sync:t2']);
    expect(claimed[3]).toBeUndefined();
  });

  it('reclaims a run whose lease expired, counting the attempt and keeping the checkpoint', async () => {
    const repo = createJobRunRepo(db);
    await repo.enqueue('sync', 't1', 's1', T0, T0);
    const first = await claim('w1');
    expect(first).toBeDefined();
    expect(await repo.saveCheckpoint(first!.id, 'w1', iso(), JSON.stringify({ page: 3 }))).toBe(true);
    clock.advance(LEASE - 1);
    expect(await claim('w2')).toBeUndefined();
    clock.advance(2);
    const second = await claim('w2');
    expect(second).toMatchObject({ id: first!.id, lease_owner: 'w2', attempts: 2, checkpoint_json: '{"page":3}' });
    // The old owner lost the lease: its heartbeat and finish no longer touch the row.
    expect(await repo.heartbeat(first!.id, 'w1', iso(), iso(LEASE))).toBe(false);
    expect(await repo.succeed({ id: first!.id, owner: 'w1', now: iso(), durationMs: 1, countersJson: null })).toBe(false);
  });

  it('release hands a run back as retrying, runnable now, without counting the attempt', async () => {
    const repo = createJobRunRepo(db);
    await repo.enqueue('sync', 't1', 's1', T0, T0);
    const run = await claim('w1');
    expect(await repo.release(run!.id, 'w1', iso())).toBe(true);
    const row = await db.kysely.selectFrom('job_runs').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'retrying', attempts: 0, lease_owner: null, lease_expires_at: null, run_after: iso() });
    expect(await claim('w2')).toMatchObject({ id: run!.id, attempts: 1 });
  });
});
