import type { ErpUser, ErpWorkContract } from '../../integrations/erp/erp-client';
import { maskToWorkdays, workdaysToMask } from '../db/fact-columns';
import { upsert } from '../db/upsert';
import { subjectDigest } from '../crypto/subject-digest';
import { isPastRetention } from '../retention/retention-rule';
import type { SyncRun } from './context';

function employment(contracts: ErpWorkContract[]): { start: string | null; end: string | null } {
  if (contracts.length === 0) return { start: null, end: null };
  const start = contracts.map((c) => c.start).sort()[0] ?? null;
  const end = contracts.some((c) => c.end === null) ? null : (contracts.map((c) => c.end as string).sort().at(-1) ?? null);
  return { start, end };
}

/** The contracts stored for each person of the tenant, as the last sync wrote them. */
async function storedContracts(run: SyncRun): Promise<Map<string, ErpWorkContract[]>> {
  const people = await run.db.kysely.selectFrom('people').select('erp_person_id').where('tenant_id', '=', run.tenantId).execute();
  const byPerson = new Map<string, ErpWorkContract[]>(people.map((p) => [p.erp_person_id, []]));
  const rows = await run.db.kysely
    .selectFrom('work_contracts')
    .select(['erp_contract_id', 'erp_person_id', 'start_date', 'end_date', 'daily_minutes', 'workdays_mask'])
    .where('tenant_id', '=', run.tenantId)
    .execute();
  for (const r of rows) {
    byPerson.get(r.erp_person_id)?.push({
      id: r.erp_contract_id,
      start: r.start_date,
      end: r.end_date,
      dailyMinutes: r.daily_minutes,
      workdays: maskToWorkdays(r.workdays_mask),
    });
  }
  return byPerson;
}

/**
 * Incremental runs keep what is stored for a person the ERP reports unchanged since the last run, with
 * the current contract from the user list on top (a new one simply starts later: where contracts
 * overlap the later start wins). The full history is read for a new person, a changed one, or one
 * the list tells nothing about.
 */
function changedSince(user: ErpUser, since: string): boolean {
  return user.updatedAt === null ? user.currentContract === null : Date.parse(user.updatedAt) >= Date.parse(since);
}

function reusable(user: ErpUser, stored: ErpWorkContract[] | undefined, since: string | null): ErpWorkContract[] | null {
  if (since === null || stored === undefined || changedSince(user, since)) return null;
  const current = user.currentContract;
  return current ? [...stored.filter((c) => c.id !== current.id), current] : stored;
}

/**
 * Users and their work contracts: technical ID, contract numbers, language and country codes, the
 * manager's ID. People whose employment ended before the retention horizon are not written at all, so
 * a sync cannot bring back what the retention purge removed; nor are people erased on request (their
 * purge record keeps a digest of the ID). Restricted people keep their row but get no new data.
 */
export async function syncPeople(
  run: SyncRun,
  opts: { today: string; retentionMonths: number; restricted: Set<string>; erased: Set<string>; changedSince: string | null },
): Promise<void> {
  const { db, erp, tenantId, stamp } = run;
  const stored = opts.changedSince === null ? new Map<string, ErpWorkContract[]>() : await storedContracts(run);
  for await (const page of erp.users()) {
    const kept: { user: ErpUser; contracts: ErpWorkContract[]; span: { start: string | null; end: string | null } }[] = [];
    for (const user of page) {
      run.known.add(user.id);
      if (user.countryId && user.country) run.countryIds.set(user.countryId, user.country);
      // An erased person's contracts are not even fetched.
      if (opts.erased.has(subjectDigest(tenantId, user.id))) continue;
      // A former employee an earlier run left out (employment ended past the retention horizon) stays
      // out while unchanged: the horizon only moves forward, so their history need not be read again.
      if (opts.changedSince !== null && !user.active && !stored.has(user.id) && !changedSince(user, opts.changedSince)) continue;
      let contracts = reusable(user, stored.get(user.id), opts.changedSince);
      if (contracts === null) {
        contracts = await erp.workContracts(user.id);
        run.contractsRead.add(user.id);
      }
      const span = employment(contracts);
      if (span.end !== null && isPastRetention(span.end, opts.today, opts.retentionMonths)) continue;
      kept.push({ user, contracts, span });
    }
    await db.kysely.transaction().execute(async (trx) => {
      await run.fence(trx, { tenantId, personIds: kept.map((k) => k.user.id) });
      const tx = { kysely: trx, dialect: db.dialect };
      await upsert(
        tx,
        'people',
        kept.map(({ user, span }) => {
          return {
            tenant_id: tenantId,
            erp_person_id: user.id,
            employment_start: span.start,
            employment_end: span.end,
            language: user.language,
            country: user.country,
            manager_id: user.managerId,
            is_active: user.active ? 1 : 0,
            updated_at: stamp,
          } as const;
        }),
        ['tenant_id', 'erp_person_id'],
      );
      const contractRows = kept.flatMap(({ user, contracts }) =>
        contracts.map((c) => ({
          tenant_id: tenantId,
          erp_contract_id: c.id,
          erp_person_id: user.id,
          start_date: c.start,
          end_date: c.end,
          daily_minutes: c.dailyMinutes,
          workdays_mask: workdaysToMask(c.workdays),
          updated_at: stamp,
        })),
      );
      await upsert(tx, 'work_contracts', contractRows, ['tenant_id', 'erp_contract_id']);
      const ids = kept.map((k) => k.user.id);
      if (ids.length > 0) {
        await trx
          .deleteFrom('work_contracts')
          .where('tenant_id', '=', tenantId)
          .where('erp_person_id', 'in', ids)
          .where('updated_at', '<', stamp)
          .execute();
      }
    });
    for (const { user, contracts } of kept) {
      run.counters.people += 1;
      run.counters.contracts += contracts.length;
      if (opts.restricted.has(user.id)) continue;
      run.hourCosts.set(user.id, user.currentContract?.hourCost ?? null);
      run.contracts.set(
        user.id,
        contracts.map((c) => ({ start: c.start, end: c.end, dailyMinutes: c.dailyMinutes, workdays: c.workdays })),
      );
    }
  }
}
