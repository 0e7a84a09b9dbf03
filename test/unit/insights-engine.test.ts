import { computeInsights } from '../../src/insights/engine';
import { defaultInsightSettings, type PersonHistory } from '../../src/insights/input';
import type { Insight } from '../../src/insights/types';
import { ValidationError } from '../../src/errors';
import { day, everyDay, person } from './insights-fixtures';

const days = everyDay('2026-06-01', '2026-11-22', [1, 2, 3, 4, 5], (d) => day(d, 450, { billableMinutes: 330 }));
const team: PersonHistory[] = ['p5', 'p3', 'p1', 'p4', 'p2'].map((id) => person(days, undefined, id, 'boss'));
const withGap = person(days.filter((d) => d.date !== '2026-11-18'), undefined, 'p0', 'other');
const projects = [
  { projectId: 'pr2', managerId: 'boss', budgetMinutes: 10000, start: null, end: null, weeklyMinutes: [{ week: '2026-W47', minutes: 1000 }] },
  { projectId: 'pr1', managerId: 'boss', budgetMinutes: 10000, start: null, end: null, weeklyMinutes: [] },
];
const input = { tenantId: 't1', referenceDate: '2026-11-23', settings: defaultInsightSettings(), people: [...team, withGap], projects };

describe('computeInsights', () => {
  it('produces every enabled kind in a deterministic order', () => {
    const kinds = computeInsights(input).map((i) => `${i.recipientId}:${i.kind}${i.subjectId ? `:${i.subjectId}` : ''}`);
    expect(kinds).toEqual([
      'p0:missing-hours',
      'p0:flex-balance',
      'p0:utilisation',
      ...['p1', 'p2', 'p3', 'p4', 'p5'].flatMap((p) => [`${p}:missing-hours`, `${p}:flex-balance`, `${p}:utilisation`]),
      'boss:project-burn:pr1',
      'boss:project-burn:pr2',
      'boss:team-view',
    ]);
    expect(computeInsights({ ...input, people: [...input.people].reverse() })).toEqual(computeInsights(input));
  });

  it('labels every record with the tenant and the last completed week', () => {
    const all = computeInsights(input);
    expect(new Set(all.map((i) => `${i.tenantId} ${i.period}`))).toEqual(new Set(['t1 2026-W47']));
    expect(all.find((i) => i.recipientId === 'p0' && i.kind === 'missing-hours')?.values).toMatchObject({ missingDays: [20261118] });
  });

  it('leaves out disabled kinds and the team view when the tenant turns it off', () => {
    const settings = defaultInsightSettings();
    settings.enabled.utilisation = false;
    settings.enabled['project-burn'] = false;
    const kinds = new Set(computeInsights({ ...input, settings: { ...settings, teamView: false } }).map((i) => i.kind));
    expect(kinds).toEqual(new Set(['missing-hours', 'flex-balance']));
  });

  it("passes a person's balance from the ERP's flextime add-on to the flex insight", () => {
    const people = [{ ...withGap, erpFlexBalanceMinutes: 1234 }, ...team];
    const flex = computeInsights({ ...input, people }).filter((i) => i.kind === 'flex-balance');
    expect(flex.map((i) => [i.recipientId, i.values.fromErp])).toEqual([['p0', 1], ...['p1', 'p2', 'p3', 'p4', 'p5'].map((p) => [p, 0])]);
    expect(flex[0]?.values.balanceMinutes).toBe(1234);
    expect(flex[1]?.values.balanceMinutes).not.toBe(1234);
  });

  it('rejects settings the maths cannot use', () => {
    expect(() => computeInsights({ ...input, settings: defaultInsightSettings({ utilisationTarget: 1.5, trendWeeks: 1 }) })).toThrow(
      ValidationError,
    );
  });
});

describe('computeInsights: whom a period concerns, and from when the ERP has hours', () => {
  const reference = '2026-11-23';
  const settings = defaultInsightSettings();
  const flexOf = (people: PersonHistory[], id: string) =>
    computeInsights({ tenantId: 't1', referenceDate: reference, settings, people, projects: [] }).find(
      (i): i is Extract<Insight, { kind: 'flex-balance' }> => i.recipientId === id && i.kind === 'flex-balance',
    );

  it('counts flex only from the first time entry in the company, not from a contract start years before', () => {
    // The company moved its time keeping into the ERP on 1 September; the contract dates from 2019.
    const since = everyDay('2026-09-01', '2026-11-22', [1, 2, 3, 4, 5], (d) => day(d, 450));
    const longServing = person(since, [{ start: '2019-03-01', end: null, dailyMinutes: 450, workdays: [1, 2, 3, 4, 5] }]);
    expect(flexOf([longServing], 'p1')?.values.balanceMinutes).toBe(0);
  });

  it('still counts a person who recorded nothing while the rest of the company did', () => {
    const since = everyDay('2026-09-01', '2026-11-22', [1, 2, 3, 4, 5], (d) => day(d, 450));
    const idle = person([], undefined, 'p2');
    // Tuesday 1 September to Sunday 22 November: 59 workdays of 7.5 h (All Saints' Day is a
    // Saturday in 2026, so the Finnish autumn has no weekday holiday).
    expect(flexOf([person(since), idle], 'p2')?.values.balanceMinutes).toBe(-59 * 450);
  });

  it('gives a former employee nothing, and leaves them out of the team view', () => {
    const worked = everyDay('2026-06-01', '2026-11-22', [1, 2, 3, 4, 5], (d) => day(d, 450, { billableMinutes: 330 }));
    const leaver = person(
      worked.filter((d) => d.date <= '2026-10-09'),
      [{ start: '2024-01-01', end: '2026-10-09', dailyMinutes: 450, workdays: [1, 2, 3, 4, 5] }],
      'p9',
      'boss',
    );
    const stayers = ['p1', 'p2', 'p3', 'p4'].map((id) => person(worked, undefined, id, 'boss'));
    const all = computeInsights({ tenantId: 't1', referenceDate: reference, settings, people: [leaver, ...stayers], projects: [] });
    expect(all.filter((i) => i.recipientId === 'p9')).toEqual([]);
    // Four current reports are under the minimum team size of five: no team view.
    expect(all.filter((i) => i.kind === 'team-view')).toEqual([]);
  });

  it('gives a future starter nothing before the first day', () => {
    const starter = person([], [{ start: '2026-12-01', end: null, dailyMinutes: 450, workdays: [1, 2, 3, 4, 5] }], 'p7');
    const other = person(everyDay('2026-06-01', '2026-11-22', [1, 2, 3, 4, 5], (d) => day(d, 450)));
    const all = computeInsights({ tenantId: 't1', referenceDate: reference, settings, people: [starter, other], projects: [] });
    expect(all.filter((i) => i.recipientId === 'p7')).toEqual([]);
  });
});
