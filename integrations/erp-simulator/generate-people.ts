/** Users, their work contracts and absences: the HR side of the synthetic company. */
import { addMonths, dayOf, helsinkiEpochSeconds, isoWeekday, yearOf } from './calendar';
import { fakePersonalData } from './personal-data';
import { type Rng, chance, guidFor, intBetween, mixSeed, mulberry32, pick } from './prng';
import type { Language, SimAbsence, SimContract, SimUser } from './types';

export interface Period {
  seed: number;
  startDay: number;
  endDay: number;
}

const FULL_WEEK = [1, 2, 3, 4, 5];
const SHORT_WEEKS = [
  [1, 2, 3],
  [1, 2, 3, 4],
  [2, 3, 4, 5],
];

type Shape = Pick<SimContract, 'dailyHours' | 'workWeek'>;
type Timeline = 'whole' | 'joiner' | 'leaver' | 'two-contracts';

function fullTime(): Shape {
  return { dailyHours: 7.5, workWeek: FULL_WEEK };
}

function partTime(rng: Rng): Shape {
  // Finnish part-time is typically a 60 % day (4.5 h) or full days on fewer weekdays.
  return chance(rng, 0.5) ? { dailyHours: 4.5, workWeek: FULL_WEEK } : { dailyHours: 7.5, workWeek: pick(rng, SHORT_WEEKS) };
}

function language(rng: Rng): Language {
  const r = rng();
  return r < 0.85 ? 'fi' : r < 0.95 ? 'sv' : 'en';
}

/**
 * Right after the managers, one person of each rarer kind is forced, so even a small company
 * (≥ 5 people) has a part-timer, a joiner, a contract change and a leaver for tests to find.
 */
function planFor(rng: Rng, index: number, managers: number): { timeline: Timeline; partTime: boolean } {
  if (index < managers) return { timeline: 'whole', partTime: false };
  const forced: Array<{ timeline: Timeline; partTime: boolean }> = [
    { timeline: 'whole', partTime: true },
    { timeline: 'joiner', partTime: false },
    { timeline: 'two-contracts', partTime: false },
    { timeline: 'leaver', partTime: false },
  ];
  const fixed = forced[index - managers];
  if (fixed) return fixed;
  const r = rng();
  const timeline: Timeline = r < 0.12 ? 'joiner' : r < 0.22 ? 'leaver' : r < 0.3 ? 'two-contracts' : 'whole';
  return { timeline, partTime: chance(rng, 0.2) };
}

function contractsFor(rng: Rng, period: Period, userIndex: number, managers: number): SimContract[] {
  const { startDay, endDay, seed } = period;
  const length = endDay - startDay + 1;
  const plan = planFor(rng, userIndex, managers);
  const shape = plan.partTime ? partTime(rng) : fullTime();
  const hiredBefore = startDay - intBetween(rng, 30, 3000);
  // An end date is entered two weeks ahead; never after the last simulated day.
  const editedAt = (from: number, to: number | null) => helsinkiEpochSeconds(Math.min(endDay, to === null ? from : Math.max(from, to - 14)), 9 * 60);
  const make = (k: number, s: Shape, from: number, to: number | null): SimContract => ({
    guid: guidFor(seed, 'contract', userIndex * 4 + k),
    startDay: from,
    endDay: to,
    ...s,
    isFlextimeActive: true,
    updatedAt: editedAt(from, to),
  });
  switch (plan.timeline) {
    case 'joiner':
      return [make(0, shape, startDay + intBetween(rng, 20, Math.max(21, Math.floor(length * 0.7))), null)];
    case 'leaver':
      return [make(0, shape, hiredBefore, startDay + intBetween(rng, Math.floor(length * 0.3), Math.max(Math.floor(length * 0.3), length - 20)))];
    case 'two-contracts': {
      const switchDay = startDay + intBetween(rng, Math.floor(length * 0.3), Math.floor(length * 0.7));
      const second = shape.dailyHours === 7.5 && shape.workWeek.length === 5 ? partTime(rng) : fullTime();
      return [make(0, shape, hiredBefore, switchDay - 1), make(1, second, switchDay, null)];
    }
    case 'whole':
      return [make(0, shape, hiredBefore, null)];
  }
}

export function managerCount(employees: number): number {
  return Math.max(1, Math.round(employees / 8));
}

const TITLES = ['Ohjelmistokehittäjä', 'Konsultti', 'Suunnittelija', 'Testaaja', 'Palvelumuotoilija'];

/**
 * Fields added after the first release of the generator draw from their own stream, so the people,
 * contracts, hours and ground truth of a seed stay exactly what they were.
 */
