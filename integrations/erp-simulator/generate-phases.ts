/** Customers and project phases: budgets live on phases, as in Severa, never on the project itself. */
import { customerName } from './personal-data';
import { guidFor, intBetween, mixSeed, mulberry32 } from './prng';
import type { SimCustomer, SimPhase, SimProject } from './types';

const CHILD_NAMES = ['Määrittely', 'Toteutus', 'Käyttöönotto'];
/** Share of the budget per child phase; the last child takes what rounding leaves. */
const SHARES = [0.2, 0.6];

export function generateCustomers(seed: number, count: number): SimCustomer[] {
  const rng = mulberry32(mixSeed(seed, 9));
  return Array.from({ length: count }, (_, i) => ({ guid: guidFor(seed, 'customer', i), name: customerName(rng, i), number: 2000 + i }));
}

/**
 * Every project gets a root phase carrying the whole budget, and external projects three children
 * whose estimates add up to it, so "the root's estimate" and "the sum of the top-level phases" agree.
 * The original estimate is the figure before the last revision (about 10 % below).
 */
export function generatePhases(seed: number, projects: readonly SimProject[], endDay: number): SimPhase[] {
  const rng = mulberry32(mixSeed(seed, 10));
  const roots: SimPhase[] = [];
  const children: Array<Omit<SimPhase, 'index' | 'guid'>> = [];
  for (const project of projects) {
    const budget = project.isInternal ? null : project.expectedHours;
    const completed = project.deadlineDay !== null && project.deadlineDay < endDay;
    const original = budget === null ? null : Math.max(10, Math.round((budget * (0.85 + intBetween(rng, 0, 10) / 100)) / 10) * 10);
    roots.push({
      index: project.index,
      guid: guidFor(seed, 'phase', project.index),
      name: project.name,
      projectIndex: project.index,
      parentIndex: null,
      workHoursEstimate: budget,
      originalWorkHoursEstimate: original,
      deadlineDay: project.deadlineDay,
      isCompleted: completed,
      updatedAt: project.updatedAt,
    });
    if (budget === null) continue;
    let left = budget;
    CHILD_NAMES.forEach((name, k) => {
      const share = SHARES[k];
      const estimate = share === undefined ? left : Math.round(budget * share);
      left -= estimate;
      children.push({
        name,
        projectIndex: project.index,
        parentIndex: project.index,
        workHoursEstimate: estimate,
        originalWorkHoursEstimate: estimate,
        deadlineDay: project.deadlineDay,
        isCompleted: completed,
        updatedAt: project.updatedAt,
      });
    });
  }
  const offset = roots.length;
  return [...roots, ...children.map((c, i) => ({ ...c, index: offset + i, guid: guidFor(seed, 'phase', offset + i) }))];
}

/** The phase a work-hour row is booked on: one of the project's children, or its root for internal work. */
export function phaseOfRow(phasesByProject: ReadonlyMap<number, readonly SimPhase[]>, projectIndex: number, rowIndex: number): SimPhase | undefined {
  const own = phasesByProject.get(projectIndex) ?? [];
  const leaves = own.length > 1 ? own.slice(1) : own;
  return leaves[rowIndex % leaves.length];
}
