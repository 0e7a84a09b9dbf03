import { sql, type RawBuilder } from 'kysely';
import type { Clock } from '../clock';
import type { Envelope } from '../crypto/envelope';
import { subjectDigest } from '../crypto/subject-digest';
import type { Db, Dialect } from '../db/db';
import type { Logger } from '../logging/logger';
import { FenceError, type WriteFence } from '../scheduler/write-fence';
import { secretName, type SecretStore } from '../secrets/secret-store';
import { newId } from '../util/ids';
import type { SentMessageEraser } from '../email/sent-message-eraser';
import { deleteInBatches, type AfterBatch, type TableName } from './batch-delete';

export type PurgeReason = 'contract-ended' | 'employment-ended' | 'erasure';
export type PurgeScope = 'tenant' | 'person';

export interface PurgeResult {
  recordId: string;
  tenantId: string;
  scope: PurgeScope;
  reason: string;
  counts: Record<string, number>;
}

export interface PurgeRunnerDeps {
  db: Db;
  clock: Clock;
  envelope: Pick<Envelope, 'shred'>;
  secrets: Pick<SecretStore, 'delete'>;
  logger: Logger;
  batchSize: number;
  afterBatch?: AfterBatch;
  /** Our own copies of sent messages (the file outbox): erased first, while the rows that find them still exist. */
  messages?: SentMessageEraser;
}

/** A write for a tenant or person that a purge covers: the writer must stop (and retry later). */
export class PurgeConflictError extends FenceError {
  constructor(readonly scope: PurgeScope) {
    super(scope === 'tenant' ? 'The tenant is being purged or has been purged' : 'A person in this write is being purged or has been erased');
  }
}

/** Rows a purge still found after its own deletes: something wrote past the fence. */
export class PurgeIncompleteError extends Error {
  constructor(readonly leftovers: Record<string, number>) {
    super(`Purge still finds rows after ${MAX_PASSES} passes: ${Object.keys(leftovers).join(', ')}`);
    this.name = new.target.name;
  }
}

const MAX_PASSES = 3;

/**
 * The purge side of the write fence. A purge writes its 'running' record before its first delete, so
 * the record is the lock: a write transaction that reads it refuses, and one that committed before it
 * existed is deleted by the purge. A tenant's purge record keeps refusing once completed, and so does an
 * erasure's (by the digest it keeps); a person purged for retention may come back if the ERP rehires.
 * On SQL Server UPDLOCK+HOLDLOCK hold the range until the writer commits, so a purge cannot start in between.
 */
export function createPurgeFence(dialect: Dialect): WriteFence {
  return async (trx, { tenantId, personIds = [] }) => {
    const hint = dialect === 'mssql' ? sql` with (updlock, holdlock)` : sql``;
    const { rows } = await sql<{ scope: string; state: string; subject_id: string | null; reason: string }>`
      select scope, state, subject_id, reason from purge_records${hint}
      where tenant_id = ${tenantId} and (state = 'running' or scope = 'tenant' or reason = 'erasure')`.execute(trx);
    if (rows.length === 0) return;
    if (rows.some((r) => r.scope === 'tenant')) throw new PurgeConflictError('tenant');
    const running = new Set(rows.filter((r) => r.state === 'running').map((r) => r.subject_id));
    const erased = new Set(rows.filter((r) => r.state === 'completed').map((r) => r.subject_id));
    for (const personId of personIds) {
      if (running.has(personId) || (erased.size > 0 && erased.has(subjectDigest(tenantId, personId)))) throw new PurgeConflictError('person');
    }
  };
}

function tenantPlan(tenantId: string): [TableName, RawBuilder<unknown>][] {
  const byTenant = sql`tenant_id = ${tenantId}`;
  return [
    ['work_entries', byTenant],
    ['daily_facts', byTenant],
    ['work_contracts', byTenant],
    ['insights', byTenant],
    ['deliveries', byTenant],
    ['email_preferences', byTenant],
    ['email_suppressions', byTenant],
    ['projects', byTenant],
    ['project_money_weeks', byTenant],
    ['sync_state', byTenant],
    ['tenant_calendars', byTenant],
    ['flex_balances', byTenant],
    ['people', byTenant],
    ['job_run_logs', byTenant],
    ['job_runs', byTenant],
    ['api_keys', byTenant],
    ['invites', byTenant],
    ['sessions', sql`user_id in (select id from users where tenant_id = ${tenantId})`],
    ['password_resets', sql`user_id in (select id from users where tenant_id = ${tenantId})`],
    ['users', byTenant],
    ['audit_events', byTenant],
  ];
}

