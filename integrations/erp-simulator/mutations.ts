/** Test-side changes to the ERP data, stamped with the simulator clock like real edits would be. */
import { parseIsoDate } from './calendar';
import { guidFor, indexFromGuid } from './prng';
import type { SimCompany } from './types';

export interface SimClock {
  nowMs(): number;
  setNow(date: Date | string): void;
  advanceSeconds(seconds: number): void;
}

export interface NewWorkHour {
  userGuid: string;
  eventDate: string;
  quantity: number;
  projectGuid?: string;
  isBillable?: boolean;
}

export interface Mutations {
  editWorkHour(guid: string, change: { quantity?: number; eventDate?: string; isBillable?: boolean }): void;
  deleteWorkHour(guid: string): void;
  addWorkHour(entry: NewWorkHour): string;
  /** Changes a user's latest contract; the contract and the user count as changed (changedSince). */
  editContract(userGuid: string, change: { dailyHours?: number; workWeek?: number[]; endDate?: string | null }): void;
  /** Moves an absence's first or last day; the absence counts as changed (changedSince). */
  editAbsence(guid: string, change: { startDate?: string; endDate?: string }): void;
  /** Removes an absence; like Severa, nothing reports the deletion afterwards. */
  deleteAbsence(guid: string): void;
  setNow(date: Date | string): void;
  advanceSeconds(seconds: number): void;
}

/**
 * Until a test sets it, the clock follows real time but never runs behind the generated data, so an
 * edit is always newer than every generated lastUpdatedDateTime.
 */
export function createSimClock(company: SimCompany): SimClock {
  let latest = 0;
  for (let i = 0; i < company.hours.length; i += 1) latest = Math.max(latest, company.hours.updatedAtOf(i));
  for (const a of company.absences) latest = Math.max(latest, a.updatedAt);
  for (const u of company.users) latest = Math.max(latest, u.updatedAt);
  for (const p of company.projects) latest = Math.max(latest, p.updatedAt);
  const floorMs = (latest + 1) * 1000;
  let fixed: number | undefined;
  return {
    nowMs: () => fixed ?? Math.max(Date.now(), floorMs),
    setNow: (date) => {
      const ms = new Date(date).getTime();
      if (Number.isNaN(ms)) throw new Error('setNow needs a valid date');
      fixed = ms;
    },
    advanceSeconds: (seconds) => {
      fixed = (fixed ?? Math.max(Date.now(), floorMs)) + seconds * 1000;
    },
  };
}

function centiHours(quantity: number): number {
  if (!(quantity >= 0 && quantity <= 24)) throw new Error('quantity must be 0..24 hours');
  return Math.round(quantity * 100);
}

function day(value: string): number {
  const parsed = parseIsoDate(value);
  if (parsed === undefined) throw new Error('eventDate must be YYYY-MM-DD');
  return parsed;
}

export function createMutations(company: SimCompany, clock: SimClock): Mutations {
  const nowS = () => Math.floor(clock.nowMs() / 1000);
  const liveIndex = (guid: string) => {
    const index = indexFromGuid(company.seed, 'workHour', guid);
    if (index === undefined || index >= company.hours.length || company.hours.isDeleted(index)) throw new Error('unknown work hour');
    return index;
  };
  return {
    editWorkHour(guid, change) {
      const index = liveIndex(guid);
      const row = company.hours.get(index);
      company.hours.update(index, {
        ...row,
        centiHours: change.quantity === undefined ? row.centiHours : centiHours(change.quantity),
        day: change.eventDate === undefined ? row.day : day(change.eventDate),
        isBillable: change.isBillable ?? row.isBillable,
        updatedAt: nowS(),
      });
    },
    deleteWorkHour(guid) {
      company.hours.markDeleted(liveIndex(guid), nowS());
    },
    addWorkHour(entry) {
      const userIndex = company.userIndexByGuid(entry.userGuid);
      if (userIndex === undefined) throw new Error('unknown user');
      const project = entry.projectGuid === undefined ? company.projects[0] : company.projects.find((p) => p.guid === entry.projectGuid);
      if (!project) throw new Error('unknown project');
      const index = company.hours.push({
        userIndex,
        day: day(entry.eventDate),
        centiHours: centiHours(entry.quantity),
        projectIndex: project.index,
        isBillable: entry.isBillable ?? !project.isInternal,
        isProductive: !project.isInternal,
        updatedAt: nowS(),
      });
      return guidFor(company.seed, 'workHour', index);
    },
    editContract(userGuid, change) {
      const user = company.users[company.userIndexByGuid(userGuid) ?? -1];
      const contract = user?.contracts[user.contracts.length - 1];
      if (!user || !contract) throw new Error('unknown user');
      if (change.dailyHours !== undefined && !(change.dailyHours > 0 && change.dailyHours <= 24)) throw new Error('dailyHours must be 0..24');
      if (change.workWeek?.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) throw new Error('workWeek holds ISO weekdays 1..7');
      if (change.dailyHours !== undefined) contract.dailyHours = change.dailyHours;
      if (change.workWeek !== undefined) contract.workWeek = [...change.workWeek].sort((a, b) => a - b);
      if (change.endDate !== undefined) contract.endDay = change.endDate === null ? null : day(change.endDate);
      user.isActive = contract.endDay === null || contract.endDay >= company.endDay;
      contract.updatedAt = nowS();
      user.updatedAt = contract.updatedAt;
    },
    editAbsence(guid, change) {
      const absence = company.absences.find((a) => a.guid === guid);
      if (!absence) throw new Error('unknown absence');
      const startDay = change.startDate === undefined ? absence.startDay : day(change.startDate);
      const endDay = change.endDate === undefined ? absence.endDay : day(change.endDate);
      if (endDay < startDay) throw new Error('an absence ends on or after its first day');
      Object.assign(absence, { startDay, endDay, updatedAt: nowS() });
    },
    deleteAbsence(guid) {
      const index = company.absences.findIndex((a) => a.guid === guid);
      if (index < 0) throw new Error('unknown absence');
      company.absences.splice(index, 1);
    },
    setNow: (date) => clock.setNow(date),
    advanceSeconds: (seconds) => clock.advanceSeconds(seconds),
  };
}
