import type { Transaction } from 'kysely';
import type { ErpMoney, ErpWorkHour } from '../../integrations/erp/erp-client';
import type { Database } from '../db/schema';
import { upsert } from '../db/upsert';
import { addDays } from '../insights/dates';
import type { WriteRun } from './context';

/**
 * Project money, summed at sync time per project and ISO week: billable value = billable hours × unit
 * price, cost = hours × unit cost (or, for an hour without one, the person's current contract hour cost,
 * held in memory for the run). One entry's money, which would be one person's, is never stored.
 *
 * A read that covers whole weeks completely (the first backfill, the nightly re-read of recent weeks)
 * replaces those weeks' totals with what it saw. An entry changed or deleted in any other week moves the
 * totals by its difference; since its old price and cost were not kept, its old share is taken at the
 * week's average rates, exact whenever a project prices (and a person costs) a week's hours alike.
 */
export interface MoneyTotals {
  currency: string | null;
  billableMinutes: number;
  valueCents: number;
  unpricedMinutes: number;
  costedMinutes: number;
  costCents: number;
  uncostedMinutes: number;
}

export const emptyTotals = (): MoneyTotals => ({
  currency: null,
  billableMinutes: 0,
  valueCents: 0,
  unpricedMinutes: 0,
  costedMinutes: 0,
  costCents: 0,
  uncostedMinutes: 0,
});

/** What one entry adds; amounts in cents, not rounded (totals are rounded when written). */
export function addEntry(
  totals: MoneyTotals,
  entry: { minutes: number; billable: boolean; unitPrice?: ErpMoney | null; unitCost?: ErpMoney | null },
  fallbackCost: ErpMoney | null,
): void {
  const usable = (m: ErpMoney | null | undefined): ErpMoney | null => {
    if (!m) return null;
    totals.currency ??= m.currency;
    return m.currency === totals.currency ? m : null;
  };
  const cost = usable(entry.unitCost ?? fallbackCost);
  if (cost) {
    totals.costedMinutes += entry.minutes;
    totals.costCents += (entry.minutes / 60) * cost.amount * 100;
  } else {
    totals.uncostedMinutes += entry.minutes;
  }
  if (!entry.billable) return;
  const price = usable(entry.unitPrice);
  if (price) {
    totals.billableMinutes += entry.minutes;
    totals.valueCents += (entry.minutes / 60) * price.amount * 100;
  } else {
    totals.unpricedMinutes += entry.minutes;
  }
}

/** Takes `minutes` out of a (minutes, cents) pair at its average rate. */
function takeAtAverage(minutes: number, cents: number, take: number): [number, number] {
  return minutes > 0 ? [minutes - take, cents - (cents * take) / minutes] : [0, cents];
}

/**
 * Takes out an entry whose price and cost are no longer known, at the week's average rates per minute:
 * its minutes count as costed (and, if billable, priced) as far as the week has such minutes.
 */
export function removeEntryAtAverage(totals: MoneyTotals, entry: { minutes: number; billable: boolean }): void {
  const costed = Math.min(entry.minutes, totals.costedMinutes);
  [totals.costedMinutes, totals.costCents] = takeAtAverage(totals.costedMinutes, totals.costCents, costed);
  totals.uncostedMinutes = Math.max(0, totals.uncostedMinutes - (entry.minutes - costed));
  if (!entry.billable) return;
  const priced = Math.min(entry.minutes, totals.billableMinutes);
  [totals.billableMinutes, totals.valueCents] = takeAtAverage(totals.billableMinutes, totals.valueCents, priced);
  totals.unpricedMinutes = Math.max(0, totals.unpricedMinutes - (entry.minutes - priced));
}

/** ISO weeks whose seven days all lie in [from, to]. */
export function wholeWeeks(range: { from: string; to: string }, isoWeek: (date: string) => string, zone: string): Set<string> {
  const byWeek = new Map<string, number>();
  for (let d = range.from; d <= range.to; d = addDays(d, 1, zone)) byWeek.set(isoWeek(d), (byWeek.get(isoWeek(d)) ?? 0) + 1);
  return new Set([...byWeek].filter(([, n]) => n === 7).map(([w]) => w));
}

/** A complete read of a date range: the whole weeks in it get fresh totals when it ends. */
export interface MoneyPass {
  weeks: Set<string>;
  fresh: Map<string, MoneyTotals>;
}

const keyOf = (projectId: string, week: string): string => `${projectId}|${week}`;

export function startMoneyPass(run: WriteRun, range: { from: string; to: string }): MoneyPass {
  return { weeks: wholeWeeks(range, (d) => run.calendar.isoWeek(d), run.calendar.timezone), fresh: new Map() };
}

type Trx = Transaction<Database>;

interface StoredEntry {
  erp_project_id: string | null;
  date: string;
  minutes: number;
  billable: number;
}

/** A stored entry as a page about to overwrite it finds it, with the stamp of the run that wrote it. */
export interface PreviousEntry extends StoredEntry {
  updated_at: string;
}

/** Parameters per IN list, below both SQLite's and SQL Server's limits with room for the rest. */
const IN_SLICE = 500;

