import type { ErpWorkHour } from '../../integrations/erp/erp-client';
import { upsert } from '../db/upsert';
import { skipUnknownUser, type SyncRun } from './context';
import { markDirty, recomputeFacts, type DirtyDays } from './facts.repo';
import { prefetchOne } from './prefetch';
import { applyEntries, removeEntries as removeMoney, type MoneyPass } from './project-money';

/** SQLite and SQL Server both cap the size of an IN list; delete in slices. */
const DELETE_SLICE = 500;

function factsContext(run: SyncRun) {
  return { tenantId: run.tenantId, calendar: run.calendar, contracts: run.contracts, stamp: run.stamp };
}

/**
 * Writes whole pages of work hours and the daily facts they touch in one transaction: the database
 * never holds half a page, and facts never disagree with entries.
 */
async function writePages(run: SyncRun, pages: ErpWorkHour[], money?: MoneyPass): Promise<void> {
  for (const e of pages) if (!run.known.has(e.personId)) skipUnknownUser(run, 'workhours', e.id, 'user.guid');
  const kept = pages.filter((e) => run.contracts.has(e.personId) && e.date >= run.window.from && e.date <= run.window.to);
  if (kept.length === 0) return;
  const dirty: DirtyDays = new Map();
  await run.db.kysely.transaction().execute(async (trx) => {
    await run.fence(trx, { tenantId: run.tenantId, personIds: [...new Set(kept.map((e) => e.personId))] });
    const ids = kept.map((e) => e.id);
    // An edit can move an entry to another day or person: the old day needs recomputing too.
    const previous = await trx
      .selectFrom('work_entries')
      .select(['erp_entry_id', 'erp_person_id', 'erp_project_id', 'date', 'minutes', 'billable'])
      .where('tenant_id', '=', run.tenantId)
      .where('erp_entry_id', 'in', ids)
      .execute();
    for (const p of previous) markDirty(dirty, p.erp_person_id, p.date);
    await applyEntries(run, trx, kept, new Map(previous.map((p) => [p.erp_entry_id, p])), money);
    for (const e of kept) markDirty(dirty, e.personId, e.date);
    await upsert(
      { kysely: trx, dialect: run.db.dialect },
      'work_entries',
      kept.map((e) => ({
        tenant_id: run.tenantId,
        erp_entry_id: e.id,
        erp_person_id: e.personId,
        erp_project_id: e.projectId,
        date: e.date,
        minutes: e.minutes,
        billable: e.billable ? 1 : 0,
        updated_at: run.stamp,
      })),
      ['tenant_id', 'erp_entry_id'],
    );
    run.counters.factsWritten += await recomputeFacts(run.db, trx, factsContext(run), dirty);
  });
  run.counters.entries += kept.length;
}

/**
 * Whole pages are buffered up to this many rows and written in one transaction: a commit costs more
 * than a hundred row writes on an encrypted database, and the buffer keeps memory bounded.
 */
const ROWS_PER_TRANSACTION = 5000;

/** `money`: this read covers its range completely, so the range's whole weeks get fresh money totals. */
export async function readWorkHours(run: SyncRun, q: { from: string; to: string; changedSince?: string }, money?: MoneyPass): Promise<void> {
  let buffered: ErpWorkHour[] = [];
  try {
    for await (const page of prefetchOne(run.erp.workHours(q))) {
      buffered = buffered.concat(page);
      if (buffered.length >= ROWS_PER_TRANSACTION) {
        await writePages(run, buffered, money);
        buffered = [];
      }
    }
  } finally {
    // The pages read before a failure are whole and valid: keep them, the watermark still stays put.
    await writePages(run, buffered, money);
  }
}

/** Which entries to remove: by ERP ID, or the ones a full re-read of a date range did not stamp. */
type Removal = { ids: string[] } | { unseenFrom: string; unseenTo: string };

/** Deletes entries and recomputes the facts of their days in one transaction. */
async function removeEntries(run: SyncRun, removal: Removal, money?: MoneyPass): Promise<void> {
  await run.db.kysely.transaction().execute(async (trx) => {
    let select = trx
      .selectFrom('work_entries')
      .select(['erp_entry_id', 'erp_person_id', 'erp_project_id', 'date', 'minutes', 'billable'])
      .where('tenant_id', '=', run.tenantId);
    select =
      'ids' in removal
        ? select.where('erp_entry_id', 'in', removal.ids)
        : select.where('date', '>=', removal.unseenFrom).where('date', '<=', removal.unseenTo).where('updated_at', '<', run.stamp);
    // Restricted people get no new data, but what they have is not deleted either.
    const doomed = (await select.execute()).filter((d) => run.contracts.has(d.erp_person_id));
    if (doomed.length === 0) return;
    const dirty: DirtyDays = new Map();
    for (const d of doomed) markDirty(dirty, d.erp_person_id, d.date);
    await run.fence(trx, { tenantId: run.tenantId, personIds: [...dirty.keys()] });
    await removeMoney(run, trx, doomed, money);
    for (let i = 0; i < doomed.length; i += DELETE_SLICE) {
      const ids = doomed.slice(i, i + DELETE_SLICE).map((d) => d.erp_entry_id);
      await trx.deleteFrom('work_entries').where('tenant_id', '=', run.tenantId).where('erp_entry_id', 'in', ids).execute();
    }
    run.counters.factsWritten += await recomputeFacts(run.db, trx, factsContext(run), dirty);
    run.counters.deletedEntries += doomed.length;
  });
}

export async function applyDeletedWorkHours(run: SyncRun, deletedSince: string): Promise<void> {
  for await (const page of run.erp.deletedWorkHours({ deletedSince })) {
    for (let i = 0; i < page.length; i += DELETE_SLICE) {
      await removeEntries(run, { ids: page.slice(i, i + DELETE_SLICE).map((d) => d.id) });
    }
  }
}

/**
 * After a complete re-read of [from, to], entries there that the re-read did not stamp no longer exist
 * upstream. Only called when the re-read finished, so an interrupted run never deletes anything.
 */
export async function sweepUnseen(run: SyncRun, range: { from: string; to: string }, money?: MoneyPass): Promise<void> {
  await removeEntries(run, { unseenFrom: range.from, unseenTo: range.to }, money);
}
