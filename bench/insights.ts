/**
 * `npm run bench -- insights --employees 10000 --weeks 104 [--seed 1]`: generates seeded synthetic
 * histories in-process and times computeInsights over them. Prints one JSON line.
 */
import { createWorkCalendar } from '../src/insights/calendar';
import { addDays, isoWeekOf, lastCompletedWeek, parseLocalDate } from '../src/insights/dates';
import { computeInsights } from '../src/insights/engine';
import { defaultInsightSettings, type DayFact, type PersonHistory, type ProjectHistory } from '../src/insights/input';
import { numberArg, rssPeakSampler } from './args';
import { mulberry32 } from '../integrations/erp-simulator/prng';

const REFERENCE_DATE = '2026-11-23';
const TEAM_SIZE = 8;

interface DayInfo {
  date: string;
  weekday: number;
  holiday: boolean;
}

/** The calendar of the generated window, computed once and shared by every person. */
function windowDays(weeks: number): DayInfo[] {
  const calendar = createWorkCalendar();
  const zone = calendar.timezone;
  const last = lastCompletedWeek(REFERENCE_DATE, zone);
  const first = addDays(last.start, -7 * (weeks - 1), zone);
  const start = parseLocalDate(first, zone);
  return Array.from({ length: weeks * 7 }, (_, i) => {
    const dt = start.plus({ days: i });
    const date = dt.toISODate() as string;
    return { date, weekday: dt.weekday, holiday: calendar.isHoliday(date) };
  });
}

export function syntheticPeople(employees: number, days: readonly DayInfo[], seed: number): PersonHistory[] {
  const rng = mulberry32(seed);
  const people: PersonHistory[] = [];
  for (let p = 0; p < employees; p++) {
    const partTime = rng() < 0.1;
    const dailyMinutes = partTime ? 270 : 450;
    const startOffset = rng() < 0.15 ? Math.floor(rng() * days.length) : 0;
    const share = 0.4 + rng() * 0.5;
    const vacationStart = 7 * Math.floor(rng() * (days.length / 7));
    const facts: DayFact[] = [];
    for (let i = startOffset; i < days.length; i++) {
      const d = days[i] as DayInfo;
      if (d.weekday > 5 || d.holiday) continue;
      const inSummer = d.date.slice(5, 7) === '07' && d.date.slice(8, 10) < '22';
      if (inSummer || (i >= vacationStart && i < vacationStart + 5) || rng() < 0.02) {
        facts.push({ date: d.date, recordedMinutes: 0, billableMinutes: 0, absenceMinutes: dailyMinutes, entryCount: 0 });
        continue;
      }
      if (rng() < 0.025) continue;
      const noise = rng() < 0.3 ? [-60, -30, 30, 60][Math.floor(rng() * 4)] as number : 0;
      const recorded = rng() < 0.01 ? 840 : dailyMinutes + noise;
      const billable = Math.round(recorded * Math.min(1, Math.max(0, share + (rng() - 0.5) * 0.2)) / 15) * 15;
      facts.push({ date: d.date, recordedMinutes: recorded, billableMinutes: billable, absenceMinutes: 0, entryCount: 1 + Math.floor(rng() * 3) });
    }
    const lead = Math.floor(p / TEAM_SIZE) * TEAM_SIZE;
    people.push({
      personId: `p${p}`,
      managerId: p === lead ? null : `p${lead}`,
      contracts: [{ start: (days[startOffset] as DayInfo).date, end: null, dailyMinutes, workdays: [1, 2, 3, 4, 5] }],
      days: facts,
    });
  }
  return people;
}

function syntheticProjects(count: number, days: readonly DayInfo[], seed: number): ProjectHistory[] {
  const rng = mulberry32(seed ^ 0x9e3779b9);
  const weeks: string[] = [];
  for (let i = 0; i < days.length; i += 7) weeks.push(isoWeekOf(parseLocalDate((days[i] as DayInfo).date, 'Europe/Helsinki')));
  return Array.from({ length: count }, (_, i) => {
    const weekly = weeks.map((week) => ({ week, minutes: Math.round(rng() * 3000) }));
    const used = weekly.reduce((s, w) => s + w.minutes, 0);
    return {
      projectId: `pr${i}`,
      managerId: `p${(i * TEAM_SIZE) % Math.max(1, count * TEAM_SIZE)}`,
      budgetMinutes: Math.round(used * (0.8 + rng() * 0.6)),
      start: (days[0] as DayInfo).date,
      end: rng() < 0.5 ? '2027-06-30' : null,
      weeklyMinutes: weekly,
    };
  });
}

export async function run(args: string[]): Promise<void> {
  const employees = numberArg(args, 'employees', 1000);
  const weeks = numberArg(args, 'weeks', 104);
  const seed = numberArg(args, 'seed', 1);
  const days = windowDays(weeks);
  const people = syntheticPeople(employees, days, seed);
  const projects = syntheticProjects(Math.ceil(employees / 10), days, seed);
  const rss = rssPeakSampler();
  const started = performance.now();
  const insights = computeInsights({
    tenantId: 'bench',
    referenceDate: REFERENCE_DATE,
    settings: defaultInsightSettings(),
    people,
    projects,
  });
  const wallMs = Math.round(performance.now() - started);
  console.log(
    JSON.stringify({ bench: 'insights', employees, weeks, insights: insights.length, wall_ms: wallMs, rss_peak_mb: rss.stop() }),
  );
}

if (require.main === module) {
  run(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