function recordDetails(period: Period, index: number, managers: number): Pick<SimUser, 'title' | 'updatedAt' | 'flexOpeningHours'> {
  const rng = mulberry32(mixSeed(period.seed, 8, index));
  const title = index === 0 ? 'Toimitusjohtaja' : index < managers ? 'Tiiminvetäjä' : pick(rng, TITLES);
  const editedDay = period.startDay + intBetween(rng, 0, period.endDay - period.startDay);
  return { title, updatedAt: helsinkiEpochSeconds(editedDay, 8 * 60 + intBetween(rng, 0, 540)), flexOpeningHours: intBetween(rng, -16, 40) / 4 };
}

/** A user counts as changed when their record or any of their contracts was edited. */
function lastEdit(details: { updatedAt: number }, contracts: SimContract[]): number {
  return Math.max(details.updatedAt, ...contracts.map((c) => c.updatedAt));
}

export function generateUsers(period: Period, employees: number, domain: string): SimUser[] {
  const managers = managerCount(employees);
  const businessUnits = Math.max(1, Math.min(3, Math.ceil(employees / 20)));
  const users: SimUser[] = [];
  for (let index = 0; index < employees; index += 1) {
    const rng = mulberry32(mixSeed(period.seed, 1, index));
    const languageCode = language(rng);
    const contracts = contractsFor(rng, period, index, managers);
    const details = recordDetails(period, index, managers);
    const last = contracts[contracts.length - 1];
    users.push({
      index,
      guid: guidFor(period.seed, 'user', index),
      code: `E${String(index + 1).padStart(4, '0')}`,
      isActive: !last || last.endDay === null || last.endDay >= period.endDay,
      languageCode,
      superiorIndex: index === 0 ? null : index < managers ? 0 : intBetween(rng, 0, managers - 1),
      businessUnitIndex: index % businessUnits,
      personal: fakePersonalData(rng, languageCode, domain),
      contracts,
      ...details,
      updatedAt: lastEdit(details, contracts),
    });
  }
  return users;
}

function mondayOnOrAfter(day: number): number {
  return day + ((8 - isoWeekday(day)) % 7);
}

function candidateAbsences(rng: Rng, year: number): Array<Pick<SimAbsence, 'kind' | 'startDay' | 'endDay'>> {
  const out: Array<Pick<SimAbsence, 'kind' | 'startDay' | 'endDay'>> = [];
  const summerStart = mondayOnOrAfter(dayOf(year, 6, 1) + intBetween(rng, 0, 8) * 7);
  out.push({ kind: 'vacation', startDay: summerStart, endDay: summerStart + intBetween(rng, 3, 4) * 7 - 1 });
  if (chance(rng, 0.35)) {
    const winter = mondayOnOrAfter(dayOf(year, 2, 1) + intBetween(rng, 0, 6) * 7);
    out.push({ kind: 'vacation', startDay: winter, endDay: winter + 6 });
  }
  const sickSpells = intBetween(rng, 1, 4);
  for (let i = 0; i < sickSpells; i += 1) {
    let start = dayOf(year, 1, 1) + intBetween(rng, 0, 364);
    while (isoWeekday(start) > 5) start += 1;
    out.push({ kind: 'sick', startDay: start, endDay: start + intBetween(rng, 0, 2) });
  }
  return out;
}

function employed(user: SimUser, from: number, to: number): boolean {
  return user.contracts.some((c) => c.startDay <= from && (c.endDay === null || c.endDay >= to));
}

/** Summer holidays, some winter weeks and short sick leaves, within employment and the period. */
export function generateAbsences(period: Period, users: SimUser[]): SimAbsence[] {
  const absences: SimAbsence[] = [];
  const periodEndSeconds = helsinkiEpochSeconds(period.endDay, 18 * 60);
  for (const user of users) {
    const rng = mulberry32(mixSeed(period.seed, 6, user.index));
    const kept: SimAbsence[] = [];
    for (let year = yearOf(period.startDay); year <= yearOf(period.endDay); year += 1) {
      for (const candidate of candidateAbsences(rng, year)) {
        const inPeriod = candidate.startDay >= period.startDay && candidate.endDay <= period.endDay;
        const overlaps = kept.some((a) => a.startDay <= candidate.endDay && a.endDay >= candidate.startDay);
        if (!inPeriod || overlaps || !employed(user, candidate.startDay, candidate.endDay)) continue;
        // Holidays are booked weeks ahead; sick leave is recorded on return to work.
        const recordedDay = candidate.kind === 'vacation' ? candidate.startDay - intBetween(rng, 14, 60) : candidate.endDay + 1;
        kept.push({
          ...candidate,
          guid: '',
          userIndex: user.index,
          updatedAt: Math.min(periodEndSeconds, helsinkiEpochSeconds(recordedDay, 9 * 60 + intBetween(rng, 0, 120))),
        });
      }
    }
    kept.sort((a, b) => a.startDay - b.startDay);
    absences.push(...kept);
  }
  return absences.map((a, i) => ({ ...a, guid: guidFor(period.seed, 'absence', i) }));
}

export function periodFrom(seed: number, endDay: number, months: number): Period {
  return { seed, startDay: addMonths(endDay, -months) + 1, endDay };
}
