/**
 * Prices and costs of the simulated company: each customer project bills its own hourly price, each
 * work contract carries its own hour cost, and a work hour's unit cost is the hour cost of the
 * contract in force that day. Drawn from hashes, not from the generators' random streams, so every
 * other figure of a seed stays what it was.
 */
import { mixSeed } from './prng';
import type { SimCompany, SimContract, SimProject } from './types';

export const CURRENCY = 'EUR';
const SALT = { price: 0x51, cost: 0x52 } as const;

/** Hourly price of a project's hours: 80–120 € in steps of 5 for customer work, 0 for internal work. */
export function unitPriceOf(seed: number, project: SimProject): number {
  return project.isInternal ? 0 : 80 + 5 * (mixSeed(seed, SALT.price, project.index) % 9);
}

/** Hour cost of a contract: 32–58 € in steps of 2. */
export function hourCostOf(seed: number, contract: SimContract): number {
  return 32 + 2 * (mixSeed(seed, SALT.cost, parseInt(contract.guid.slice(-12), 16)) % 14);
}

export function contractOn(contracts: readonly SimContract[], day: number): SimContract | undefined {
  return contracts.find((c) => c.startDay <= day && (c.endDay === null || c.endDay >= day));
}

export interface ProjectMoney {
  /** Σ hours × unit price over billable hours. */
  billableValue: number;
  /** Σ hours × unit cost over all hours. */
  cost: number;
  hours: number;
}

/**
 * Ground truth of project money over the days [fromDay, toDay], from the company's rows as they are
 * now (edits and deletions through the simulator included), by project guid.
 */
export function projectMoney(company: SimCompany, fromDay: number, toDay: number): Map<string, ProjectMoney> {
  const out = new Map<string, ProjectMoney>();
  for (let i = 0; i < company.hours.length; i++) {
    if (company.hours.isDeleted(i)) continue;
    const row = company.hours.get(i);
    if (row.day < fromDay || row.day > toDay) continue;
    const project = company.projects[row.projectIndex];
    const contract = contractOn(company.users[row.userIndex]?.contracts ?? [], row.day);
    if (!project || !contract) continue;
    const hours = row.centiHours / 100;
    const money = out.get(project.guid) ?? { billableValue: 0, cost: 0, hours: 0 };
    if (row.isBillable) money.billableValue += hours * unitPriceOf(company.seed, project);
    money.cost += hours * hourCostOf(company.seed, contract);
    money.hours += hours;
    out.set(project.guid, money);
  }
  return out;
}