function personPlan(tenantId: string, personId: string): [TableName, RawBuilder<unknown>][] {
  const byPerson = sql`tenant_id = ${tenantId} and erp_person_id = ${personId}`;
  return [
    ['work_entries', byPerson],
    ['daily_facts', byPerson],
    ['work_contracts', byPerson],
    ['insights', sql`tenant_id = ${tenantId} and recipient_id = ${personId}`],
    ['deliveries', byPerson],
    ['email_preferences', byPerson],
    ['email_suppressions', byPerson],
    ['flex_balances', byPerson],
    ['people', byPerson],
  ];
}

/**
 * Runs purges recorded in purge_records. The record is written as 'running' before the first delete
 * and its counts after every batch, so a purge that dies midway is found and finished by the next run.
 */
export function createPurgeRunner(deps: PurgeRunnerDeps) {
  const { db, clock, envelope, secrets, logger, batchSize, afterBatch } = deps;
  const k = db.kysely;
  const now = (): string => clock.now().toISOString();

  async function start(tenantId: string, scope: PurgeScope, subjectId: string | null, reason: PurgeReason): Promise<string> {
    const existing = await k
      .selectFrom('purge_records')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('scope', '=', scope)
      .where('state', '=', 'running')
      .$call((q) => (subjectId === null ? q.where('subject_id', 'is', null) : q.where('subject_id', '=', subjectId)))
      .executeTakeFirst();
    if (existing) return existing.id;
    const id = newId();
    await k
      .insertInto('purge_records')
      .values({ id, tenant_id: tenantId, scope, subject_id: subjectId, state: 'running', counts_json: '{}', reason, started_at: now(), completed_at: null })
      .execute();
    return id;
  }

  /** Deletes what the plan covers (and, for a tenant, its data keys); returns what it found, per table. */
  async function deletePlan(
    tenantId: string,
    plan: [TableName, RawBuilder<unknown>][],
    shredKeys: boolean,
    onBatch: (table: TableName, deleted: number) => Promise<void>,
  ): Promise<Record<string, number>> {
    const found: Record<string, number> = {};
    for (const [table, where] of plan) {
      const deleted = await deleteInBatches(db, table, where, batchSize, (n) => onBatch(table, n));
      if (deleted > 0) found[table] = deleted;
    }
    if (shredKeys) {
      const keys = await envelope.shred(tenantId);
      if (keys > 0) found.tenant_keys = keys;
    }
    return found;
  }

  /** `signal` (the purge job's) is checked before every batch, so a purge whose run lost its lease stops. */
  async function run(recordId: string, signal?: AbortSignal): Promise<PurgeResult> {
    const record = await k.selectFrom('purge_records').selectAll().where('id', '=', recordId).executeTakeFirstOrThrow();
    const counts = JSON.parse(record.counts_json) as Record<string, number>;
    const scope = record.scope as PurgeScope;
    const tenantId = record.tenant_id;
    const saveCounts = () => k.updateTable('purge_records').set({ counts_json: JSON.stringify(counts) }).where('id', '=', recordId).execute();
    const log = logger.child({ purgeId: recordId, tenantId, scope });
    log.info('Purge started or resumed', { reason: record.reason });

    if (scope === 'tenant') {
      await k.updateTable('tenants').set({ status: 'purging', updated_at: now() }).where('id', '=', tenantId).where('status', '<>', 'purged').execute();
    }
    if (deps.messages) {
      const erased = scope === 'tenant' ? await deps.messages.eraseTenant(tenantId) : await deps.messages.erasePerson(tenantId, record.subject_id ?? '');
      counts.outbox_messages = (counts.outbox_messages ?? 0) + erased;
      await saveCounts();
    }
    const plan = scope === 'tenant' ? tenantPlan(tenantId) : personPlan(tenantId, record.subject_id ?? '');
    const deleteAll = async (): Promise<Record<string, number>> => {
      const found = await deletePlan(tenantId, plan, scope === 'tenant', async (table, deleted) => {
        counts[table] = (counts[table] ?? 0) + deleted;
        await saveCounts();
        await afterBatch?.(table, deleted);
        signal?.throwIfAborted();
      });
      if (scope === 'tenant') counts.tenant_keys = (counts.tenant_keys ?? 0) + (found.tenant_keys ?? 0);
      return found;
    };

    await deleteAll();
    // The re-check: a writer that slipped past the fence (or a data key created outside a transaction)
    // shows up here, and the purge is not called complete while anything is left.
    for (let pass = 1; ; pass += 1) {
      const leftovers = await deleteAll();
      if (Object.keys(leftovers).length === 0) break;
      log.warn('Purge found rows written while it ran', { pass, leftovers });
      if (pass >= MAX_PASSES) throw new PurgeIncompleteError(leftovers);
    }

    if (scope === 'tenant') {
      await secrets.delete(secretName('erp', tenantId));
      counts.erp_credentials = 1;
      await k
        .updateTable('tenants')
        .set({ status: 'purged', erp_base_url: null, settings_json: '{}', updated_at: now() })
        .where('id', '=', tenantId)
        .execute();
    } else if (record.subject_id) {
      // References from colleagues' rows and projects would otherwise keep pointing at an erased ID.
      const personId = record.subject_id;
      await k.updateTable('people').set({ manager_id: null }).where('tenant_id', '=', tenantId).where('manager_id', '=', personId).execute();
      await k.updateTable('projects').set({ manager_id: null }).where('tenant_id', '=', tenantId).where('manager_id', '=', personId).execute();
      // The audit trail stays, but names the person the way the purge record does: by digest.
      const digest = subjectDigest(tenantId, personId);
      await k.updateTable('audit_events').set({ object_id: digest }).where('tenant_id', '=', tenantId).where('object_type', '=', 'person').where('object_id', '=', personId).execute();
      await k.updateTable('audit_events').set({ actor_id: digest }).where('tenant_id', '=', tenantId).where('actor_type', '=', 'employee').where('actor_id', '=', personId).execute();
    }

    const subject = scope === 'person' && record.subject_id ? subjectDigest(tenantId, record.subject_id) : null;
    await k
      .updateTable('purge_records')
      .set({ state: 'completed', counts_json: JSON.stringify(counts), subject_id: subject, completed_at: now() })
      .where('id', '=', recordId)
      .execute();
    // The one log line operators export to re-apply purges after a point-in-time restore (RUNBOOK §6).
    log.info('purge.completed', { reason: record.reason, subject, counts });
    return { recordId, tenantId, scope, reason: record.reason, counts };
  }

  return {
    start,
    run,
    /**
     * A purged tenant checked again (the daily purge does this for every purged tenant): anything found
     * was written after its purge completed, and is deleted. Returns how many rows and keys it deleted.
     */
    async sweepPurgedTenant(tenantId: string): Promise<number> {
      const found = await deletePlan(tenantId, tenantPlan(tenantId), true, async () => undefined);
      const total = Object.values(found).reduce((a, b) => a + b, 0);
      if (total > 0) logger.warn('Purged tenant still had rows; deleted them', { tenantId, found });
      return total;
    },
    /** Records left 'running' by a crash, oldest first. */
    async unfinished(): Promise<string[]> {
      const rows = await k.selectFrom('purge_records').select('id').where('state', '=', 'running').orderBy('started_at').orderBy('id').execute();
      return rows.map((r) => r.id);
    },
    purgeTenant: async (tenantId: string, reason: PurgeReason, signal?: AbortSignal) => run(await start(tenantId, 'tenant', null, reason), signal),
    purgePerson: async (tenantId: string, personId: string, reason: PurgeReason, signal?: AbortSignal) =>
      run(await start(tenantId, 'person', personId, reason), signal),
  };
}
