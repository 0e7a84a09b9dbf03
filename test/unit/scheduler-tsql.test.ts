import { DummyDriver, Kysely, MssqlAdapter, MssqlIntrospector, MssqlQueryCompiler } from 'kysely';
import type { Database } from '../../src/db/schema';
import { createPurgeFence } from '../../src/retention/purge-runner';
import { jobRunQueries } from '../../src/scheduler/job-run-repo';

// SQL Server cannot run here: the T-SQL branch is compiled and snapshotted, not executed.
const mssql = new Kysely<Database>({
  dialect: {
    createAdapter: () => new MssqlAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new MssqlIntrospector(db),
    createQueryCompiler: () => new MssqlQueryCompiler(),
  },
});
const q = jobRunQueries(mssql, 'mssql');
const NOW = '2026-11-30T02:30:00.000Z';
const LATER = '2026-11-30T02:32:00.000Z';

describe('job run queries compiled for SQL Server', () => {
  afterAll(() => mssql.destroy());

  it('claims with UPDLOCK, READPAST and ROWLOCK and returns the claimed row', () => {
    const compiled = q.claim({ owner: 'w1', now: NOW, leaseExpiresAt: LATER, jobs: ['sync', 'deliver'] });
    expect(compiled.sql).toContain('select top (1) * from job_runs as r with (updlock, readpast, rowlock)');
    expect(compiled.sql).toContain('output inserted.*');
    expect(compiled.sql).toContain('r.job in (@1, @2)');
    expect(compiled.parameters).toEqual(['sync', 'deliver', NOW, NOW, NOW, 'w1', LATER, NOW, NOW]);
    expect(compiled.sql).toMatchSnapshot();
  });

  it('enqueues with a guarded insert … where not exists', () => {
    const compiled = q.enqueue({ job: 'sync', tenantId: 't1', slot: '2026-11-30', runAfter: NOW, now: NOW });
    expect(compiled.sql).toMatch(/^insert into job_runs \(.*\)\nselect @1, .*\nwhere not exists \(select 1 from job_runs with \(updlock, holdlock\)/s);
    expect(compiled.parameters.slice(1)).toEqual(['sync', 't1', '2026-11-30', 'queued', 0, NOW, NOW, NOW, 'sync', 't1', '2026-11-30']);
    expect(compiled.sql).toMatchSnapshot();
  });

  it('heartbeat, finish and release only touch a run this worker still owns', () => {
    const compiled = [
      q.heartbeat('r1', 'w1', NOW, LATER),
      q.succeed({ id: 'r1', owner: 'w1', now: NOW, durationMs: 5, countersJson: '{"rows":1}' }),
      q.fail({ id: 'r1', owner: 'w1', now: NOW, durationMs: 5, countersJson: null, state: 'retrying', runAfter: LATER, errorClass: 'UpstreamError', errorMessage: 'x' }),
      q.release('r1', 'w1', NOW),
    ];
    for (const c of compiled) {
      expect(c.sql).toMatch(/where "id" = @\d+ and "lease_owner" = @\d+ and "state" = @\d+$/);
      expect(c.parameters.slice(-3)).toEqual(['r1', 'w1', 'running']);
    }
    expect(compiled.map((c) => c.sql)).toMatchSnapshot();
  });

  it('the lease fence reads the run with UPDLOCK and HOLDLOCK, so no claim lands before the writer commits', () => {
    const compiled = q.holdsLease('r1', 'w1');
    expect(compiled.sql).toBe("select id from job_runs with (updlock, holdlock) where id = @1 and lease_owner = @2 and state = 'running'");
    expect(compiled.parameters).toEqual(['r1', 'w1']);
  });

  it('the purge fence locks the purge records of the tenant the same way', async () => {
    const seen: string[] = [];
    const recording = new Kysely<Database>({
      dialect: {
        createAdapter: () => new MssqlAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (db) => new MssqlIntrospector(db),
        createQueryCompiler: () => new MssqlQueryCompiler(),
      },
      log: (event) => void seen.push(event.query.sql),
    });
    await createPurgeFence('mssql')(recording, { tenantId: 't1', personIds: ['p1'] });
    await recording.destroy();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toContain('from purge_records with (updlock, holdlock)');
    expect(seen[0]).toContain("where tenant_id = @1 and (state = 'running' or scope = 'tenant' or reason = 'erasure')");
  });
});
