/** generateCompany: a deterministic, realistic Finnish company for the simulator and for tests. */
import { finnishDaysOff, finnishPublicHolidays, helsinkiEpochSeconds, isoDate, parseIsoDate } from './calendar';
import { generateHours } from './generate-hours';
import { generateCustomers, generatePhases } from './generate-phases';
import { type Period, generateAbsences, generateUsers, managerCount, periodFrom } from './generate-people';
import { chance, guidFor, intBetween, mixSeed, mulberry32, pick } from './prng';
import type { GroundTruth, SimCompany, SimCounts, SimProject, SimUser } from './types';

export interface GenerateCompanyOptions {
  seed: number;
  employees: number;
  months: number;
  /** YYYY-MM-DD, the last day with data. */
  endDate: string;
  projects?: number;
  /** Amplitude 0..1 of a yearly cycle in billable work (see demandOn); 0, no cycle, by default. */
  demandCycle?: number;
}

const PROJECT_WORDS = ['Verkkokauppa', 'Integraatio', 'Mobiilisovellus', 'Raportointi', 'Pilvisiirto', 'Asiakasportaali', 'Tietovarasto'];

function generateProjects(period: Period, count: number, users: SimUser[]): SimProject[] {
  const rng = mulberry32(mixSeed(period.seed, 3));
  const managers = Array.from({ length: managerCount(users.length) }, (_, i) => i);
  const customers = Math.max(2, Math.ceil(count / 3));
  const length = period.endDay - period.startDay + 1;
  const projects: SimProject[] = [];
  for (let index = 0; index < count; index += 1) {
    const internal = index === 0;
    const startDay = internal || chance(rng, 0.5) ? period.startDay - intBetween(rng, 30, 400) : period.startDay + intBetween(rng, 0, Math.floor(length * 0.7));
    projects.push({
      index,
      guid: guidFor(period.seed, 'project', index),
      name: internal ? 'Sisäiset työt' : `${pick(rng, PROJECT_WORDS)} ${index}`,
      number: 1000 + index,
      customerIndex: internal ? null : intBetween(rng, 0, customers - 1),
      isInternal: internal,
      startDay,
      deadlineDay: internal || chance(rng, 0.3) ? null : Math.max(period.startDay + 30, startDay + intBetween(rng, 60, 400)),
      ownerIndex: pick(rng, managers),
      expectedHours: 0,
      updatedAt: 0,
    });
  }
  return projects;
}

/** Budgets relative to what was actually booked, so some projects run over and some under. */
function setBudgets(period: Period, projects: SimProject[], hoursByProject: Float64Array): void {
  const rng = mulberry32(mixSeed(period.seed, 4));
  for (const project of projects) {
    const booked = hoursByProject[project.index] ?? 0;
    // The budget was last revised on some day of the project's life inside the period.
    const from = Math.max(project.startDay, period.startDay);
    const to = Math.min(project.deadlineDay ?? period.endDay, period.endDay);
    project.updatedAt = helsinkiEpochSeconds(from + Math.floor(rng() * (to - from + 1)), 10 * 60);
    project.expectedHours = project.isInternal ? 0 : Math.max(40, Math.round((booked * (0.7 + rng() * 0.7)) / 10) * 10);
  }
}

export function generateCompany(opts: GenerateCompanyOptions): SimCompany {
  const endDay = parseIsoDate(opts.endDate);
  if (endDay === undefined) throw new Error('endDate must be a valid YYYY-MM-DD date');
  if (!Number.isInteger(opts.employees) || opts.employees < 1 || opts.employees > 20_000) throw new Error('employees must be 1..20000');
  if (!Number.isInteger(opts.months) || opts.months < 1 || opts.months > 120) throw new Error('months must be 1..120');
  if (!((opts.demandCycle ?? 0) >= 0 && (opts.demandCycle ?? 0) <= 1)) throw new Error('demandCycle must be 0..1');
  const seed = opts.seed >>> 0;
  const period = periodFrom(seed, endDay, opts.months);
  const companyDomain = `company-${seed}.example`;
  const users = generateUsers(period, opts.employees, companyDomain);
  const holidays = finnishDaysOff(period.startDay, period.endDay);
  const absences = generateAbsences(period, users);
  const projects = generateProjects(period, opts.projects ?? Math.max(3, Math.ceil(opts.employees / 6)), users);
  // A company with a demand cycle serves its customers continuously: no project ends in the period.
  if ((opts.demandCycle ?? 0) > 0) for (const p of projects) p.deadlineDay = null;
  const hours = generateHours(period, users, absences, projects, holidays, opts.demandCycle ?? 0);
  setBudgets(period, projects, hours.hoursByProject);
  const customers = generateCustomers(seed, Math.max(2, Math.ceil(projects.length / 3)));
  const phases = generatePhases(seed, projects, period.endDay);
  const businessUnitGuids = Array.from({ length: 1 + Math.max(...users.map((u) => u.businessUnitIndex)) }, (_, i) => guidFor(seed, 'businessUnit', i));

  const counts = (): SimCounts => ({
    users: users.length,
    contracts: users.reduce((n, u) => n + u.contracts.length, 0),
    entries: hours.store.length - hours.store.deletedCount,
    absences: absences.length,
    projects: projects.length,
  });
  const initialCounts = counts();
  const inside = (day: number | null) => day !== null && day > period.startDay && day <= period.endDay;
  const truth: GroundTruth = {
    seed,
    startDate: isoDate(period.startDay),
    endDate: opts.endDate,
    missingDays: hours.missingDays,
    outlierDays: hours.outlierDays,
    publicHolidays: [...finnishPublicHolidays(period.startDay, period.endDay)].sort((a, b) => a - b).map(isoDate),
    partTimeUserGuids: users.filter((u) => u.contracts.some((c) => c.dailyHours < 7.5 || c.workWeek.length < 5)).map((u) => u.guid),
    midPeriodContractUserGuids: users
      .filter((u) => u.contracts.some((c) => inside(c.startDay) || (c.endDay !== null && c.endDay >= period.startDay && c.endDay < period.endDay)))
      .map((u) => u.guid),
    twoContractUserGuids: users.filter((u) => u.contracts.length > 1).map((u) => u.guid),
    counts: initialCounts,
  };
  const userIndex = new Map(users.map((u) => [u.guid, u.index]));

  return {
    seed,
    startDay: period.startDay,
    endDay: period.endDay,
    companyDomain,
    users,
    projects,
    absences,
    hours: hours.store,
    customers,
    phases,
    businessUnitGuids,
    holidays,
    userIndexByGuid: (guid) => userIndex.get(guid),
    groundTruth: () => structuredClone(truth),
    counts,
  };
}
