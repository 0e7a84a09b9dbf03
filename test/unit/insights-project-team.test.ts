import { projectBurnInsight } from '../../src/insights/project-burn';
import type { ProjectHistory } from '../../src/insights/input';
import { summariseMember, teamViewInsights } from '../../src/insights/team-view';
import { contextFor, day, everyDay, person, timelineOf } from './insights-fixtures';

describe('project burn', () => {
  // Period 2026-W47 = 16–22 November.
  const ctx = contextFor('2026-11-23');
  const project = (over: Partial<ProjectHistory> = {}): ProjectHistory => ({
    projectId: 'pr1',
    managerId: 'm1',
    budgetMinutes: 6000,
    start: '2026-09-01',
    end: '2026-12-31',
    weeklyMinutes: [
      ...['2026-W40', '2026-W41', '2026-W42', '2026-W43'].map((week) => ({ week, minutes: 300 })),
      { week: '2026-W44', minutes: 600 },
      { week: '2026-W45', minutes: 600 },
      { week: '2026-W46', minutes: 900 },
      { week: '2026-W47', minutes: 900 },
      { week: '2026-W48', minutes: 5000 }, // after the period: ignored
    ],
    ...over,
  });

  it('computes used, burn rate, run-out date and overrun risk', () => {
    // Used 4 × 300 + 600 + 600 + 900 + 900 = 4200; burn (600 + 600 + 900 + 900) / 4 = 750 a week;
    // remaining 1800 → 2.4 weeks = 16.8 → 17 days after 22 Nov = 9 Dec, before the 31 Dec end.
    expect(projectBurnInsight(project(), ctx)).toEqual({
      tenantId: 't1',
      recipientId: 'm1',
      period: '2026-W47',
      kind: 'project-burn',
      severity: 'notice',
      subjectId: 'pr1',
      values: { budgetMinutes: 6000, usedMinutes: 4200, burnMinutesPerWeek: 750, runOutDate: 20261209, projectEndDate: 20261231, overrunRisk: 1 },
    });
  });

  it('sees no risk when the budget lasts past the end date', () => {
    expect(projectBurnInsight(project({ end: '2026-12-05' }), ctx)).toMatchObject({ severity: 'info', values: { overrunRisk: 0 } });
  });

  it('warns when the budget is used up', () => {
    expect(projectBurnInsight(project({ budgetMinutes: 4000 }), ctx)).toMatchObject({
      severity: 'warning',
      values: { runOutDate: 20261122, overrunRisk: 1 },
    });
  });

  it('skips projects without a budget, a manager, or that have not started', () => {
    expect(projectBurnInsight(project({ budgetMinutes: null }), ctx)).toBeNull();
    expect(projectBurnInsight(project({ managerId: null }), ctx)).toBeNull();
    expect(projectBurnInsight(project({ start: '2026-12-01' }), ctx)).toBeNull();
  });
});

describe('team view', () => {
  const ctx = contextFor('2026-11-23');
  const member = (id: string, managerId: string, billable: number) =>
    summariseMember(
      timelineOf(
        person(everyDay('2026-11-16', '2026-11-20', [1, 2, 3, 4, 5], (d) => day(d, 450, { billableMinutes: billable })), undefined, id, managerId),
        ctx,
      ),
      ctx,
    );

  it('aggregates five direct reports with no absence figure', () => {
    const team = [270, 315, 360, 405, 450].map((b, i) => member(`p${i}`, 'boss', b));
    const [insight, ...rest] = teamViewInsights(team, ctx);
    expect(rest).toEqual([]);
    // Utilisation 0.6, 0.7, 0.8, 0.9, 1.0 → mean 0.8; every Mon–Fri 16–20 Nov complete, so no missing days.
    expect(insight).toMatchObject({ recipientId: 'boss', kind: 'team-view', severity: 'info' });
    expect(insight?.values).toEqual({ teamSize: 5, utilisationMean: 0.8, missingDaysTotal: 0, flexBalanceMeanMinutes: expect.any(Number) });
    expect(JSON.stringify(insight)).not.toMatch(/absence/i);
  });

  it('refuses a team of four', () => {
    const team = [270, 315, 360, 405].map((b, i) => member(`p${i}`, 'boss', b));
    expect(teamViewInsights(team, ctx)).toEqual([]);
  });

  it('counts direct reports only, not their reports', () => {
    const team = [
      ...[1, 2, 3, 4].map((i) => member(`p${i}`, 'boss', 300)),
      member('lead', 'boss', 300),
      ...[1, 2, 3].map((i) => member(`q${i}`, 'lead', 300)),
    ];
    expect(teamViewInsights(team, ctx).map((i) => [i.recipientId, i.values])).toEqual([
      ['boss', expect.objectContaining({ teamSize: 5 })],
    ]);
  });
});
