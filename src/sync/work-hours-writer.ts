import type { ErpMoney, ErpWorkHour } from '../../integrations/erp/erp-client';
import type { Db } from '../db/db';
import { upsert } from '../db/upsert';
import { createWorkCalendar, type WorkCalendarOptions } from '../insights/calendar';
import type { Contract } from '../insights/input';
import type { FenceSpec, WriteFence } from '../scheduler/write-fence';
import type { WriteRun } from './context';
import { markDirty, recomputeFacts, type DirtyDays } from './facts.repo';
import { applyEntries, removeEntries as removeMoney, settleMoneyPass, startMoneyPass, type MoneyPass } from './project-money';

/** SQLite and SQL Server both cap the size of an IN list; delete in slices. */
const DELETE_SLICE = 500;

/** Which entries to remove: by ERP ID, or the ones a full re-read of a date range did not stamp. */
export type Removal = { ids: string[] } | { unseenFrom: string; unseenTo: string };

export interface WriteCounts {
  entries: number;
  deletedEntries: number;
  factsWritten: number;
}

/**
 * Writes a run's work hours. Operations commit in the order they were called, each in its own
 * transaction; after one fails, every later one fails with the same error, so the database never
 * holds a later page without an earlier one.
 */
export interface WorkHoursWriter {
  /** Starts a complete read of `range`: its whole weeks get fresh money totals at settlePass. */
  beginPass(range: { from: string; to: string }): Promise<void>;
  /** Whole pages of kept entries (known people, inside the window). */
  write(entries: ErpWorkHour[]): Promise<WriteCounts>;
  remove(removal: Removal): Promise<WriteCounts>;
  /** Ends the pass begun last: its weeks get exactly what it saw. */
  settlePass(): Promise<void>;
  /** Waits for what was queued, then releases the writer. */
  close(): Promise<void>;
}

const facts = (run: WriteRun) => ({ tenantId: run.tenantId, calendar: run.calendar, contracts: run.contracts, stamp: run.stamp });

/**
 * Writes whole pages of work hours and the daily facts they touch in one transaction: the database
 * never holds half a page, and facts never disagree with entries.
 */
async function writePages(run: WriteRun, kept: ErpWorkHour[], money: MoneyPass | undefined): Promise<WriteCounts> {
  const dirty: DirtyDays = new Map();
  let factsWritten = 0;
  await run.db.kysely.transaction().execute(async (trx) => {
    await run.fence(trx, { tenantId: run.tenantId, personIds: [...new Set(kept.map((e) => e.personId))] });
    // An edit can move an entry to another day or person: the old day needs recomputing too.
    const previous = await trx
      .selectFrom('work_entries')
      .select(['erp_entry_id', 'erp_person_id', 'erp_project_id', 'date', 'minutes', 'billable', 'updated_at'])
      .where('tenant_id', '=', run.tenantId)
      .where('erp_entry_id', 'in', kept.map((e) => e.id))
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
    factsWritten = await recomputeFacts(run.db, trx, facts(run), dirty);
  });
  return { entries: kept.length, deletedEntries: 0, factsWritten };
}

/** Deletes entries and recomputes the facts of their days in one transaction. */
async function removeEntries(run: WriteRun, removal: Removal, money: MoneyPass | undefined): Promise<WriteCounts> {
  let counts: WriteCounts = { entries: 0, deletedEntries: 0, factsWritten: 0 };
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
    counts = { entries: 0, deletedEntries: doomed.length, factsWritten: await recomputeFacts(run.db, trx, facts(run), dirty) };
  });
  return counts;
}

/** What a writer needs of its run, as plain data: a writer thread receives a copy. */
export interface WriterSession {
  tenantId: string;
  stamp: string;
  window: { from: string; to: string };
  contracts: Map<string, Contract[]>;
  hourCosts: Map<string, ErpMoney | null>;
  calendar: WorkCalendarOptions;
}

/** The run's write fence twice: as a check for this thread, and as data for a writer thread to rebuild. */
export interface WriterFence {
  check: WriteFence;
  spec: FenceSpec;
}

/** Opens the writer of one run; the composition root chooses where it writes from. */
export type WorkHoursWriters = (session: WriterSession, fence: WriterFence) => WorkHoursWriter;

export function writeRunOf(db: Db, session: WriterSession, fence: WriteFence): WriteRun {
  return { db, ...session, calendar: createWorkCalendar(session.calendar), fence };
}

/** Writers on the caller's own connection: for SQL Server (whose driver does not block) and in-memory SQLite. */
export const inlineWriters =
  (db: Db): WorkHoursWriters =>
  (session, fence) =>
    createInlineWriter(writeRunOf(db, session, fence.check));

export function createInlineWriter(run: WriteRun): WorkHoursWriter {
  let chain: Promise<unknown> = Promise.resolve();
  let failure: { error: unknown } | undefined;
  let money: MoneyPass | undefined;
  const serial = <T>(op: () => Promise<T>): Promise<T> => {
    const result = chain.then(async () => {
      if (failure) throw failure.error;
      try {
        return await op();
      } catch (error) {
        failure = { error };
        throw error;
      }
    });
    chain = result.catch(() => undefined);
    return result;
  };
  return {
    beginPass: (range) =>
      serial(async () => {
        money = startMoneyPass(run, range);
      }),
    write: (entries) => serial(() => writePages(run, entries, money)),
    remove: (removal) => serial(() => removeEntries(run, removal, money)),
    settlePass: () =>
      serial(async () => {
        if (money) await settleMoneyPass(run, money);
        money = undefined;
      }),
    close: async () => {
      await chain;
    },
  };
}
