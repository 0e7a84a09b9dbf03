import { createInsightContext } from './context';
import { anomalyInsights } from './anomalies';
import { flexBalanceInsight } from './flex-balance';
import type { PersonHistory, ProjectHistory, TenantInsightSettings } from './input';
import { missingHoursInsight } from './missing-hours';
import { projectBurnInsight } from './project-burn';
import { summariseMember, teamViewInsights, type TeamMemberSummary } from './team-view';
import { buildTimeline, concernedBy, firstTimeEntryDate } from './timeline';
import type { Insight } from './types';
import { utilisationInsight } from './utilisation';
import type { WorkCalendar } from './calendar';

export interface ComputeInsightsInput {
  tenantId: string;
  /** Today in the tenant's zone, 'YYYY-MM-DD'; the period is the ISO week before it. */
  referenceDate: string;
  settings: TenantInsightSettings;
  people: readonly PersonHistory[];
  projects: readonly ProjectHistory[];
  /** Reuse a calendar across runs (its holiday cache); built from settings when absent. */
  calendar?: WorkCalendar;
}

const byId = <T>(key: (x: T) => string) => (a: T, b: T): number => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/**
 * Every enabled insight for one tenant and period, for the people the period concerns (see
 * concernedBy). Deterministic order: people by ID, each with
 * missing-hours, flex-balance, utilisation, then anomalies by date; then projects by ID; then team views
 * by manager ID.
 */
export function computeInsights(input: ComputeInsightsInput): Insight[] {
  const { settings } = input;
  const { enabled } = settings;
  const ctx = createInsightContext({ ...input, timeDataFrom: firstTimeEntryDate(input.people) });
  const wantTeams = enabled['team-view'] && settings.teamView;
  const out: Insight[] = [];
  const members: TeamMemberSummary[] = [];
  const push = (insight: Insight | null): void => {
    if (insight) out.push(insight);
  };
  for (const person of [...input.people].sort(byId((p) => p.personId))) {
    const t = buildTimeline(person, ctx.table);
    if (!concernedBy(t, ctx.period.startIndex, ctx.period.endIndex)) continue;
    if (enabled['missing-hours']) push(missingHoursInsight(t, ctx));
    if (enabled['flex-balance']) push(flexBalanceInsight(t, ctx, person.erpFlexBalanceMinutes ?? null));
    if (enabled.utilisation) push(utilisationInsight(t, ctx));
    if (enabled.anomaly) out.push(...anomalyInsights(t, ctx));
    if (wantTeams) members.push(summariseMember(t, ctx));
  }
  if (enabled['project-burn']) {
    for (const project of [...input.projects].sort(byId((p) => p.projectId))) push(projectBurnInsight(project, ctx));
  }
  if (wantTeams) out.push(...teamViewInsights(members, ctx));
  return out;
}
