import { sql } from 'kysely';
import { projectMoney, type ProjectMoney } from '../../integrations/erp-simulator';
import { parseIsoDate } from '../../integrations/erp-simulator/calendar';
import { computeInsights, defaultInsightSettings } from '../../src/insights';
import { createWorkCalendar } from '../../src/insights/calendar';
import { loadPeople, loadProjects } from '../../src/insights/insights.repo';
import type { ProjectMarginValues } from '../../src/insights/types';
import { createSyncHarness, SIM_END, type SyncHarness } from '../fakes/sync-harness';

/**
 * Scenario: the simulator's company (seed 7, 30 people, 5 months to 2026-11-25), synced on 2026-11-26
 * with the harness's 3-month backfill, so the window starts on 2026-08-26 (mid-week). The simulator
 * prices each customer project on its own (80–120 €/h) and costs each contract on its own (32–58 €/h);
 * its ground truth sums its own rows, never our tables.
 */
const WINDOW_FROM = '2026-08-26';
const REFERENCE_DATE = '2026-11-30';

interface Stored {
  valueCents: number;
  costCents: number;
  weeks: number;
}

async function storedMoney(h: SyncHarness): Promise<Map<string, Stored>> {
  const rows = await h.db.kysely.selectFrom('project_money_weeks').selectAll().where('tenant_id', '=', h.tenant.id).execute();
  const out = new Map<string, Stored>();
  for (const r of rows) {
    const s = out.get(r.erp_project_id) ?? { valueCents: 0, costCents: 0, weeks: 0 };
    s.valueCents += Number(r.value_cents);
    s.costCents += Number(r.cost_cents);
    s.weeks += 1;
    out.set(r.erp_project_id, s);
  }
  return out;
}

function truthNow(h: SyncHarness): Map<string, ProjectMoney> {
  return projectMoney(h.sim.company, parseIsoDate(WINDOW_FROM) as number, parseIsoDate(SIM_END) as number);
}

/** Every project's stored totals against the truth; each stored week is rounded to the cent once. */
function expectMatches(stored: Map<string, Stored>, truth: Map<string, ProjectMoney>, costTolerance = (_w: number) => 0): void {
  expect([...stored.keys()].sort()).toEqual([...truth.keys()].sort());
  for (const [id, t] of truth) {
    const s = stored.get(id) as Stored;
    expect(Math.abs(s.valueCents - t.billableValue * 100)).toBeLessThanOrEqual(s.weeks);
    expect(Math.abs(s.costCents - t.cost * 100)).toBeLessThanOrEqual(s.weeks + costTolerance(t.cost * 100));
  }
}

describe('project margin against the simulator ground truth', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await createSyncHarness({ employees: 30, months: 5 });
    await h.sync.syncTenant(h.tenant, h.client());
  });
  afterAll(async () => h.close());

  it('sums billable hours × unit price and hours × unit cost per project and week at the first sync', async () => {
    const truth = truthNow(h);
    expect(truth.size).toBeGreaterThan(3);
    // Non-billable customer hours carry the project's price too, and must not be counted as value.
    const internal = h.sim.company.projects.find((p) => p.isInternal);
    expect(truth.get(internal?.guid ?? '')?.billableValue).toBe(0);
    expectMatches(await storedMoney(h), truth);
  });

  it("gives each project's money to its manager only, as project totals, after a real sync", async () => {
    const calendar = createWorkCalendar();
    const people = await loadPeople(h.db, h.envelope, h.tenant.id, WINDOW_FROM);
    const projects = await loadProjects(h.db, h.tenant.id, WINDOW_FROM, (d) => calendar.isoWeek(d));
    const insights = computeInsights({ tenantId: h.tenant.id, referenceDate: REFERENCE_DATE, settings: defaultInsightSettings(), people, projects, calendar });
    const truth = truthNow(h);
    const withMargin = insights.flatMap((i) => (i.kind === 'project-burn' && i.values.margin ? [{ i, margin: i.values.margin }] : []));
    expect(withMargin.length).toBeGreaterThan(2);
    for (const { i, margin } of withMargin) {
      const project = h.sim.company.projects.find((p) => p.guid === i.subjectId);
      expect(i.recipientId).toBe(h.sim.company.users[project?.ownerIndex ?? -1]?.guid);
      const t = truth.get(i.subjectId as string) as ProjectMoney;
      const m: ProjectMarginValues = margin;
      expect(m.currency).toBe('EUR');
      expect(Math.abs(m.billableValueCents - t.billableValue * 100)).toBeLessThan(100);
      expect(Math.abs(m.costCents - t.cost * 100)).toBeLessThan(100);
      expect(m.marginCents).toBe(m.billableValueCents - m.costCents);
      expect(m.marginShare).toBeCloseTo((t.billableValue - t.cost) / t.billableValue, 2);
      expect(m.costCoverage).toBe(1);
    }
    // No other insight carries money.
    const others = insights.filter((i) => i.kind !== 'project-burn');
    expect(JSON.stringify(others.map((i) => i.values))).not.toMatch(/cents|currency/i);
  });

  it('follows an edit, a deletion and a new hour in the next, incremental sync', async () => {
    const cutoff = '2026-10-15';
    const old = await h.db.kysely
      .selectFrom('work_entries')
      .selectAll()
      .where('tenant_id', '=', h.tenant.id)
      .where('date', '<', cutoff)
      .where('date', '>=', '2026-09-07')
      .where('billable', '=', 1)
      .orderBy('erp_entry_id')
      .limit(2)
      .execute();
    const [edited, deleted] = old;
    if (!edited || !deleted) throw new Error('expected two old billable entries');
    h.sim.mutate.editWorkHour(edited.erp_entry_id, { quantity: 6 });
    h.sim.mutate.deleteWorkHour(deleted.erp_entry_id);
    const project = h.sim.company.projects.find((p) => !p.isInternal && p.deadlineDay === null);
    h.sim.mutate.addWorkHour({ userGuid: edited.erp_person_id, eventDate: '2026-11-24', quantity: 3, projectGuid: project?.guid, isBillable: true });
    h.clock.advance(24 * 3600_000);
    expect((await h.sync.syncTenant(h.tenant, h.client())).mode).toBe('incremental');
    // Prices are per project, so value stays exact. An old entry's cost is taken out at its week's average
    // hour cost, and hour costs differ by at most 58 − 32 = 26 €/h, which bounds the error.
    const bound = ((edited.minutes + deleted.minutes) / 60) * 26 * 100;
    expectMatches(await storedMoney(h), truthNow(h), () => bound);
  });

  it('stores no price or cost outside the per-project week totals', async () => {
    const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(h.db.kysely);
    expect(tables.rows.length).toBeGreaterThan(10);
    for (const { name } of tables.rows) {
      const columns = await sql<{ name: string }>`select name from pragma_table_info(${name})`.execute(h.db.kysely);
      const moneyLike = columns.rows.map((c) => c.name).filter((c) => /(^|_)(price|cost|cents|value|currency|amount)(_|$)/i.test(c));
      if (name === 'project_money_weeks') expect(moneyLike.length).toBeGreaterThan(0);
      else expect({ table: name, moneyLike }).toEqual({ table: name, moneyLike: [] });
    }
    const money = await h.db.kysely.selectFrom('project_money_weeks').selectAll().limit(1).execute();
    expect(Object.keys(money[0] ?? {})).not.toContain('erp_person_id');
  });
});
