import { erpAdapters } from '../../integrations/erp-adapters';
import { createErpRegistry } from '../../integrations/erp/registry';
import { sql } from 'kysely';
import type { ErpClient } from '../../integrations/erp/erp-client';
import type { PipelineDeps } from '../../jobs/pipeline-deps';
import { syncJob } from '../../jobs/sync';
import type { Database } from '../../src/db/schema';
import { subjectDigest } from '../../src/crypto/subject-digest';
import { createPurgeFence } from '../../src/retention/purge-runner';
import { createRetentionService, type RetentionService } from '../../src/retention/retention.service';
import { createJobControl } from '../../src/scheduler/job-control';
import { createJobRegistry } from '../../src/scheduler/job-registry';
import { createWorker, type WorkerTimers } from '../../src/scheduler/worker';
import { secretName } from '../../src/secrets/secret-store';
import { createTenantsService } from '../../src/tenants/tenants.service';
import { createManualTimers } from '../fakes/manual-timers';
import { createMemoryLogger, type LogRecord } from '../fakes/memory-logger';
import { createMemorySecretStore } from '../fakes/memory-secret-store';
import { waitUntil } from '../fakes/wait-until';
import { createSyncHarness, type SyncHarness } from '../fakes/sync-harness';

const LEASE = 60_000;
const RETENTION = { tenantMonths: 6, personMonths: 6, factsMonths: 25, insightsMonths: 13, deliveriesMonths: 13, jobRunsDays: 90 };
const TENANT_TABLES: (keyof Database & string)[] = ['people', 'work_contracts', 'work_entries', 'daily_facts', 'projects', 'sync_state', 'tenant_keys', 'job_runs'];
const PERSON_TABLES = ['people', 'work_contracts', 'work_entries', 'daily_facts'] as const;

/** A client whose work-hour reads stop after their first page until `hook` resolves: the drill's moment. */
function clientWithHook(base: ErpClient, hook: (firstPage: { personId: string }[]) => Promise<void>): ErpClient {
  let fired = false;
  return {
    ...base,
    workHours: (q) => ({
      async *[Symbol.asyncIterator]() {
        for await (const page of base.workHours(q)) {
          yield page;
          if (!fired) {
            fired = true;
            await hook(page);
          }
        }
      },
    }),
  };
}

