/** What every view needs besides the company: the variant to serve and the simulator's today. */
import type { SimCompany, SimPhase } from './types';

export interface ViewContext {
  company: SimCompany;
  /**
   * Also serve the nulls the published models allow where they change what a row means (null
   * quantity, billability, update stamps, end times, estimates, contact fields). The ground truth
   * describes the company without them.
   */
  nulls: boolean;
  /** Epoch day of the simulator clock in Helsinki, for "current" contracts. */
  today(): number;
  phasesByProject: ReadonlyMap<number, readonly SimPhase[]>;
}

export function createViewContext(company: SimCompany, nulls: boolean, today: () => number): ViewContext {
  const phasesByProject = new Map<number, SimPhase[]>();
  for (const phase of company.phases) {
    const list = phasesByProject.get(phase.projectIndex) ?? [];
    list.push(phase);
    phasesByProject.set(phase.projectIndex, list);
  }
  return { company, nulls, today, phasesByProject };
}
