import type { ErpAbsence } from '../../integrations/erp/erp-client';
import { skipUnknownUser, type SyncRun } from './context';
import { absenceMinutesByDay } from './absence-days';
import { absenceCipherContext } from '../db/fact-columns';
import { upsert } from '../db/upsert';
import { expectedMinutes } from '../insights/calendar';

const BATCH = 500;

/** How much of the window this run reads: all of it, or what changed plus the recent days. */
export type AbsenceRead = { full: true } | { full: false; changedSince: string; recentFrom: string };

/** People per `userGuids` query: keeps the URL well under common 8 KB limits. */
const PEOPLE_PER_QUERY = 50;

type Minutes = Map<string, number>;

function addDays(run: SyncRun, minutes: Minutes, a: ErpAbsence, window: { from: string; to: string }): void {
  const contracts = run.contracts.get(a.personId);
  if (!contracts) return;
  for (const [date, m] of absenceMinutesByDay(a, contracts, run.calendar, window)) {
    const key = `${a.personId}|${date}`;
    minutes.set(key, (minutes.get(key) ?? 0) + m);
  }
}

/**
 * A full read takes every absence of the window. An incremental one reads the absences changed since
 * the last run, the people they belong to (and people whose contracts were read again) over the whole
 * window, and everyone's recent days: deletions are not reported through changedSince, so a deleted
 * absence is seen by the recent read, or by the next full read (weekly, see sync.service) when older.
 * Only minutes per day are kept, envelope-encrypted; no reason, no times.
 */
export async function syncAbsences(run: SyncRun, read: AbsenceRead): Promise<void> {
  const minutes: Minutes = new Map();
  const seen = new Set<string>();
  const usable = (a: ErpAbsence): boolean => {
    if (run.known.has(a.personId)) return true;
    if (!seen.has(a.id)) skipUnknownUser(run, 'absences', a.id, 'ownerUser.guid');
    seen.add(a.id);
    return false;
  };
  const { from, to } = run.window;
  let whole: (personId: string) => boolean = () => true;
  let recentFrom = from;
  if (read.full) {
    for await (const page of run.erp.absences({ from, to })) for (const a of page) if (usable(a)) addDays(run, minutes, a, run.window);
  } else {
    recentFrom = read.recentFrom;
    const people = new Set([...run.contractsRead].filter((id) => run.contracts.has(id)));
    for await (const page of run.erp.absences({ from, to, changedSince: read.changedSince })) {
      for (const a of page) if (usable(a) && run.contracts.has(a.personId)) people.add(a.personId);
    }
    for await (const page of run.erp.absences({ from: recentFrom, to })) {
      for (const a of page) if (usable(a) && !people.has(a.personId)) addDays(run, minutes, a, { from: recentFrom, to });
    }
    const ids = [...people].sort();
    for (let i = 0; i < ids.length; i += PEOPLE_PER_QUERY) {
      const personIds = ids.slice(i, i + PEOPLE_PER_QUERY);
      // An ERP that ignores the filter must not count anyone's recent days twice.
      for await (const page of run.erp.absences({ from, to, personIds })) for (const a of page) if (usable(a) && people.has(a.personId)) addDays(run, minutes, a, run.window);
    }
    whole = (personId) => people.has(personId);
  }
  const existing = await run.db.kysely
    .selectFrom('daily_facts')
    .select(['erp_person_id', 'date'])
    .where('tenant_id', '=', run.tenantId)
    .where('date', '>=', from)
    .where('date', '<=', to)
    .where('absence_minutes_enc', 'is not', null)
    .execute();
  const cleared = existing.filter(
    (r) => run.contracts.has(r.erp_person_id) && (r.date >= recentFrom || whole(r.erp_person_id)) && !minutes.has(`${r.erp_person_id}|${r.date}`),
  );
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
