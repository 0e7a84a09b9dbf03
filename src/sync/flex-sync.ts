import { upsert } from '../db/upsert';
import type { SyncRun } from './context';

/**
 * Flex balances as the ERP's flextime add-on keeps them, as of the end of the last completed week: the
 * day the weekly insights are computed for. Asked once per person and week (a balance stored for that
 * day is not asked again); a tenant without the add-on costs one request a night. Restricted people
 * are not asked.
 */
export async function syncFlexBalances(run: SyncRun, asOf: string): Promise<void> {
  const people = [...run.contracts.keys()];
  if (people.length === 0) return;
  const have = new Set(
    (
      await run.db.kysely
        .selectFrom('flex_balances')
        .select('erp_person_id')
        .where('tenant_id', '=', run.tenantId)
        .where('as_of', '=', asOf)
        .execute()
    ).map((r) => r.erp_person_id),
  );
  for (const personId of people) {
    if (have.has(personId)) continue;
    const flex = await run.erp.flextime(personId, asOf);
    if (flex.kind === 'no-addon') return;
    if (flex.kind !== 'balance') continue;
    await run.db.kysely.transaction().execute(async (trx) => {
      await run.fence(trx, { tenantId: run.tenantId, personIds: [personId] });
      const row = { tenant_id: run.tenantId, erp_person_id: personId, as_of: asOf, balance_minutes: flex.minutes, updated_at: run.stamp };
      await upsert({ kysely: trx, dialect: run.db.dialect }, 'flex_balances', [row], ['tenant_id', 'erp_person_id']);
    });
    run.counters.flexBalances += 1;
  }
}
