import { sql, type CompiledQuery, type Kysely } from 'kysely';
import type { Db, Dialect } from '../db/db';
import type { Database, JobRun } from '../db/schema';
import { newId } from '../util/ids';


export interface ClaimParams {
  /** A token unique to this claim (worker ID + random suffix); every later write must present it. */
  owner: string;
  now: string;
  leaseExpiresAt: string;
  /** Only jobs this worker knows how to run. */
  jobs: string[];
}

export interface FinishParams {
  id: string;
  owner: string;
  now: string;
  durationMs: number;
  countersJson: string | null;
}

export interface FailParams extends FinishParams {
  /** 'retrying' with the next run_after, 'dead' when attempts are used up, 'cancelled' when there is nothing to do. */
  state: 'retrying' | 'dead' | 'cancelled';
  runAfter: string;
  errorClass: string;
  errorMessage: string;
}

/**
 * The statements of the run lifecycle, compiled per dialect. Kept apart from execution so the T-SQL
 * branch, which cannot run on these machines, can at least be compiled and snapshot-tested.
 */
export function jobRunQueries(kysely: Kysely<Database>, dialect: Dialect) {
  const guardOwner = (id: string, owner: string) =>
    kysely.updateTable('job_runs').where('id', '=', id).where('lease_owner', '=', owner).where('state', '=', 'running');

  return {
    enqueue(row: { job: string; tenantId: string; slot: string; runAfter: string; now: string }): CompiledQuery {
      const values = {
        id: newId(),
        job: row.job,
        tenant_id: row.tenantId,
        slot: row.slot,
        state: 'queued',
        attempts: 0,
        run_after: row.runAfter,
        created_at: row.now,
        updated_at: row.now,
      };
      if (dialect === 'sqlite') {
        return kysely
          .insertInto('job_runs')
          .values(values)
          .onConflict((oc) => oc.columns(['job', 'tenant_id', 'slot']).doNothing())
          .compile();
      }
      // UPDLOCK+HOLDLOCK keeps the key range locked between the check and the insert; a racing
      // replica that still slips through gets error 2627/2601, which the repo treats as "already there".
      return sql`insert into job_runs (id, job, tenant_id, slot, state, attempts, run_after, created_at, updated_at)
select ${values.id}, ${values.job}, ${values.tenant_id}, ${values.slot}, ${values.state}, ${values.attempts}, ${values.run_after}, ${values.created_at}, ${values.updated_at}
where not exists (select 1 from job_runs with (updlock, holdlock) where job = ${values.job} and tenant_id = ${values.tenant_id} and slot = ${values.slot})`.compile(kysely);
    },

    claim(p: ClaimParams): CompiledQuery {
      const set = { owner: p.owner, now: p.now, lease: p.leaseExpiresAt };
      if (dialect === 'sqlite') {
        const next = kysely
          .selectFrom('job_runs as r')
          .select('r.id')
          .where('r.job', 'in', p.jobs)
          .where((eb) =>
            eb.or([
              eb.and([eb('r.state', 'in', ['queued', 'retrying']), eb('r.run_after', '<=', p.now)]),
              eb.and([eb('r.state', '=', 'running'), eb('r.lease_expires_at', '<', p.now)]),
            ]),
          )
          .where((eb) =>
            eb.not(
              eb.exists(
                eb
                  .selectFrom('job_runs as o')
                  .select(sql.lit(1).as('one'))
                  .whereRef('o.job', '=', 'r.job')
                  .whereRef('o.tenant_id', '=', 'r.tenant_id')
                  .whereRef('o.id', '<>', 'r.id')
                  .where('o.state', '=', 'running')
                  .where('o.lease_expires_at', '>=', p.now),
              ),
            ),
          )
          .orderBy('r.run_after')
          .orderBy('r.id')
          .limit(1);
        return kysely
          .updateTable('job_runs')
          .set({
            state: 'running',
            attempts: sql<number>`attempts + 1`,
            lease_owner: set.owner,
            lease_expires_at: set.lease,
            started_at: set.now,
            updated_at: set.now,
          })
          .where('id', '=', next)
          // Re-checked on the row itself, so the statement can never take a run that is not claimable.
          .where((eb) =>
            eb.or([eb('state', 'in', ['queued', 'retrying']), eb.and([eb('state', '=', 'running'), eb('lease_expires_at', '<', p.now)])]),
          )
          .returningAll()
          .compile();
      }
      // READPAST skips rows another replica is claiming right now; the NOT EXISTS reads without it so
      // a run that is being claimed for the same (job, tenant) blocks instead of being skipped.
      return sql`with next as (
  select top (1) * from job_runs as r with (updlock, readpast, rowlock)
  where r.job in (${sql.join(p.jobs)})
    and ((r.state in ('queued', 'retrying') and r.run_after <= ${p.now}) or (r.state = 'running' and r.lease_expires_at < ${p.now}))
    and not exists (select 1 from job_runs as o where o.job = r.job and o.tenant_id = r.tenant_id and o.id <> r.id and o.state = 'running' and o.lease_expires_at >= ${p.now})
  order by r.run_after, r.id
)
update next set state = 'running', attempts = attempts + 1, lease_owner = ${set.owner}, lease_expires_at = ${set.lease}, started_at = ${set.now}, updated_at = ${set.now}
output inserted.*`.compile(kysely);
    },

    heartbeat(id: string, owner: string, now: string, leaseExpiresAt: string): CompiledQuery {
      return guardOwner(id, owner).set({ lease_expires_at: leaseExpiresAt, updated_at: now }).compile();
    },

    /**
     * Reads the run inside the caller's write transaction. On SQL Server UPDLOCK+HOLDLOCK keep the row
     * locked until that transaction ends, so a claim cannot take the run between this check and the
     * writes; SQLite's BEGIN IMMEDIATE already serialises every write transaction.
     */
    holdsLease(id: string, owner: string): CompiledQuery {
      if (dialect === 'sqlite') {
        return kysely.selectFrom('job_runs').select('id').where('id', '=', id).where('lease_owner', '=', owner).where('state', '=', 'running').compile();
      }
      return sql`select id from job_runs with (updlock, holdlock) where id = ${id} and lease_owner = ${owner} and state = 'running'`.compile(kysely);
    },

    saveCheckpoint(id: string, owner: string, now: string, checkpointJson: string): CompiledQuery {
      return guardOwner(id, owner).set({ checkpoint_json: checkpointJson, updated_at: now }).compile();
    },

    succeed(p: FinishParams): CompiledQuery {
      return guardOwner(p.id, p.owner)
        .set({
          state: 'succeeded',
          finished_at: p.now,
          duration_ms: p.durationMs,
          counters_json: p.countersJson,
          error_class: null,
          error_message: null,
          lease_owner: null,
          lease_expires_at: null,
          updated_at: p.now,
        })
        .compile();
    },

    fail(p: FailParams): CompiledQuery {
      return guardOwner(p.id, p.owner)
        .set({
          state: p.state,
          run_after: p.runAfter,
          finished_at: p.state === 'retrying' ? null : p.now,
          duration_ms: p.durationMs,
          counters_json: p.countersJson,
          error_class: p.errorClass,
          error_message: p.errorMessage,
          lease_owner: null,
          lease_expires_at: null,
          updated_at: p.now,
        })
        .compile();
    },

    /** Graceful shutdown: hand the run back without counting the interrupted attempt. */
    release(id: string, owner: string, now: string): CompiledQuery {
      return guardOwner(id, owner)
        .set({
          state: 'retrying',
          run_after: now,
          attempts: sql<number>`case when attempts > 0 then attempts - 1 else 0 end`,
          lease_owner: null,
          lease_expires_at: null,
          updated_at: now,
        })
        .compile();
    },
  };
}

