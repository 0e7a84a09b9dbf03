import { generateCompany } from '../../integrations/erp-simulator';
import { finnishPublicHolidays, isoDate, isoWeekday, parseIsoDate } from '../../integrations/erp-simulator/calendar';
import { demandOn } from '../../integrations/erp-simulator/generate-hours';
import { guidFor } from '../../integrations/erp-simulator/prng';
import type { SimCompany } from '../../integrations/erp-simulator';

const options = { seed: 7, employees: 40, months: 13, endDate: '2025-01-31' };

function dailyTotals(company: SimCompany): Map<string, number> {
  const totals = new Map<string, number>();
  for (let i = 0; i < company.hours.length; i += 1) {
    const row = company.hours.get(i);
    const key = `${company.users[row.userIndex]?.guid}|${isoDate(row.day)}`;
    totals.set(key, (totals.get(key) ?? 0) + row.centiHours / 100);
  }
  return totals;
}

function snapshot(company: SimCompany): string {
  const rows = Array.from({ length: company.hours.length }, (_, i) => company.hours.get(i));
  return JSON.stringify({ users: company.users, projects: company.projects, absences: company.absences, rows, truth: company.groundTruth() });
}

describe('erp simulator company generation', () => {
  const company = generateCompany(options);
  const truth = company.groundTruth();
  const totals = dailyTotals(company);

  it('is deterministic: the same seed and size give identical data, another seed differs', () => {
    expect(snapshot(generateCompany(options))).toBe(snapshot(company));
    expect(snapshot(generateCompany({ ...options, seed: 8 }))).not.toBe(snapshot(company));
  });

  it('ground truth is JSON-serialisable and its counts match the data', () => {
    expect(JSON.parse(JSON.stringify(truth))).toEqual(truth);
    expect(truth.counts).toEqual({
      users: 40,
      contracts: company.users.reduce((n, u) => n + u.contracts.length, 0),
      entries: company.hours.length,
      absences: company.absences.length,
      projects: company.projects.length,
    });
    expect(truth.startDate).toBe('2024-01-01');
    expect(truth.counts.entries).toBeGreaterThan(5000);
  });

  it('every missing day is an unrecorded workday under contract, not a holiday nor an absence', () => {
    expect(truth.missingDays.length).toBeGreaterThan(10);
    const holidays = new Set(truth.publicHolidays);
    for (const { userGuid, date } of truth.missingDays) {
      const day = parseIsoDate(date) ?? NaN;
      const user = company.users[company.userIndexByGuid(userGuid) ?? -1];
      const contract = user?.contracts.find((c) => c.startDay <= day && (c.endDay === null || c.endDay >= day));
      expect(totals.has(`${userGuid}|${date}`)).toBe(false);
      expect(contract?.workWeek).toContain(isoWeekday(day));
      expect(holidays.has(date)).toBe(false);
      expect(company.absences.some((a) => a.userIndex === user?.index && a.startDay <= day && a.endDay >= day)).toBe(false);
    }
  });

  it('every outlier day really has an outlier total, and normal days stay within an hour of the contract', () => {
    expect(truth.outlierDays.length).toBeGreaterThan(3);
    const outliers = new Set(truth.outlierDays.map((d) => `${d.userGuid}|${d.date}`));
    for (const day of truth.outlierDays) {
      const total = totals.get(`${day.userGuid}|${day.date}`) ?? 0;
      expect(total).toBe(day.hours);
      expect(total >= 14 || total <= 0.5).toBe(true);
    }
    const abnormal = [...totals].filter(([key, total]) => !outliers.has(key) && (total <= 0.5 || total >= 14));
    expect(abnormal).toEqual([]);
  });

  it('records no work on Finnish public holidays, and knows the fixed ones', () => {
    expect(truth.publicHolidays).toEqual(expect.arrayContaining(['2024-05-01', '2024-06-22', '2024-12-06', '2024-12-25', '2025-01-06']));
    const holidays = finnishPublicHolidays(company.startDay, company.endDay);
    const onHolidays = Array.from({ length: company.hours.length }, (_, i) => company.hours.dayAt(i)).filter((d) => holidays.has(d));
    expect(holidays.size).toBeGreaterThan(12);
    expect(onHolidays).toEqual([]);
  });

  it('records no work and plants no missing day on Midsummer, Christmas and New Year\'s Eve', () => {
    const eves = ['2024-06-21', '2024-12-24', '2024-12-31'];
    const eveDays = new Set(eves.map((d) => parseIsoDate(d)));
    const worked = Array.from({ length: company.hours.length }, (_, i) => company.hours.dayAt(i)).filter((d) => eveDays.has(d));
    expect(worked).toEqual([]);
    expect(truth.missingDays.filter((d) => eves.includes(d.date))).toEqual([]);
    expect(truth.publicHolidays).not.toEqual(expect.arrayContaining(['2024-12-24']));
  });

  it('has part-timers, mid-period and consecutive contracts, managers, languages and absences', () => {
    expect(truth.partTimeUserGuids.length).toBeGreaterThan(0);
    expect(truth.midPeriodContractUserGuids.length).toBeGreaterThan(0);
    expect(truth.twoContractUserGuids.length).toBeGreaterThan(0);
    const contracts = company.users.flatMap((u) => u.contracts);
    expect(contracts.some((c) => c.dailyHours === 4.5)).toBe(true);
    expect(contracts.filter((c) => c.dailyHours === 7.5 && c.workWeek.length === 5).length / contracts.length).toBeGreaterThan(0.6);
    expect(company.users.some((u) => !u.isActive)).toBe(true);
    expect(new Set(company.users.map((u) => u.languageCode))).toContain('fi');
    expect(company.users.filter((u) => u.superiorIndex !== null).length).toBe(39);
    const kinds = new Set(company.absences.map((a) => a.kind));
    expect(kinds).toEqual(new Set(['vacation', 'sick']));
    const summer = company.absences.filter((a) => a.kind === 'vacation' && a.endDay - a.startDay >= 20);
    expect(summer.length).toBeGreaterThan(20);
  });

  it('splits days into one to three entries, billable and non-billable', () => {
    const perDay = new Map<string, number>();
    let billable = 0;
    for (let i = 0; i < company.hours.length; i += 1) {
      const row = company.hours.get(i);
      const key = `${row.userIndex}|${row.day}`;
      perDay.set(key, (perDay.get(key) ?? 0) + 1);
      if (row.isBillable) billable += 1;
    }
    const counts = new Set(perDay.values());
    expect([...counts].sort()).toEqual([1, 2, 3]);
    expect(billable).toBeGreaterThan(company.hours.length * 0.3);
    expect(billable).toBeLessThan(company.hours.length);
    expect(company.projects.filter((p) => !p.isInternal).every((p) => p.expectedHours >= 40)).toBe(true);
  });

  it('keeps budgets on phases whose estimates add up to the project budget, and names some customers after people', () => {
    for (const project of company.projects) {
      const own = company.phases.filter((p) => p.projectIndex === project.index);
      const root = own.find((p) => p.parentIndex === null);
      const children = own.filter((p) => p.parentIndex !== null);
      if (project.isInternal) expect([root?.workHoursEstimate, children.length]).toEqual([null, 0]);
      else expect([root?.workHoursEstimate, children.reduce((n, p) => n + (p.workHoursEstimate ?? 0), 0)]).toEqual([project.expectedHours, project.expectedHours]);
    }
    expect(new Set(company.phases.map((p) => p.guid)).size).toBe(company.phases.length);
    expect(company.customers.some((c) => /^Tmi \S+ \S+$/.test(c.name))).toBe(true);
  });

  it('stamps each user with the last edit of the record or a contract, never after the period', () => {
    const periodEnd = (company.endDay + 1) * 86_400;
    for (const user of company.users) {
      expect(user.updatedAt).toBeGreaterThanOrEqual(Math.max(...user.contracts.map((c) => c.updatedAt)));
      expect(user.updatedAt).toBeLessThan(periodEnd);
    }
    expect(new Set(company.users.map((u) => u.code)).size).toBe(company.users.length);
  });

  it('mints reversible, UUID-shaped guids', () => {
    expect(company.users[3]?.guid).toBe(guidFor(7, 'user', 3));
    expect(company.users[3]?.guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('generates 1000 people × 24 months compactly', () => {
    const big = generateCompany({ seed: 1, employees: 1000, months: 24, endDate: '2025-12-31' });
    expect(big.counts().entries).toBeGreaterThan(400_000);
    expect(big.groundTruth().missingDays.length).toBeGreaterThan(1000);
  });

  it('bills less in summer with a demand cycle, and keeps everyone on customer projects', () => {
    // Mid-July (day of year 196) is the trough, half a year later the peak; no cycle leaves the rate alone.
    const july15 = parseIsoDate('2025-07-15') as number;
    expect(demandOn(july15, 0.5)).toBeCloseTo(0.5, 3);
    expect(demandOn(parseIsoDate('2025-01-13') as number, 0.5)).toBeCloseTo(1, 3);
    expect(demandOn(july15, 0)).toBe(1);
    const cyclic = generateCompany({ ...options, months: 24, demandCycle: 0.5 });
    expect(cyclic.projects.every((p) => p.deadlineDay === null)).toBe(true);
    const share = (month: string): number => {
      let billable = 0;
      let all = 0;
      for (let i = 0; i < cyclic.hours.length; i += 1) {
        const row = cyclic.hours.get(i);
        if (!isoDate(row.day).includes(month) || cyclic.projects[row.projectIndex]?.isInternal) continue;
        all += row.centiHours;
        if (row.isBillable) billable += row.centiHours;
      }
      return billable / all;
    };
    // Customer work is billed at 0.92 × demand: about 0.46 in July, about 0.92 in January.
    expect(share('2024-07-')).toBeLessThan(0.6);
    expect(share('2024-01-')).toBeGreaterThan(0.85);
    expect(() => generateCompany({ ...options, demandCycle: 1.5 })).toThrow('demandCycle must be 0..1');
  });
});
