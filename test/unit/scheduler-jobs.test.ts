import { erpAdapters } from '../../integrations/erp-adapters';
import { createErpRegistry } from '../../integrations/erp/registry';
import { fixedClock } from '../../src/clock';
import { createKyselyDataKeyRepo } from '../../src/crypto/data-key-repo';
import { createEnvelope } from '../../src/crypto/envelope';
import { createSecretStoreKeyProvider } from '../../src/crypto/key-provider';
import type { Db } from '../../src/db/db';
import { allJobs, createAppJobRegistry, createJobControl, createWorker, type JobContext, type JobDeps } from '../../jobs';
import { keyRotationJob } from '../../jobs/key-rotation';
import { openFence } from '../../src/scheduler/write-fence';
import { createTenantsService } from '../../src/tenants/tenants.service';
import { createMemoryLogger } from '../fakes/memory-logger';
import { createMemorySecretStore } from '../fakes/memory-secret-store';
import { createTestDb } from '../fakes/test-db';

const DAY = 86_400_000;

describe('registered jobs', () => {
  let db: Db;
  const clock = fixedClock(new Date('2026-01-01T00:00:00.000Z'));
  beforeEach(async () => {
    db = await createTestDb();
    clock.set(new Date('2026-01-01T00:00:00.000Z'));
  });
  afterEach(() => db.close());

  function setup() {
    const secrets = createMemorySecretStore();
    const keys = createSecretStoreKeyProvider({ secrets });
    const dataKeys = createKyselyDataKeyRepo(db.kysely);
    const envelope = createEnvelope({ keys, repo: dataKeys, clock });
    const purgeCalls: number[] = [];
    const unused = async (): Promise<never> => {
      throw new Error('the pipeline is not part of this test');
    };
    const deps: JobDeps = {
      tenants: { get: unused },
      sync: { syncTenant: unused },
      insights: { computeForTenant: unused },
      delivery: { deliverPeriod: unused },
      erpFor: unused,
      purgeFence: openFence,
      envelope,
      dataKeys,
      clock,
      keyRotation: { dataKeyMaxAgeDays: 90 },
      retention: {
        purgeDue: async () => {
          purgeCalls.push(1);
          return { resumed: 0, tenants: [], persons: [], leftovers: 0, rolling: { daily_facts: 7 } };
        },
      },
    };
    return { deps, envelope, dataKeys, keys, purgeCalls };
  }

  it('are the per-tenant pipeline and the global jobs, with valid slots and unique names', () => {
    expect(createAppJobRegistry().names()).toEqual(['sync', 'insights', 'deliver', 'retention-purge', 'key-rotation']);
    const at = new Date('2026-11-30T03:30:00.000Z');
    expect(allJobs.map((j) => [j.scope, j.slotFor(at, 'UTC')])).toEqual([
      ['tenant', '2026-11-30'],
      ['tenant', '2026-11-30'],
      ['tenant', '2026-W49'],
      ['global', '2026-11-30'],
      ['global', '2026-11'],
    ]);
  });

  it('run through the worker with counters on the run record', async () => {
    const { deps, purgeCalls } = setup();
    const registry = createAppJobRegistry();
    const control = createJobControl({ db, clock, registry });
    const run = await control.enqueueNow('retention-purge', null);
    const worker = createWorker({ db, clock, logger: createMemoryLogger(), jobs: registry, deps, concurrency: 2, leaseMs: 60_000, pollMs: 50, maxAttempts: 3, workerId: 'w' });
    expect(await worker.runOnce()).toBe(1);
    expect(purgeCalls).toHaveLength(1);
    expect(await control.get(run.id)).toMatchObject({ state: 'succeeded', counters_json: JSON.stringify({ purgesResumed: 0, tenantsPurged: 0, personsPurged: 0, 'rolling.daily_facts': 7 }) });
  });

  it.each(['suspended', 'ended'])('runs of a %s tenant, manual ones too, are cancelled before anything reaches its ERP', async (status) => {
    const { deps } = setup();
    const tenants = createTenantsService({ db, clock, erp: createErpRegistry(erpAdapters) });
    const tenant = await tenants.create({ displayName: 'Customer One', erpKind: 'severa', contractStart: '2025-01-01', contractEnd: null, timezone: 'Europe/Helsinki', country: 'FI', defaultLanguage: 'fi' });
    const erpCalls: string[] = [];
    const registry = createAppJobRegistry();
    const control = createJobControl({ db, clock, registry });
    // "Run now" pressed while the tenant was active; staff suspend (or end) it before a worker gets there.
    for (const job of ['sync', 'insights', 'deliver']) await control.enqueueNow(job, tenant.id);
    await tenants.update(tenant.id, { status: status as 'suspended' | 'ended' });
    const worker = createWorker({
      db,
      clock,
      logger: createMemoryLogger(),
      jobs: registry,
      deps: {
        ...deps,
        tenants,
        erpFor: async (id) => {
          erpCalls.push(id);
          throw new Error('the ERP must not be called');
        },
      },
      concurrency: 1,
      leaseMs: 60_000,
      pollMs: 50,
      maxAttempts: 3,
      workerId: 'w',
    });
    expect(await worker.runOnce()).toBe(3);
    expect(erpCalls).toEqual([]);
    const runs = await control.list({ limit: 10 });
    expect(runs.map((r) => [r.job, r.state, r.attempts, r.error_class, r.error_message]).sort()).toEqual(
      ['deliver', 'insights', 'sync'].map((job) => [job, 'cancelled', 1, 'RunCancelledError', `The tenant is ${status}; its jobs do not run`]),
    );
    expect(runs.every((r) => r.finished_at === clock.now().toISOString())).toBe(true);
    await expect(control.enqueueNow('sync', tenant.id)).rejects.toMatchObject({ status: 403, code: `tenant_${status}` });
  });

  it('a run of a tenant whose stored zone is unknown stops once, saying what to fix, instead of failing every retry', async () => {
    const { deps } = setup();
    const tenants = createTenantsService({ db, clock, erp: createErpRegistry(erpAdapters) });
    const tenant = await tenants.create({ displayName: 'Customer Zone', erpKind: 'severa', contractStart: '2025-01-01', contractEnd: null, timezone: 'Europe/Helsinki', country: 'FI', defaultLanguage: 'fi' });
    // A row stored before zones were checked.
    await db.kysely.updateTable('tenants').set({ timezone: 'Not/AZone' }).where('id', '=', tenant.id).execute();
    const registry = createAppJobRegistry();
    const control = createJobControl({ db, clock, registry });
    const run = await control.enqueueNow('sync', tenant.id);
    const worker = createWorker({ db, clock, logger: createMemoryLogger(), jobs: registry, deps: { ...deps, tenants }, concurrency: 1, leaseMs: 60_000, pollMs: 50, maxAttempts: 3, workerId: 'w' });
    expect(await worker.runOnce()).toBe(1);
    expect(await control.get(run.id)).toMatchObject({ state: 'cancelled', attempts: 1, error_message: expect.stringContaining('time zone is not a known IANA zone') });
  });

  it('key rotation re-wraps under a new KEK and rotates only old data keys, once per checkpoint', async () => {
    const { deps, envelope, dataKeys, keys } = setup();
    const ctxFor = (checkpoint: unknown) => {
      const saved: unknown[] = [];
      const counts: Record<string, number> = {};
      const ctx: JobContext = {
        runId: 'r', tenantId: null, slot: '2026-04', attempt: 1, checkpoint,
        saveCheckpoint: async (v) => void saved.push(JSON.parse(JSON.stringify(v))),
        count: (n, by = 1) => void (counts[n] = (counts[n] ?? 0) + by),
        signal: new AbortController().signal, leaseFence: openFence, lease: { runId: 'r', owner: 'w' }, logger: createMemoryLogger(),
      };
      return { ctx, saved, counts };
    };
    const ctxOld = { tenantId: 'old', table: 'daily_facts', column: 'absence_minutes_enc', rowId: 'p|2026-01-01' };
    const secret = await envelope.encrypt(ctxOld, '120');
    clock.advance(80 * DAY);
    await envelope.encrypt({ ...ctxOld, tenantId: 'new' }, '60');
    clock.advance(20 * DAY);

    const first = ctxFor(null);
    await keyRotationJob.run(deps, first.ctx);
    expect(first.counts).toEqual({ dataKeysRewrapped: 2, dataKeysRotated: 1 });
    expect((await dataKeys.active('old'))!.version).toBe(2);
    expect((await dataKeys.active('new'))!.version).toBe(1);
    expect((await keys.getKek()).version).toBe(2);
    expect(await envelope.decrypt(ctxOld, secret)).toBe('120');
    expect(first.saved.at(-1)).toEqual({ kekRotated: true, done: ['new', 'old'] });

    // A resumed attempt whose checkpoint says the KEK is done does not rotate it again.
    const resumed = ctxFor({ kekRotated: true, done: ['new'] });
    await keyRotationJob.run(deps, resumed.ctx);
    expect((await keys.getKek()).version).toBe(2);
    expect(resumed.counts).toEqual({});
  });
});
