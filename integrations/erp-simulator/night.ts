/**
 * One working day's worth of upstream edits, as a company makes them between two nightly syncs:
 * everyone still employed adds an entry, a few recent entries are corrected or removed, a few
 * contracts change. Deterministic per seed, so a benchmark's incremental night is repeatable.
 */
import { isoDate } from './calendar';
import type { Mutations } from './mutations';
import { chance, guidFor, mixSeed, mulberry32, pick } from './prng';
import type { SimCompany } from './types';

export interface NightPlan {
  seed: number;
  /** Entries dated within this many days before the company's last day may be edited or deleted. */
  recentDays: number;
  editShare: number;
  deleteShare: number;
  /** Share of active users whose current contract changes (the user counts as changed too). */
  contractShare: number;
}

export interface NightChanges {
  addedHours: number;
  editedHours: number;
  deletedHours: number;
  changedUsers: number;
}

export const DEFAULT_NIGHT: NightPlan = { seed: 1, recentDays: 7, editShare: 0.02, deleteShare: 0.005, contractShare: 0.005 };

export function applyNight(company: SimCompany, mutate: Mutations, plan: NightPlan = DEFAULT_NIGHT): NightChanges {
  const random = mulberry32(mixSeed(company.seed, plan.seed, 0x4e1647));
  const changes: NightChanges = { addedHours: 0, editedHours: 0, deletedHours: 0, changedUsers: 0 };
  const firstRecentDay = company.endDay - plan.recentDays;
  const recent: number[] = [];
  for (let i = 0; i < company.hours.length; i += 1) {
    if (!company.hours.isDeleted(i) && company.hours.get(i).day >= firstRecentDay) recent.push(i);
  }
  for (const index of recent) {
    const guid = guidFor(company.seed, 'workHour', index);
    if (chance(random, plan.deleteShare)) {
      mutate.deleteWorkHour(guid);
      changes.deletedHours += 1;
    } else if (chance(random, plan.editShare)) {
      mutate.editWorkHour(guid, { quantity: pick(random, [0.5, 1, 2, 4]) });
      changes.editedHours += 1;
    }
  }
  for (const user of company.users.filter((u) => u.isActive)) {
    mutate.addWorkHour({ userGuid: user.guid, eventDate: isoDate(company.endDay), quantity: 0.5, projectGuid: pick(random, company.projects).guid });
    changes.addedHours += 1;
    if (chance(random, plan.contractShare)) {
      mutate.editContract(user.guid, { dailyHours: pick(random, [6, 7, 7.25, 7.5]) });
      changes.changedUsers += 1;
    }
  }
  return changes;
}

/** Live work hours dated within [fromDay, toDay]: what a re-read of that window has to page through. */
export function liveHoursBetween(company: SimCompany, fromDay: number, toDay: number): number {
  let n = 0;
  for (let i = 0; i < company.hours.length; i += 1) {
    if (company.hours.isDeleted(i)) continue;
    const { day } = company.hours.get(i);
    if (day >= fromDay && day <= toDay) n += 1;
  }
  return n;
}
