import type { InsightContext } from './context';
import { weeklyFlexBalances } from './flex-balance';
import { missingHoursTotals } from './missing-hours';
import type { PersonTimeline } from './timeline';
import type { Insight } from './types';
import { utilisationOver } from './utilisation';

/** Aggregates over fewer people would let a manager read one person's figures off the mean. */
export const MIN_TEAM_SIZE = 5;

/** What one direct report contributes; deliberately nothing about absence. */
export interface TeamMemberSummary {
  personId: string;
  managerId: string | null;
  /** Last week's utilisation, null when nothing was available. */
  utilisation: number | null;
  missingDays: number;
  /** null when the person has no flex history. */
  flexBalanceMinutes: number | null;
}

export function summariseMember(t: PersonTimeline, ctx: InsightContext): TeamMemberSummary {
  const balances = weeklyFlexBalances(t, ctx);
  return {
    personId: t.personId,
    managerId: t.managerId,
    utilisation: utilisationOver(t, ctx.period.startIndex, ctx.period.endIndex),
    missingDays: missingHoursTotals(t, ctx, ctx.period.startIndex, ctx.period.endIndex).missingDays.length,
    flexBalanceMinutes: balances[balances.length - 1] ?? null,
  };
}

const mean = (xs: number[]): number => xs.reduce((s, v) => s + v, 0) / xs.length;

/**
 * One insight per manager, over direct reports only (no transitive teams). Refused, not shrunk, when
 * fewer than MIN_TEAM_SIZE people are in the team or contribute to either mean. No absence figure is
 * produced. Severity is always info: this is context for the manager, not an alert about anyone.
 * Managers come out sorted by ID.
 */
export function teamViewInsights(members: readonly TeamMemberSummary[], ctx: InsightContext): Insight[] {
  const teams = new Map<string, TeamMemberSummary[]>();
  for (const m of members) {
    if (m.managerId === null || m.managerId === m.personId) continue;
    const team = teams.get(m.managerId);
    if (team) team.push(m);
    else teams.set(m.managerId, [m]);
  }
  const out: Insight[] = [];
  for (const managerId of [...teams.keys()].sort()) {
    const team = teams.get(managerId) as TeamMemberSummary[];
    const utilisation = team.flatMap((m) => (m.utilisation === null ? [] : [m.utilisation]));
    const flex = team.flatMap((m) => (m.flexBalanceMinutes === null ? [] : [m.flexBalanceMinutes]));
    if (team.length < MIN_TEAM_SIZE || utilisation.length < MIN_TEAM_SIZE || flex.length < MIN_TEAM_SIZE) continue;
    out.push({
      tenantId: ctx.tenantId,
      recipientId: managerId,
      period: ctx.period.week,
      kind: 'team-view',
      severity: 'info',
      subjectId: null,
      values: {
        teamSize: team.length,
        utilisationMean: Math.round(mean(utilisation) * 1000) / 1000,
        missingDaysTotal: team.reduce((s, m) => s + m.missingDays, 0),
        flexBalanceMeanMinutes: Math.round(mean(flex)),
      },
    });
  }
  return out;
}