export interface JobRunRepo {
  /** True when this call created the run; false when (job, tenant, slot) already existed. */
  enqueue(job: string, tenantId: string, slot: string, runAfter: Date, now: Date): Promise<boolean>;
  claim(p: ClaimParams): Promise<JobRun | undefined>;
  /** False when the lease is no longer ours (expired and taken, or released). */
  heartbeat(id: string, owner: string, now: string, leaseExpiresAt: string): Promise<boolean>;
  /** True while the run is still ours; runs on the given transaction so the answer holds until it commits. */
  holdsLease(trx: Kysely<Database>, id: string, owner: string): Promise<boolean>;
  saveCheckpoint(id: string, owner: string, now: string, checkpointJson: string): Promise<boolean>;
  succeed(p: FinishParams): Promise<boolean>;
  fail(p: FailParams): Promise<boolean>;
  release(id: string, owner: string, now: string): Promise<boolean>;
}

const DUPLICATE_KEY_ERRORS = new Set([2627, 2601]);

export function createJobRunRepo(db: Db): JobRunRepo {
  const q = jobRunQueries(db.kysely, db.dialect);
  const changed = async (query: CompiledQuery): Promise<boolean> => {
    const result = await db.kysely.executeQuery(query);
    return Number(result.numAffectedRows ?? 0n) > 0;
  };
  return {
    async enqueue(job, tenantId, slot, runAfter, now) {
      try {
        return await changed(q.enqueue({ job, tenantId, slot, runAfter: runAfter.toISOString(), now: now.toISOString() }));
      } catch (err) {
        if (DUPLICATE_KEY_ERRORS.has(Number((err as { number?: unknown }).number))) return false;
        throw err;
      }
    },
    async claim(p) {
      if (p.jobs.length === 0) return undefined;
      const query = q.claim(p);
      const result =
        db.dialect === 'sqlite'
          ? await db.kysely.executeQuery<JobRun>(query)
          : await db.kysely.transaction().execute((trx) => trx.executeQuery<JobRun>(query));
      return result.rows[0];
    },
    heartbeat: (id, owner, now, lease) => changed(q.heartbeat(id, owner, now, lease)),
    holdsLease: async (trx, id, owner) => (await trx.executeQuery(q.holdsLease(id, owner))).rows.length > 0,
    saveCheckpoint: (id, owner, now, json) => changed(q.saveCheckpoint(id, owner, now, json)),
    succeed: (p) => changed(q.succeed(p)),
    fail: (p) => changed(q.fail(p)),
    release: (id, owner, now) => changed(q.release(id, owner, now)),
  };
}
