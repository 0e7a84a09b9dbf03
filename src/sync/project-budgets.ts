import type { ErpPhase } from '../../integrations/erp/erp-client';

/**
 * Budgeted minutes per project from its phases' current work-hour estimates. Whether Severa rolls
 * sub-phase estimates up into the parent is not published, so the tree is summed bottom-up: a phase
 * counts the sum of its sub-phases when any of them has an estimate, else its own. That never counts an
 * hour twice, whichever way the tenant enters estimates. A project none of whose phases has an
 * estimate has no budget (null).
 */
export function projectBudgets(phases: readonly ErpPhase[]): Map<string, number | null> {
  const children = new Map<string, ErpPhase[]>();
  const ids = new Set(phases.map((p) => p.id));
  for (const p of phases) {
    if (p.parentId === null || !ids.has(p.parentId)) continue;
    const list = children.get(p.parentId) ?? [];
    list.push(p);
    children.set(p.parentId, list);
  }
  // Each phase has one parent, so a walk down from a top phase cannot loop.
  function estimate(phase: ErpPhase): number | null {
    const below = (children.get(phase.id) ?? []).map(estimate).filter((m): m is number => m !== null);
    return below.length > 0 ? below.reduce((a, b) => a + b, 0) : phase.estimateMinutes;
  }
  const budgets = new Map<string, number | null>();
  for (const p of phases) {
    const isTop = p.parentId === null || !ids.has(p.parentId);
    if (!isTop) continue;
    const minutes = estimate(p);
    const sofar = budgets.get(p.projectId) ?? null;
    budgets.set(p.projectId, minutes === null ? sofar : (sofar ?? 0) + minutes);
  }
  return budgets;
}
