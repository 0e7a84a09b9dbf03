import { setImmediate } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { ErpAbsence } from '../../integrations/erp/erp-client';
import { skipUnknownUser, type SyncRun } from './context';
import { absenceMinutesByDay } from './absence-days';
import { absenceCipherContext } from '../db/fact-columns';
import type { Database } from '../db/schema';
import { upsert } from '../db/upsert';
import { expectedMinutes } from '../insights/calendar';

/**
 * Absence days per transaction. These writes run on the thread that answers web requests, and each
 * transaction holds it: 500 days took 65–130 ms in the 1,000-employee sync, 100 keep it near 20 ms.
 */
const BATCH = 100;

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

/** Keeps rows of people the ERP listed; each other row is skipped and counted once, however often it is read. */
function listedOnly(run: SyncRun): (a: ErpAbsence) => boolean {
  const skipped = new Set<string>();
  return (a) => {
    if (run.known.has(a.personId)) return true;
    if (!skipped.has(a.id)) skipUnknownUser(run, 'absences', a.id, 'ownerUser.guid');
    skipped.add(a.id);
    return false;
  };
}

/**
 * The incremental read: the people with an absence changed since the last run, and those whose
 * contracts were read again, over the whole window; everyone else's recent days. Returns the people
 * read over the whole window.
 */
async function readChanged(
  run: SyncRun,
  read: Extract<AbsenceRead, { full: false }>,
  minutes: Minutes,
  listed: (a: ErpAbsence) => boolean,
): Promise<Set<string>> {
  const { from, to } = run.window;
  const people = new Set([...run.contractsRead].filter((id) => run.contracts.has(id)));
  for await (const page of run.erp.absences({ from, to, changedSince: read.changedSince })) {
    for (const a of page) if (listed(a) && run.contracts.has(a.personId)) people.add(a.personId);
  }
  const recent = { from: read.recentFrom, to };
  for await (const page of run.erp.absences(recent)) for (const a of page) if (listed(a) && !people.has(a.personId)) addDays(run, minutes, a, recent);
  const ids = [...people].sort();
  for (let i = 0; i < ids.length; i += PEOPLE_PER_QUERY) {
    const personIds = ids.slice(i, i + PEOPLE_PER_QUERY);
    // An ERP that ignores the filter must not count anyone's recent days twice.
    for await (const page of run.erp.absences({ from, to, personIds })) for (const a of page) if (listed(a) && people.has(a.personId)) addDays(run, minutes, a, run.window);
  }
  return people;
}

/**
 * A full read takes every absence of the window; an incremental one, see readChanged. Deletions are
 * not reported through changedSince, so a deleted absence is seen by the recent read, or by the next
 * full read (weekly, see sync.service) when older. Only minutes per day are kept, envelope-encrypted;
 * no reason, no times.
 */
export async function syncAbsences(run: SyncRun, read: AbsenceRead): Promise<void> {
  const minutes: Minutes = new Map();
  const listed = listedOnly(run);
  const { from, to } = run.window;
  let wholeWindow: Set<string> | undefined;
  if (read.full) {
    for await (const page of run.erp.absences({ from, to })) for (const a of page) if (listed(a)) addDays(run, minutes, a, run.window);
  } else {
    wholeWindow = await readChanged(run, read, minutes, listed);
  }
  // Only days this run read can have lost their absence.
  const wasRead = (personId: string, date: string) => read.full || date >= read.recentFrom || (wholeWindow?.has(personId) ?? false);
  const existing = await absenceDaysQuery(run.db.kysely, run.tenantId, run.window).execute();
  const cleared = existing.filter(
    (r) => run.contracts.has(r.erp_person_id) && wasRead(r.erp_person_id, r.date) && !minutes.has(`${r.erp_person_id}|${r.date}`),
  );
  await writeAbsences(run, [...minutes]);
  await clearAbsences(run, cleared);
  run.counters.absenceDays += minutes.size;
}

/**
 * Absences are written on the event loop's own connection, where sealing and upserting a batch take
 * a while and every step resolves at once: without a turn of the event loop between batches (and
 * between cleared days), requests would wait for all of them.
 */
const letRequestsIn = () => setImmediate();

async function writeAbsences(run: SyncRun, days: [string, number][]): Promise<void> {
  for (let i = 0; i < days.length; i += BATCH) {
    if (i > 0) await letRequestsIn();
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

/** The days of a window that hold an absence, read from their own index (migration 013). */
export function absenceDaysQuery(k: Kysely<Database>, tenantId: string, window: { from: string; to: string }) {
  return k
    .selectFrom('daily_facts')
    .select(['erp_person_id', 'date'])
    .where('tenant_id', '=', tenantId)
    .where('date', '>=', window.from)
    .where('date', '<=', window.to)
    .where('absence_minutes_enc', 'is not', null);
}

async function clearAbsences(run: SyncRun, keys: { erp_person_id: string; date: string }[]): Promise<void> {
  for (const k of keys) {
    await letRequestsIn();
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