describe('a sync fenced against purges and lost leases (real simulator, real SQLCipher file)', () => {
  let h: SyncHarness;
  let logs: LogRecord[];
  let retention: RetentionService;
  const secrets = createMemorySecretStore();

  async function addTenant(contractEnd: string | null): Promise<void> {
    const ts = h.clock.now().toISOString();
    await h.db.kysely
      .insertInto('tenants')
      .values({ id: h.tenant.id, display_name: 'Customer A', erp_kind: 'severa', erp_base_url: h.sim.url, contract_start: '2024-01-01', contract_end: contractEnd, timezone: h.tenant.timezone, country: 'FI', default_language: 'fi', status: 'active', settings_json: '{}', created_at: ts, updated_at: ts })
      .execute();
    await secrets.set(secretName('erp', h.tenant.id), '{"clientId":"client-1","clientSecret":"sim-secret-value-1"}');
  }

  function worker(workerId: string, erp: () => ErpClient, timers?: WorkerTimers) {
    const unused = async (): Promise<never> => {
      throw new Error('not part of this test');
    };
    const deps: PipelineDeps = {
      tenants: createTenantsService({ db: h.db, clock: h.clock, erp: createErpRegistry(erpAdapters) }),
      sync: h.sync,
      insights: { computeForTenant: unused },
      delivery: { deliverPeriod: unused },
      clock: h.clock,
      erpFor: async () => erp(),
      purgeFence: createPurgeFence(h.db.dialect),
    };
    return createWorker({ db: h.db, clock: h.clock, logger: createMemoryLogger(logs), jobs: createJobRegistry([syncJob]), deps, concurrency: 1, leaseMs: LEASE, pollMs: 1000, maxAttempts: 3, workerId, random: () => 0.5, timers });
  }

  const count = async (table: keyof Database & string, where: Record<string, string>) => {
    let q = h.db.kysely.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'));
    for (const [column, value] of Object.entries(where)) q = q.where(sql.ref(column), '=', value);
    return Number((await q.executeTakeFirstOrThrow()).n);
  };
  const messages = (message: string) => logs.filter((l) => l.message === message);

  beforeEach(async () => {
    logs = [];
    h = await createSyncHarness({ employees: 10, months: 3 });
    retention = createRetentionService({ db: h.db, clock: h.clock, envelope: h.envelope, secrets, logger: createMemoryLogger(logs), config: RETENTION });
  });
  afterEach(() => h.close());

  it('a tenant purge that runs during the sync leaves nothing behind: the sync stops at its next write', async () => {
    // The contract ended more than six months before the harness's today (2026-11-26).
    await addTenant('2026-05-01');
    const control = createJobControl({ db: h.db, clock: h.clock, registry: createJobRegistry([syncJob]) });
    await control.enqueueNow('sync', h.tenant.id);
    let purged: Awaited<ReturnType<RetentionService['purgeDue']>> | undefined;
    const w = worker('w1', () =>
      clientWithHook(h.client(), async () => {
        purged = await retention.purgeDue();
      }),
    );
    expect(await w.runOnce()).toBe(1);

    expect(purged?.tenants.map((t) => t.tenantId)).toEqual([h.tenant.id]);
    expect(h.logs.filter((l) => l.message === 'sync finished')).toEqual([]);
    expect(messages('Job run stopped; the run is no longer ours (lease lost or record purged), nothing recorded')[0]?.meta).toMatchObject({ errorClass: 'PurgeConflictError' });
    for (const table of TENANT_TABLES) expect([table, await count(table, { tenant_id: h.tenant.id })]).toEqual([table, 0]);
    expect(await h.db.kysely.selectFrom('tenants').select('status').executeTakeFirstOrThrow()).toEqual({ status: 'purged' });
    // The next daily purge finds nothing left under the purged tenant.
    expect((await retention.purgeDue()).leftovers).toBe(0);
  });

  it('an erasure during the sync: the person gets no new rows, and the retried sync succeeds without them', async () => {
    await addTenant(null);
    const control = createJobControl({ db: h.db, clock: h.clock, registry: createJobRegistry([syncJob]) });
    const run = await control.enqueueNow('sync', h.tenant.id);
    let erased = '';
    const w = worker('w1', () =>
      clientWithHook(h.client(), async (page) => {
        erased = page[0]!.personId;
        await retention.purgePerson(h.tenant.id, erased, 'erasure');
      }),
    );
    expect(await w.runOnce()).toBe(1);
    expect(await control.get(run.id)).toMatchObject({ state: 'retrying', error_class: 'PurgeConflictError' });
    for (const table of PERSON_TABLES) expect([table, await count(table, { tenant_id: h.tenant.id, erp_person_id: erased })]).toEqual([table, 0]);

    h.clock.advance(60_000);
    expect(await worker('w2', () => h.client()).runOnce()).toBe(1);
    expect(await control.get(run.id)).toMatchObject({ state: 'succeeded', attempts: 2 });
    expect(await count('work_entries', { tenant_id: h.tenant.id })).toBeGreaterThan(100);
    for (const table of PERSON_TABLES) expect([table, await count(table, { tenant_id: h.tenant.id, erp_person_id: erased })]).toEqual([table, 0]);
    const record = await h.db.kysely.selectFrom('purge_records').selectAll().executeTakeFirstOrThrow();
    expect(record).toMatchObject({ state: 'completed', subject_id: subjectDigest(h.tenant.id, erased) });
  });

  it('a worker paused past its lease mid-sync: the run is completed once, by the worker that took it over', async () => {
    await addTenant(null);
    const control = createJobControl({ db: h.db, clock: h.clock, registry: createJobRegistry([syncJob]) });
    const run = await control.enqueueNow('sync', h.tenant.id);
    let paused: () => void = () => undefined;
    let resume: () => void = () => undefined;
    const reachedPause = new Promise<void>((resolve) => (paused = resolve));
    const timersA = createManualTimers();
    const a = worker(
      'a',
      () =>
        clientWithHook(h.client(), async () => {
          paused();
          await new Promise<void>((resolve) => (resume = resolve));
        }),
      timersA,
    );
    a.start();
    timersA.fireTimeouts(1000);
    await reachedPause;
    // SIGSTOP for longer than the lease: no heartbeat; worker b claims the expired run and syncs.
    h.clock.advance(LEASE + 5000);
    expect(await worker('b', () => h.client()).runOnce()).toBe(1);
    const entries = await count('work_entries', { tenant_id: h.tenant.id });
    expect(entries).toBeGreaterThan(100);

    // SIGCONT: a resumes with the pages it had read; its next write meets the lost lease.
    resume();
    // The write goes through the writer thread, so its answer takes real time, not only event-loop turns.
    await waitUntil(() => a.activeCount() === 0, 'worker a to stop its run');
    expect(h.logs.filter((l) => l.message === 'sync finished')).toHaveLength(1);
    expect(messages('Job run succeeded').map((l) => l.meta.attempt)).toEqual([2]);
    expect(messages('Job run stopped; the run is no longer ours (lease lost or record purged), nothing recorded')[0]?.meta).toMatchObject({ attempt: 1, errorClass: 'LeaseLostError' });
    expect(await control.get(run.id)).toMatchObject({ state: 'succeeded', attempts: 2, lease_owner: null });
    expect(await count('work_entries', { tenant_id: h.tenant.id })).toBe(entries);
    await a.stop(0);
  });
});