/** One grouped read per slice of projects (a superset of the keys, filtered here), not one per week. */
async function readWeeks(trx: Trx, tenantId: string, keys: Set<string>): Promise<Map<string, MoneyTotals>> {
  const out = new Map<string, MoneyTotals>([...keys].map((key) => [key, emptyTotals()]));
  const projects = [...new Set([...keys].map((key) => key.split('|')[0] as string))];
  const weeks = [...new Set([...keys].map((key) => key.split('|')[1] as string))];
  for (let i = 0; i < projects.length; i += IN_SLICE) {
    for (let j = 0; j < weeks.length; j += IN_SLICE) {
      const rows = await trx
        .selectFrom('project_money_weeks')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('erp_project_id', 'in', projects.slice(i, i + IN_SLICE))
        .where('week', 'in', weeks.slice(j, j + IN_SLICE))
        .execute();
      for (const row of rows) {
        const key = keyOf(row.erp_project_id, row.week);
        if (!out.has(key)) continue;
        out.set(key, {
          currency: row.currency,
          billableMinutes: Number(row.billable_minutes),
          valueCents: Number(row.value_cents),
          unpricedMinutes: Number(row.unpriced_minutes),
          costedMinutes: Number(row.costed_minutes),
          costCents: Number(row.cost_cents),
          uncostedMinutes: Number(row.uncosted_minutes),
        });
      }
    }
  }
  return out;
}

async function writeWeeks(run: WriteRun, trx: Trx, totals: Map<string, MoneyTotals>): Promise<void> {
  const rows = [...totals].map(([key, t]) => {
    const [projectId, week] = key.split('|') as [string, string];
    return {
      tenant_id: run.tenantId,
      erp_project_id: projectId,
      week,
      currency: t.currency,
      billable_minutes: Math.round(t.billableMinutes),
      value_cents: Math.round(t.valueCents),
      unpriced_minutes: Math.round(t.unpricedMinutes),
      costed_minutes: Math.round(t.costedMinutes),
      cost_cents: Math.round(t.costCents),
      uncosted_minutes: Math.round(t.uncostedMinutes),
      updated_at: run.stamp,
    };
  });
  if (rows.length > 0) await upsert({ kysely: trx, dialect: run.db.dialect }, 'project_money_weeks', rows, ['tenant_id', 'erp_project_id', 'week']);
}

const sameEntry = (a: StoredEntry, b: ErpWorkHour): boolean =>
  a.erp_project_id === b.projectId && a.date === b.date && a.minutes === b.minutes && (a.billable === 1) === b.billable;

/**
 * Inside the transaction that writes `entries` (before their rows change): entries in the pass's
 * weeks go to its fresh totals; the others move the stored totals by their difference. A row served
 * twice is counted once: the second time its stored row already carries this run's stamp, and a pass
 * is the first thing in its run to write its weeks (so no other write of the run stamped them). The
 * database answers that instead of a set of every ID seen, which would grow with the window.
 */
export async function applyEntries(
  run: WriteRun,
  trx: Trx,
  entries: readonly ErpWorkHour[],
  previous: ReadonlyMap<string, PreviousEntry>,
  pass: MoneyPass | undefined,
): Promise<void> {
  const week = (date: string): string => run.calendar.isoWeek(date);
  const settled = (w: string): boolean => pass?.weeks.has(w) ?? false;
  const removals: StoredEntry[] = [];
  const additions: ErpWorkHour[] = [];
  for (const e of entries) {
    const old = previous.get(e.id);
    if (old && !settled(week(old.date)) && !settled(week(e.date)) && sameEntry(old, e)) continue;
    if (old?.erp_project_id && !settled(week(old.date))) removals.push(old);
    if (e.projectId === null) continue;
    if (pass && settled(week(e.date))) {
      if (old?.updated_at === run.stamp) continue;
      const key = keyOf(e.projectId, week(e.date));
      const totals = pass.fresh.get(key) ?? emptyTotals();
      addEntry(totals, e, run.hourCosts.get(e.personId) ?? null);
      pass.fresh.set(key, totals);
    } else {
      additions.push(e);
    }
  }
  await moveStored(run, trx, removals, additions);
}

/** Inside the transaction that deletes entries: those outside the pass's weeks leave the stored totals. */
export async function removeEntries(run: WriteRun, trx: Trx, doomed: readonly StoredEntry[], pass: MoneyPass | undefined): Promise<void> {
  const outside = doomed.filter((d) => d.erp_project_id !== null && !(pass?.weeks.has(run.calendar.isoWeek(d.date)) ?? false));
  await moveStored(run, trx, outside, []);
}

async function moveStored(run: WriteRun, trx: Trx, removals: readonly StoredEntry[], additions: readonly ErpWorkHour[]): Promise<void> {
  if (removals.length === 0 && additions.length === 0) return;
  const week = (date: string): string => run.calendar.isoWeek(date);
  const keys = new Set([
    ...removals.map((r) => keyOf(r.erp_project_id as string, week(r.date))),
    ...additions.map((a) => keyOf(a.projectId as string, week(a.date))),
  ]);
  const totals = await readWeeks(trx, run.tenantId, keys);
  for (const r of removals) removeEntryAtAverage(totals.get(keyOf(r.erp_project_id as string, week(r.date))) as MoneyTotals, { minutes: r.minutes, billable: r.billable === 1 });
  for (const a of additions) addEntry(totals.get(keyOf(a.projectId as string, week(a.date))) as MoneyTotals, a, run.hourCosts.get(a.personId) ?? null);
  await writeWeeks(run, trx, totals);
}

/** After a complete read: the pass's weeks get exactly what it saw (weeks it saw nothing in, nothing). */
export async function settleMoneyPass(run: WriteRun, pass: MoneyPass): Promise<void> {
  if (pass.weeks.size === 0) return;
  await run.db.kysely.transaction().execute(async (trx) => {
    await run.fence(trx, { tenantId: run.tenantId });
    const weeks = [...pass.weeks];
    for (let i = 0; i < weeks.length; i += 200) {
      await trx.deleteFrom('project_money_weeks').where('tenant_id', '=', run.tenantId).where('week', 'in', weeks.slice(i, i + 200)).execute();
    }
    await writeWeeks(run, trx, pass.fresh);
  });
}
