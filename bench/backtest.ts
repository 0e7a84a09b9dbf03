/**
 * `npm run backtest [-- --employees 200 --months 24 --seed 7]`: out-of-sample accuracy and interval
 * coverage of the utilisation forecasts on two sets of the ERP simulator's employees: the usual company
 * (no cycle; MASE scaled by the four-week seasonal naive, as it always was) and a company whose billable
 * work follows a yearly cycle (36 months; seasonal naive and the scale at 52 weeks). For each weekly
 * utilisation series and each of the last eight rolling origins, every method forecasts the next four
 * weeks from data before the origin only; "selected" is what the emails use (forecastSeries). Prints
 * one JSON line per set and method, then one summary line per set.
 */
import { generateCompany, type SimCompany } from '../integrations/erp-simulator';
import { createWorkCalendar } from '../src/insights/calendar';
import { UTILISATION_HISTORY_WEEKS } from '../src/insights/context';
import { addDays, parseLocalDate } from '../src/insights/dates';
import { forecastWith, type ForecastMethodName } from '../src/insights/forecast';
import { forecastSeries, HORIZON, maseScale, MIN_HISTORY_WEEKS, rollingOrigins } from '../src/insights/forecast-select';
import type { DayFact, PersonHistory } from '../src/insights/input';
import { buildTimeline, createDayTable } from '../src/insights/timeline';
import { weeklyUtilisation, type WeeklySeries } from '../src/insights/utilisation';
import { numberArg } from './args';

const DAY_MS = 86_400_000;
const isoDate = (epochDay: number): string => new Date(epochDay * DAY_MS).toISOString().slice(0, 10);

/** The simulator's company as the engine's input: technical IDs and daily numbers only. */
export function companyHistories(company: SimCompany): PersonHistory[] {
  const facts = company.users.map(() => new Map<number, DayFact>());
  const factOf = (userIndex: number, day: number): DayFact => {
    const map = facts[userIndex] as Map<number, DayFact>;
    let fact = map.get(day);
    if (!fact) {
      fact = { date: isoDate(day), recordedMinutes: 0, billableMinutes: 0, absenceMinutes: 0, entryCount: 0 };
      map.set(day, fact);
    }
    return fact;
  };
  for (let i = 0; i < company.hours.length; i++) {
    if (company.hours.isDeleted(i)) continue;
    const row = company.hours.get(i);
    const fact = factOf(row.userIndex, row.day);
    const minutes = Math.round(row.centiHours * 0.6);
    fact.recordedMinutes += minutes;
    if (row.isBillable) fact.billableMinutes += minutes;
    fact.entryCount += 1;
  }
  for (const a of company.absences) {
    const user = company.users[a.userIndex];
    for (let day = a.startDay; day <= a.endDay; day++) {
      const contract = user?.contracts.find((c) => c.startDay <= day && (c.endDay === null || c.endDay >= day));
      if (contract) factOf(a.userIndex, day).absenceMinutes = Math.round(contract.dailyHours * 60);
    }
  }
  return company.users.map((u, index) => ({
    personId: u.guid,
    managerId: u.superiorIndex === null ? null : (company.users[u.superiorIndex]?.guid ?? null),
    contracts: u.contracts.map((c) => ({
      start: isoDate(c.startDay),
      end: c.endDay === null ? null : isoDate(c.endDay),
      dailyMinutes: Math.round(c.dailyHours * 60),
      workdays: c.workWeek,
    })),
    days: [...(facts[index] as Map<number, DayFact>).values()].sort((a, b) => (a.date < b.date ? -1 : 1)),
  }));
}

type Evaluated = ForecastMethodName | 'selected';
const METHODS: readonly Evaluated[] = ['baseline', 'seasonal-naive', 'ses', 'holt', 'damped', 'theta', 'recent-mean', 'combined', 'selected'];
const SINGLE: readonly Evaluated[] = ['seasonal-naive', 'ses', 'holt', 'damped', 'theta', 'recent-mean'];
const OUTER_ORIGINS = 8;

/** Per method: sum of per-series MASE; for "selected" also interval hits per step. */
export interface SetScore {
  series: number;
  maseSum: Record<Evaluated, number>;
  hits80: number[];
  hits95: number[];
  forecasts: number;
}

function emptyScore(): SetScore {
  return {
    series: 0,
    maseSum: Object.fromEntries(METHODS.map((m) => [m, 0])) as Record<Evaluated, number>,
    hits80: new Array<number>(HORIZON).fill(0),
    hits95: new Array<number>(HORIZON).fill(0),
    forecasts: 0,
  };
}

