import { sql, type RawBuilder } from 'kysely';
import { DateTime } from 'luxon';
import { isoWeekOf } from '../insights/dates';
import { FINISHED_STATES } from '../scheduler/job-definition';
import { deleteInBatches, type TableName } from './batch-delete';
import { createPurgeRunner, type PurgeReason, type PurgeResult, type PurgeRunnerDeps } from './purge-runner';
import { addDays, firstPurgeDay, isPastRetention, localDate, monthsBefore } from './retention-rule';

export interface RetentionConfig {
  tenantMonths: number;
  personMonths: number;
  factsMonths: number;
  insightsMonths: number;
  deliveriesMonths: number;
  jobRunsDays: number;
}

/** The purge runner's dependencies, with the batch size optional, plus the retention windows. */
export interface RetentionDeps extends Omit<PurgeRunnerDeps, 'batchSize'> {
  config: RetentionConfig;
  batchSize?: number;
}

export interface PurgeSummary {
  resumed: number;
  tenants: PurgeResult[];
  persons: PurgeResult[];
  /** Rows and data keys found again under tenants already purged (written after their purge). */
  leftovers: number;
  rolling: Record<string, number>;
}

/** Ids, dates and numbers only: the staff "upcoming purges" page shows this as is. */
export interface UpcomingPurges {
  tenants: { tenantId: string; contractEnd: string; dueDate: string; people: number }[];
  persons: { tenantId: string; personId: string; employmentEnd: string; dueDate: string; dailyFacts: number }[];
}

export interface RetentionService {
  /** Finishes interrupted purges, purges due tenants and persons, re-checks purged tenants, then applies the rolling windows. */
  purgeDue(options?: { signal?: AbortSignal }): Promise<PurgeSummary>;
  purgeRolling(): Promise<Record<string, number>>;
  /** The same path for DSR erasure (reason 'erasure'). */
  purgePerson(tenantId: string, personId: string, reason: PurgeReason): Promise<PurgeResult>;
  upcoming(withinDays: number): Promise<UpcomingPurges>;
}

export function createRetentionService(deps: RetentionDeps): RetentionService {
  const { db, clock, logger, config } = deps;
  const batchSize = deps.batchSize ?? 1000;
  const k = db.kysely;
  const runner = createPurgeRunner({ ...deps, batchSize });

  const liveTenants = () =>
    k.selectFrom('tenants').select(['id', 'timezone', 'contract_end']).where('status', 'not in', ['purged', 'purging']).orderBy('id').execute();

  const purgedTenants = () => k.selectFrom('tenants').select('id').where('status', '=', 'purged').orderBy('id').execute();

  const endedPeople = () =>
    k
      .selectFrom('people')
      .innerJoin('tenants', 'tenants.id', 'people.tenant_id')
      .select(['people.tenant_id', 'people.erp_person_id', 'people.employment_end', 'tenants.timezone'])
      .where('people.employment_end', 'is not', null)
      .where('tenants.status', 'not in', ['purged', 'purging'])
      .orderBy('people.tenant_id')
      .orderBy('people.erp_person_id')
      .execute();

  async function purgeRolling(): Promise<Record<string, number>> {
    const now = clock.now();
    const today = localDate(now, 'UTC');
    const before = (months: number) => `${monthsBefore(today, months)}T00:00:00.000Z`;
    const jobRunsCutoff = new Date(now.getTime() - config.jobRunsDays * 86_400_000).toISOString();
    const factsFrom = monthsBefore(today, config.factsMonths);
    const windows: [TableName, RawBuilder<unknown>][] = [
      ['daily_facts', sql`date < ${factsFrom}`],
      ['work_entries', sql`date < ${factsFrom}`],
      // ISO week names sort like the weeks; the week holding factsFrom stays while its later days do.
      ['project_money_weeks', sql`week < ${isoWeekOf(DateTime.fromISO(factsFrom, { zone: 'UTC' }))}`],
      // Absence dates are encrypted; an absence the sync has not seen for the whole window is old.
      ['insights', sql`created_at < ${before(config.insightsMonths)}`],
      ['deliveries', sql`created_at < ${before(config.deliveriesMonths)}`],
      ['job_runs', sql`state in (${sql.join(FINISHED_STATES)}) and finished_at < ${jobRunsCutoff}`],
      // A run's log lines go with it (after it, so lines of a run that is still kept stay).
      ['job_run_logs', sql`run_id not in (select id from job_runs)`],
    ];
    const counts: Record<string, number> = {};
    for (const [table, where] of windows) {
      const deleted = await deleteInBatches(db, table, where, batchSize, async () => undefined);
      if (deleted > 0) counts[table] = deleted;
    }
    if (Object.keys(counts).length > 0) logger.info('Rolling retention applied', { counts });
    return counts;
  }

  return {
    async purgeDue({ signal } = {}) {
      const unfinished = await runner.unfinished();
      for (const id of unfinished) await runner.run(id, signal);

      const tenants: PurgeResult[] = [];
      for (const t of await liveTenants()) {
        if (t.contract_end && isPastRetention(t.contract_end, localDate(clock.now(), t.timezone), config.tenantMonths)) {
          tenants.push(await runner.purgeTenant(t.id, 'contract-ended', signal));
        }
      }
      const persons: PurgeResult[] = [];
      for (const p of await endedPeople()) {
        if (p.employment_end && isPastRetention(p.employment_end, localDate(clock.now(), p.timezone), config.personMonths)) {
          persons.push(await runner.purgePerson(p.tenant_id, p.erp_person_id, 'employment-ended', signal));
        }
      }
      let leftovers = 0;
      for (const t of await purgedTenants()) leftovers += await runner.sweepPurgedTenant(t.id);
      return { resumed: unfinished.length, tenants, persons, leftovers, rolling: await purgeRolling() };
    },
    purgeRolling,
    purgePerson: (tenantId, personId, reason) => runner.purgePerson(tenantId, personId, reason),
    async upcoming(withinDays) {
      const result: UpcomingPurges = { tenants: [], persons: [] };
      for (const t of await liveTenants()) {
        if (!t.contract_end) continue;
        const dueDate = firstPurgeDay(t.contract_end, config.tenantMonths);
        if (dueDate > addDays(localDate(clock.now(), t.timezone), withinDays)) continue;
        const people = await k.selectFrom('people').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', t.id).executeTakeFirst();
        result.tenants.push({ tenantId: t.id, contractEnd: t.contract_end, dueDate, people: Number(people?.n ?? 0) });
      }
      for (const p of await endedPeople()) {
        if (!p.employment_end) continue;
        const dueDate = firstPurgeDay(p.employment_end, config.personMonths);
        if (dueDate > addDays(localDate(clock.now(), p.timezone), withinDays)) continue;
        const facts = await k
          .selectFrom('daily_facts')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('tenant_id', '=', p.tenant_id)
          .where('erp_person_id', '=', p.erp_person_id)
          .executeTakeFirst();
        result.persons.push({ tenantId: p.tenant_id, personId: p.erp_person_id, employmentEnd: p.employment_end, dueDate, dailyFacts: Number(facts?.n ?? 0) });
      }
      return result;
    },
  };
}
