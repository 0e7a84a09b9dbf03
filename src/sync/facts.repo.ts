import type { Kysely } from 'kysely';
import { expectedMinutes, type WorkCalendar } from '../insights/calendar';
import type { Contract } from '../insights/input';
import type { Db } from '../db/db';
import type { Database } from '../db/schema';
import { upsert } from '../db/upsert';

/** (person → dates) touched by a write, whose daily facts must be recomputed in the same transaction. */
export type DirtyDays = Map<string, Set<string>>;

export function markDirty(dirty: DirtyDays, personId: string, date: string): void {
  let dates = dirty.get(personId);
  if (!dates) dirty.set(personId, (dates = new Set()));
  dates.add(date);
}

export interface FactsContext {
  tenantId: string;
  calendar: WorkCalendar;
  contracts: ReadonlyMap<string, Contract[]>;
  stamp: string;
}

/**
 * Recomputes recorded / billable / entry count of the given days from work_entries. Absence minutes are
 * left as they are (they come from the absence pass). Runs inside the caller's transaction, so facts
 * and entries are never out of step, even after a crash.
 */
export async function recomputeFacts(db: Db, trx: Kysely<Database>, ctx: FactsContext, dirty: DirtyDays): Promise<number> {
  if (dirty.size === 0) return 0;
  const people = [...dirty.keys()];
  const dates = [...new Set([...dirty.values()].flatMap((d) => [...d]))];
  // One grouped read for the whole batch (a superset of the dirty pairs, filtered below) instead of
  // a query per person: a page of work hours usually spans many people.
  const sums = await trx
    .selectFrom('work_entries')
    .select(['erp_person_id', 'date'])
    .select((eb) => [
      eb.fn.sum<number>('minutes').as('recorded'),
      eb.fn.sum<number>(eb.case().when('billable', '=', 1).then(eb.ref('minutes')).else(0).end()).as('billable'),
      eb.fn.countAll<number>().as('entries'),
    ])
    .where('tenant_id', '=', ctx.tenantId)
    .where('erp_person_id', 'in', people)
    .where('date', 'in', dates)
    .groupBy(['erp_person_id', 'date'])
    .execute();
  const found = new Set<string>();
  const rows = sums
    .filter((s) => dirty.get(s.erp_person_id)?.has(s.date))
    .map((s) => {
      found.add(`${s.erp_person_id}|${s.date}`);
      return {
        tenant_id: ctx.tenantId,
        erp_person_id: s.erp_person_id,
        date: s.date,
        recorded_minutes: Number(s.recorded),
        billable_minutes: Number(s.billable),
        expected_minutes: expectedMinutes(ctx.contracts.get(s.erp_person_id) ?? [], s.date, ctx.calendar),
        entry_count: Number(s.entries),
        updated_at: ctx.stamp,
      };
    });
  await upsert({ kysely: trx, dialect: db.dialect }, 'daily_facts', rows, ['tenant_id', 'erp_person_id', 'date']);
  for (const [personId, dateSet] of dirty) {
    const emptied = [...dateSet].filter((d) => !found.has(`${personId}|${d}`));
    if (emptied.length > 0) await clearRecorded(trx, ctx, personId, emptied);
  }
  return rows.length;
}

/** Days that lost their last entry: keep the row only while it still carries an absence. */
async function clearRecorded(trx: Kysely<Database>, ctx: FactsContext, personId: string, dates: string[]): Promise<void> {
  await trx
    .updateTable('daily_facts')
    .set({ recorded_minutes: 0, billable_minutes: 0, entry_count: 0, updated_at: ctx.stamp })
    .where('tenant_id', '=', ctx.tenantId)
    .where('erp_person_id', '=', personId)
    .where('date', 'in', dates)
    .execute();
  await trx
    .deleteFrom('daily_facts')
    .where('tenant_id', '=', ctx.tenantId)
    .where('erp_person_id', '=', personId)
    .where('date', 'in', dates)
    .where('absence_minutes_enc', 'is', null)
    .execute();
}