/** Adds one series' errors from its last origins (each with at least MIN_HISTORY_WEEKS of training). */
export function scoreSeries(score: SetScore, series: WeeklySeries, period: number): void {
  const y = series.values;
  const origins = rollingOrigins(y.length, HORIZON, OUTER_ORIGINS, MIN_HISTORY_WEEKS);
  const first = origins[0];
  if (first === undefined) return;
  const scale = maseScale(y.slice(0, first), period);
  if (!(scale > 0)) return;
  const abs = Object.fromEntries(METHODS.map((m) => [m, 0])) as Record<Evaluated, number>;
  for (const t of origins) {
    const train = y.slice(0, t);
    // The emails see the last UTILISATION_HISTORY_WEEKS calendar weeks only.
    const firstWeek = (series.weeks[t - 1] as number) - UTILISATION_HISTORY_WEEKS + 1;
    const from = series.weeks.findIndex((w) => w >= firstWeek);
    const selected = forecastSeries(y.slice(from, t), 0.75, HORIZON, series.weeks.slice(from, t));
    for (const method of METHODS) {
      const forecast = method === 'selected' ? selected.forecasts : forecastWith(method, train, HORIZON, { period });
      for (let h = 0; h < HORIZON; h++) abs[method] += Math.abs((y[t + h] as number) - (forecast[h] as number));
    }
    for (let h = 0; h < HORIZON; h++) {
      const actual = y[t + h] as number;
      const i = selected.intervals[h];
      if (i && actual >= i.low80 && actual <= i.high80) score.hits80[h] = (score.hits80[h] as number) + 1;
      if (i && actual >= i.low95 && actual <= i.high95) score.hits95[h] = (score.hits95[h] as number) + 1;
    }
    score.forecasts++;
  }
  for (const method of METHODS) score.maseSum[method] += abs[method] / (origins.length * HORIZON) / scale;
  score.series++;
}

/** Weekly utilisation series of every simulated employee, oldest week first. */
export function companySeries(company: SimCompany, endDate: string): WeeklySeries[] {
  const calendar = createWorkCalendar();
  const zone = calendar.timezone;
  // Whole ISO weeks covering the company's data, plus one for a start mid-week.
  const weeks = Math.ceil((company.endDay - company.startDay + 1) / 7) + 1;
  const endMonday = parseLocalDate(endDate, zone).startOf('week').toISODate() as string;
  const table = createDayTable(calendar, addDays(endMonday, -7 * (weeks - 1), zone), weeks);
  const endIndex = table.dates.length - 1;
  return companyHistories(company).map((person) => weeklyUtilisation(buildTimeline(person, table), endIndex, weeks));
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;
/** Coverage within this many points of nominal counts as calibrated. */
const COVERAGE_TOLERANCE = 0.03;

function report(set: string, score: SetScore, extra: Record<string, unknown>): void {
  const mean = (m: Evaluated): number => score.maseSum[m] / score.series;
  const coverage80 = score.hits80.map((h) => round3(h / score.forecasts));
  const coverage95 = score.hits95.map((h) => round3(h / score.forecasts));
  for (const method of METHODS) {
    const coverage = method === 'selected' ? { coverage80, coverage95 } : {};
    console.log(JSON.stringify({ bench: 'backtest', set, method, mase: round3(mean(method)), ...coverage, series: score.series, horizon_weeks: HORIZON }));
  }
  const best = SINGLE.reduce((a, b) => (mean(b) < mean(a) ? b : a));
  const calibrated = (cov: number[], nominal: number): boolean => cov.every((c) => Math.abs(c - nominal) <= COVERAGE_TOLERANCE);
  console.log(
    JSON.stringify({
      bench: 'backtest',
      set,
      summary: true,
      series: score.series,
      ...extra,
      selected_mase: round3(mean('selected')),
      best_single: best,
      best_single_mase: round3(mean(best)),
      selected_not_worse_than_best_single: mean('selected') <= mean(best),
      seasonal_naive_mase: round3(mean('seasonal-naive')),
      selected_beats_seasonal_naive: mean('selected') < mean('seasonal-naive'),
      intervals_calibrated: calibrated(coverage80, 0.8) && calibrated(coverage95, 0.95),
    }),
  );
}

export async function run(args: string[]): Promise<void> {
  const employees = numberArg(args, 'employees', 200);
  const months = numberArg(args, 'months', 24);
  const seed = numberArg(args, 'seed', 7);
  const started = performance.now();
  const endDate = '2026-11-22';
  const sets = [
    { set: 'weekly', company: generateCompany({ seed, employees, months, endDate }), period: 4 },
    { set: 'yearly-cycle', company: generateCompany({ seed: seed + 1, employees, months: 36, endDate, demandCycle: 0.5 }), period: 52 },
  ];
  for (const { set, company, period } of sets) {
    const score = emptyScore();
    const series = companySeries(company, endDate);
    for (const y of series) scoreSeries(score, y, period);
    const detected: Record<string, number> = {};
    for (const y of series) {
      const found = String(forecastSeries(y.values.slice(-UTILISATION_HISTORY_WEEKS), 0.75, HORIZON, y.weeks.slice(-UTILISATION_HISTORY_WEEKS)).period);
      detected[found] = (detected[found] ?? 0) + 1;
    }
    const weeks = Math.max(...series.map((y) => (y.weeks[y.weeks.length - 1] ?? 0) + 1));
    report(set, score, { employees, weeks, seasonal_naive_weeks: period, periods_detected_in_last_104_weeks: detected });
  }
  console.log(JSON.stringify({ bench: 'backtest', wall_ms: Math.round(performance.now() - started) }));
}

if (require.main === module) {
  run(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
