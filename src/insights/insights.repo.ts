import type { Envelope } from '../crypto/envelope';
import type { Db } from '../db/db';
import { absenceCipherContext, maskToWorkdays } from '../db/fact-columns';
import { newId } from '../util/ids';
import type { Contract, DayFact, PersonHistory, ProjectHistory, ProjectMoneyWeek } from './input';
import type { Insight } from './types';

/** Loads what the engine needs for one tenant: technical IDs, contracts and daily numbers. */
export async function loadPeople(db: Db, envelope: Envelope, tenantId: string, from: string): Promise<PersonHistory[]> {
  const k = db.kysely;
  const people = await k
    .selectFrom('people')
    .select(['erp_person_id', 'manager_id'])
    .where('tenant_id', '=', tenantId)
    .where('restricted', '=', 0)
    .orderBy('erp_person_id')
    .execute();
  const contracts = await k.selectFrom('work_contracts').selectAll().where('tenant_id', '=', tenantId).execute();
  const byPerson = new Map<string, Contract[]>();
  for (const c of contracts) {
    const list = byPerson.get(c.erp_person_id) ?? [];
    list.push({ start: c.start_date, end: c.end_date, dailyMinutes: c.daily_minutes, workdays: maskToWorkdays(c.workdays_mask) });
    byPerson.set(c.erp_person_id, list);
  }
  const facts = await k
    .selectFrom('daily_facts')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('date', '>=', from)
    .orderBy('erp_person_id')
    .orderBy('date')
    .execute();
  const days = new Map<string, DayFact[]>();
  for (const f of facts) {
    const absence = f.absence_minutes_enc
      ? await envelope.decryptNumber(absenceCipherContext(tenantId, f.erp_person_id, f.date), f.absence_minutes_enc)
      : 0;
    const list = days.get(f.erp_person_id) ?? [];
    list.push({
      date: f.date,
      recordedMinutes: f.recorded_minutes,
      billableMinutes: f.billable_minutes,
      absenceMinutes: absence,
      entryCount: f.entry_count,
    });
    days.set(f.erp_person_id, list);
  }
  return people.map((p) => ({
    personId: p.erp_person_id,
    managerId: p.manager_id,
    contracts: byPerson.get(p.erp_person_id) ?? [],
    days: days.get(p.erp_person_id) ?? [],
  }));
}

export async function loadProjects(db: Db, tenantId: string, from: string, isoWeek: (date: string) => string): Promise<ProjectHistory[]> {
  const k = db.kysely;
  const projects = await k.selectFrom('projects').selectAll().where('tenant_id', '=', tenantId).where('is_closed', '=', 0).execute();
  const daily = await k
    .selectFrom('work_entries')
    .select(['erp_project_id', 'date'])
    .select((eb) => eb.fn.sum<number>('minutes').as('minutes'))
    .where('tenant_id', '=', tenantId)
    .where('date', '>=', from)
    .where('erp_project_id', 'is not', null)
    .groupBy(['erp_project_id', 'date'])
    .execute();
  const weekly = new Map<string, Map<string, number>>();
  for (const d of daily) {
    const id = d.erp_project_id as string;
    const weeks = weekly.get(id) ?? new Map<string, number>();
    const week = isoWeek(d.date);
    weeks.set(week, (weeks.get(week) ?? 0) + Number(d.minutes));
    weekly.set(id, weeks);
  }
  const money = new Map<string, ProjectMoneyWeek[]>();
  const moneyRows = await k.selectFrom('project_money_weeks').selectAll().where('tenant_id', '=', tenantId).orderBy('week').execute();
  for (const m of moneyRows) {
    const list = money.get(m.erp_project_id) ?? [];
    list.push({
      week: m.week,
      currency: m.currency,
      valueCents: Number(m.value_cents),
      costCents: Number(m.cost_cents),
      billableMinutes: Number(m.billable_minutes),
      unpricedMinutes: Number(m.unpriced_minutes),
      costedMinutes: Number(m.costed_minutes),
      uncostedMinutes: Number(m.uncosted_minutes),
    });
    money.set(m.erp_project_id, list);
  }
  return projects.map((p) => ({
    projectId: p.erp_project_id,
    weeklyMoney: money.get(p.erp_project_id) ?? [],
    managerId: p.manager_id,
    budgetMinutes: p.budget_minutes,
    start: p.start_date,
    end: p.end_date,
    weeklyMinutes: [...(weekly.get(p.erp_project_id) ?? new Map<string, number>())]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([week, minutes]) => ({ week, minutes })),
  }));
}

/** The part of the unique key that tells insights of one kind apart for one recipient and period. */
function subjectOf(i: Insight): string {
  if (i.subjectId) return i.subjectId;
  return i.kind === 'anomaly' ? String(i.values.date) : '-';
}

/** Replaces the tenant's insights of one period in one transaction: a rerun gives the same rows. */
export async function replaceInsights(db: Db, tenantId: string, period: string, insights: Insight[], now: string): Promise<void> {
  await db.kysely.transaction().execute(async (trx) => {
    await trx.deleteFrom('insights').where('tenant_id', '=', tenantId).where('period', '=', period).execute();
    const rows = insights.map((i) => ({
      id: newId(),
      tenant_id: tenantId,
      recipient_id: i.recipientId,
      period: i.period,
      kind: i.kind,
      subject_id: subjectOf(i),
      severity: i.severity,
      values_json: JSON.stringify(i.values),
      created_at: now,
    }));
    for (let i = 0; i < rows.length; i += 200) await trx.insertInto('insights').values(rows.slice(i, i + 200)).execute();
  });
}

/** The company's own days off as the last sync read them; empty when public holidays stand in. */
export async function loadCompanyHolidays(db: Db, tenantId: string): Promise<string[]> {
  const row = await db.kysely.selectFrom('tenant_calendars').select('holidays_json').where('tenant_id', '=', tenantId).executeTakeFirst();
  return row ? (JSON.parse(row.holidays_json) as string[]) : [];
}

/** The ERP's flex balances of a tenant's people as of a date (people without one are absent). */
export async function loadErpFlexBalances(db: Db, tenantId: string, asOf: string): Promise<Map<string, number>> {
  const rows = await db.kysely
    .selectFrom('flex_balances')
    .select(['erp_person_id', 'balance_minutes'])
    .where('tenant_id', '=', tenantId)
    .where('as_of', '=', asOf)
    .execute();
  return new Map(rows.map((r) => [r.erp_person_id, r.balance_minutes]));
}
