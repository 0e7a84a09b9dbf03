import { skipUnknownUser, type SyncRun } from './context';
import { absenceMinutesByDay } from './absence-days';
import { absenceCipherContext } from '../db/fact-columns';
import { upsert } from '../db/upsert';
import { expectedMinutes } from '../insights/calendar';

const BATCH = 500;

/**
 * Absences are re-read for the whole window on every run: the ERP does not report deleted activities
 * through changedSince, and absences are few compared with work hours. Only minutes per day are kept,
 * envelope-encrypted; no reason, no times.
 */
export async function syncAbsences(run: SyncRun): Promise<void> {
  const minutes = new Map<string, number>();
  for await (const page of run.erp.absences({ from: run.window.from, to: run.window.to })) {
    for (const a of page) {
      if (!run.known.has(a.personId)) skipUnknownUser(run, 'absences', a.id, 'ownerUser.guid');
      const contracts = run.contracts.get(a.personId);
      if (!contracts) continue;
      for (const [date, m] of absenceMinutesByDay(a, contracts, run.calendar, run.window)) {
        const key = `${a.personId}|${date}`;
        minutes.set(key, (minutes.get(key) ?? 0) + m);
      }
    }
  }
  const existing = await run.db.kysely
    .selectFrom('daily_facts')
    .select(['erp_person_id', 'date'])
    .where('tenant_id', '=', run.tenantId)
    .where('date', '>=', run.window.from)
    .where('date', '<=', run.window.to)
    .where('absence_minutes_enc', 'is not', null)
    .execute();
  const cleared = existing.filter((r) => run.contracts.has(r.erp_person_id) && !minutes.has(`${r.erp_person_id}|${r.date}`));
  await writeAbsences(run, [...minutes]);
  await clearAbsences(run, cleared);
  run.counters.absenceDays += minutes.size;
}

async function writeAbsences(run: SyncRun, days: [string, number][]): Promise<void> {
  for (let i = 0; i < days.length; i += BATCH) {
    const batch = days.slice(i, i + BATCH);
    const scope = { tenantId: run.tenantId, personIds: [...new Set(batch.map(([key]) => key.split('|')[0] ?? ''))] };
    // Checked before encrypting too: encryption may create the tenant's data key, outside any transaction.
    await run.fence(run.db.kysely, scope);
    const rows = await Promise.all(
      batch.map(async ([key, m]) => {
        const [personId = '', date = ''] = key.split('|');
        return {
          tenant_id: run.tenantId,
          erp_person_id: personId,
          date,
          recorded_minutes: 0,
          billable_minutes: 0,
          expected_minutes: expectedMinutes(run.contracts.get(personId) ?? [], date, run.calendar),
          absence_minutes_enc: await run.envelope.encryptNumber(absenceCipherContext(run.tenantId, personId, date), m),
          entry_count: 0,
          updated_at: run.stamp,
        };
      }),
    );
    await run.db.kysely.transaction().execute(async (trx) => {
      await run.fence(trx, scope);
      await upsert({ kysely: trx, dialect: run.db.dialect }, 'daily_facts', rows, ['tenant_id', 'erp_person_id', 'date'], ['absence_minutes_enc', 'updated_at']);
    });
  }
}

async function clearAbsences(run: SyncRun, keys: { erp_person_id: string; date: string }[]): Promise<void> {
  for (const k of keys) {
    await run.db.kysely.transaction().execute(async (trx) => {
      await run.fence(trx, { tenantId: run.tenantId, personIds: [k.erp_person_id] });
      const scope = trx.updateTable('daily_facts').where('tenant_id', '=', run.tenantId).where('erp_person_id', '=', k.erp_person_id).where('date', '=', k.date);
      await scope.set({ absence_minutes_enc: null, updated_at: run.stamp }).execute();
      await trx
        .deleteFrom('daily_facts')
        .where('tenant_id', '=', run.tenantId)
        .where('erp_person_id', '=', k.erp_person_id)
        .where('date', '=', k.date)
        .where('entry_count', '=', 0)
        .execute();
    });
  }
}
