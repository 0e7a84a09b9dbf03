/** Daily work-hour entries per person, with the ground truth of forgotten and outlier days. */
import { helsinkiEpochSeconds, isoDate } from './calendar';
import type { Period } from './generate-people';
import { contractOn } from './money';
import { type Rng, chance, intBetween, mixSeed, mulberry32, pick } from './prng';
import type { GroundTruth, SimAbsence, SimProject, SimUser } from './types';
import { WorkHourStore } from './work-hour-store';

const MISSING_RATE = 0.025;
const OUTLIER_RATE = 0.01;

export interface HoursResult {
  store: WorkHourStore;
  missingDays: GroundTruth['missingDays'];
  outlierDays: GroundTruth['outlierDays'];
  hoursByProject: Float64Array;
}

/** Daily total in quarter hours: mostly the contract day, sometimes flexing by half an hour or an hour. */
function normalQuarters(rng: Rng, dailyHours: number): number {
  const base = Math.round(dailyHours * 4);
  if (!chance(rng, 0.3)) return base;
  return base + pick(rng, [-4, -2, 2, 4]);
}

/** Splits a day into 1–3 entries of at least half an hour each. */
function split(rng: Rng, quarters: number): number[] {
  const r = rng();
  const wanted = r < 0.45 ? 1 : r < 0.8 ? 2 : 3;
  const parts = Math.max(1, Math.min(wanted, Math.floor(quarters / 2)));
  const out: number[] = [];
  let left = quarters;
  for (let i = parts; i > 1; i -= 1) {
    const part = intBetween(rng, 2, left - 2 * (i - 1));
    out.push(part);
    left -= part;
  }
  out.push(left);
  return out;
}

function assignProjects(rng: Rng, projects: SimProject[]): number[] {
  const external = projects.filter((p) => !p.isInternal).map((p) => p.index);
  const chosen = new Set<number>();
  const count = Math.min(external.length, intBetween(rng, 1, 3));
  while (chosen.size < count) chosen.add(pick(rng, external));
  return [...chosen];
}

const isOpen = (p: SimProject | undefined, day: number): p is SimProject =>
  !!p && p.startDay <= day && (p.deadlineDay === null || p.deadlineDay >= day);

/**
 * `staffed`: when none of the person's own projects is open, they move to another open customer
 * project (a company that keeps everyone on customer work); otherwise they log internal time.
 */
function projectFor(rng: Rng, mine: number[], projects: SimProject[], day: number, staffed: boolean): SimProject {
  let open = mine.map((i) => projects[i]).filter((p) => isOpen(p, day));
  if (staffed && open.length === 0) open = projects.filter((p) => !p.isInternal && isOpen(p, day));
  const internal = projects[0];
  if (!internal) throw new Error('company has no internal project');
  // Everyone logs some internal time (meetings, training); otherwise time goes to an open project.
  return open.length === 0 || chance(rng, 0.15) ? internal : pick(rng, open);
}

/** Mid-July, the day of the year when a company with a demand cycle bills least. */
const QUIETEST_DAY_OF_YEAR = 196;
const YEAR_DAYS = 365.2425;

/**
 * A company with a demand cycle keeps everyone on customer projects (see projectFor), so the cycle is
 * what moves utilisation. Share of the usual billable probability on an epoch day: 1 without a cycle; with amplitude a, a
 * smooth yearly wave from 1 in mid-January down to 1 − a in mid-July (customers' summer break).
 */
export function demandOn(day: number, amplitude: number): number {
  if (amplitude === 0) return 1;
  const dayOfYear = ((day % YEAR_DAYS) + YEAR_DAYS) % YEAR_DAYS;
  return 1 - (amplitude * (1 + Math.cos((2 * Math.PI * (dayOfYear - QUIETEST_DAY_OF_YEAR)) / YEAR_DAYS))) / 2;
}

export function generateHours(
  period: Period,
  users: SimUser[],
  absences: SimAbsence[],
  projects: SimProject[],
  holidays: ReadonlySet<number>,
  demandCycle = 0,
): HoursResult {
  const days = period.endDay - period.startDay + 1;
  const store = new WorkHourStore(users.length * days);
  const missingDays: HoursResult['missingDays'] = [];
  const outlierDays: HoursResult['outlierDays'] = [];
  const hoursByProject = new Float64Array(projects.length);
  const periodEnd = helsinkiEpochSeconds(period.endDay, 18 * 60);
  const absent = new Uint8Array(days);
  let absenceCursor = 0;

  for (const user of users) {
    const rng = mulberry32(mixSeed(period.seed, 7, user.index));
    const mine = assignProjects(rng, projects);
    absent.fill(0);
    for (; absenceCursor < absences.length && absences[absenceCursor]?.userIndex === user.index; absenceCursor += 1) {
      const a = absences[absenceCursor];
      if (a) for (let d = a.startDay; d <= a.endDay; d += 1) absent[d - period.startDay] = 1;
    }
    for (let offset = 0; offset < days; offset += 1) {
      const day = period.startDay + offset;
      const contract = contractOn(user.contracts, day);
      if (!contract || holidays.has(day) || absent[offset] === 1) continue;
      const weekday = ((day + 3) % 7) + 1;
      if (!contract.workWeek.includes(weekday)) continue;
      const r = rng();
      if (r < MISSING_RATE) {
        missingDays.push({ userGuid: user.guid, date: isoDate(day) });
        continue;
      }
      let quarters = normalQuarters(rng, contract.dailyHours);
      if (r < MISSING_RATE + OUTLIER_RATE) {
        quarters = chance(rng, 0.6) ? intBetween(rng, 56, 64) : 2;
        outlierDays.push({ userGuid: user.guid, date: isoDate(day), hours: quarters / 4, expectedHours: contract.dailyHours });
      }
      const r2 = rng();
      const delay = r2 < 0.7 ? 0 : r2 < 0.9 ? intBetween(rng, 1, 3) : intBetween(rng, 4, 10);
      const updatedAt = Math.min(periodEnd, helsinkiEpochSeconds(day + delay, 15 * 60 + intBetween(rng, 0, 180)));
      for (const part of split(rng, quarters)) {
        const project = projectFor(rng, mine, projects, day, demandCycle > 0);
        hoursByProject[project.index] = (hoursByProject[project.index] ?? 0) + part / 4;
        store.push({
          userIndex: user.index,
          day,
          centiHours: part * 25,
          projectIndex: project.index,
          isBillable: !project.isInternal && chance(rng, 0.92 * demandOn(day, demandCycle)),
          isProductive: !project.isInternal,
          updatedAt,
        });
      }
    }
  }
  store.trim();
  return { store, missingDays, outlierDays, hoursByProject };
}
