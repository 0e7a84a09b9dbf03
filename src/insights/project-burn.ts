import type { InsightContext } from './context';
import { addDays, daysBetween, toYmd } from './dates';
import { projectMargin } from './project-margin';
import type { ProjectHistory } from './input';
import type { Insight, ProjectBurnValues, Severity } from './types';

/** Burn rate = mean weekly minutes of this many weeks up to the period (weeks without hours count 0). */
export const BURN_WEEKS = 4;

/**
 * Budget burn for the project's manager. Run-out date = period end + remaining ÷ burn rate (in whole
 * days); an exhausted budget runs out on the period end. overrunRisk when the budget is exhausted or
 * runs out before the project's end date. Severity: warning when used ≥ budget, notice on overrun
 * risk or a negative margin, info otherwise. No insight without a budget or a manager, before the
 * project starts, or for a project that has ended and had no hours in the burn window. The margin
 * (project totals of money, see projectMargin) goes to the same recipient, the project's manager.
 */
export function projectBurnInsight(project: ProjectHistory, ctx: InsightContext): Insight | null {
  const { budgetMinutes, managerId } = project;
  if (budgetMinutes === null || managerId === null) return null;
  if (project.start !== null && project.start > ctx.period.end) return null;
  const periodWeek = ctx.period.week;
  const recentWeeks = new Set(ctx.table.weeks.slice(-BURN_WEEKS));
  let used = 0;
  let recent = 0;
  for (const { week, minutes } of project.weeklyMinutes) {
    if (week > periodWeek) continue;
    used += minutes;
    if (recentWeeks.has(week)) recent += minutes;
  }
  if (project.end !== null && project.end < ctx.period.start && recent === 0) return null;
  const burn = recent / BURN_WEEKS;
  const remaining = budgetMinutes - used;
  const zone = ctx.settings.timezone;
  let runOutDate = 0;
  if (remaining <= 0) runOutDate = toYmd(ctx.period.end);
  else if (burn > 0) runOutDate = toYmd(addDays(ctx.period.end, Math.ceil((remaining / burn) * 7), zone));
  const projectEndDate = project.end === null ? 0 : toYmd(project.end);
  const overrun = remaining <= 0 || (projectEndDate > 0 && runOutDate > 0 && runOutDate < projectEndDate);
  const weeksToEnd = project.end !== null && project.end > ctx.period.end ? Math.ceil(daysBetween(ctx.period.end, project.end, zone) / 7) : 0;
  const margin = projectMargin(project.weeklyMoney ?? [], ctx.table.weeks, weeksToEnd);
  const values: ProjectBurnValues = {
    budgetMinutes: Math.round(budgetMinutes),
    usedMinutes: Math.round(used),
    burnMinutesPerWeek: Math.round(burn),
    runOutDate,
    projectEndDate,
    overrunRisk: overrun ? 1 : 0,
    ...(margin ? { margin } : {}),
  };
  const losing = (margin?.marginCents ?? 0) < 0;
  const severity: Severity = remaining <= 0 ? 'warning' : overrun || losing ? 'notice' : 'info';
  return {
    tenantId: ctx.tenantId,
    recipientId: managerId,
    period: periodWeek,
    kind: 'project-burn',
    severity,
    subjectId: project.projectId,
    values,
  };
}
