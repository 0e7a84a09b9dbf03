/**
 * `npm run backtest [-- --employees 200 --months 24 --seed 7]`: out-of-sample accuracy of the
 * utilisation forecasts on the ERP simulator's company. For each employee's weekly utilisation series
 * and each of the last rolling origins, every method and the automatic choice forecast the next four
 * weeks from data before the origin only (the automatic choice runs its own inner backtest on that
 * training data). Prints one JSON line per method with its mean MASE, then a summary comparing the
 * automatic choice with seasonal-naive.
 */
import { generateCompany, type SimCompany } from '../integrations/erp-simulator';
import { createWorkCalendar } from '../src/insights/calendar';
import { addDays, parseLocalDate } from '../src/insights/dates';
import { fitSmoothing, forecastWith, type ForecastMethodName } from '../src/insights/forecast';
import { CANDIDATES, HORIZON, maseScale, MIN_HISTORY_WEEKS, rollingOrigins, selectMethod } from '../src/insights/forecast-select';
import type { DayFact, PersonHistory } from '../src/insights/input';
import { buildTimeline, createDayTable } from '../src/insights/timeline';
import { weeklyUtilisation } from '../src/insights/utilisation';
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

type Evaluated = ForecastMethodName | 'auto';
const METHODS: readonly Evaluated[] = ['baseline', ...CANDIDATES, 'auto'];

function forecastFrom(method: Evaluated, train: number[]): number[] {
  if (method === 'auto') {
    return train.length < MIN_HISTORY_WEEKS ? forecastWith('baseline', train, HORIZON) : forecastWith(selectMethod(train).method, train, HORIZON);
  }
  const params = method === 'ses' || method === 'holt' || method === 'damped' ? fitSmoothing(method, train) : undefined;
  return forecastWith(method, train, HORIZON, { params });
}

/** Mean absolute error per method over the series' last origins, scaled by the MASE denominator. */
export function seriesMase(y: readonly number[]): Record<Evaluated, number> | null {
  const origins = rollingOrigins(y.length).filter((t) => t >= MIN_HISTORY_WEEKS);
  const first = origins[0];
  if (first === undefined) return null;
  const scale = maseScale(y.slice(0, first));
  if (!(scale > 0)) return null;
  const out = {} as Record<Evaluated, number>;
  for (const method of METHODS) {
    let sum = 0;
    let count = 0;
    for (const t of origins) {
      const forecast = forecastFrom(method, y.slice(0, t));
      for (let h = 0; h < HORIZON; h++) {
        sum += Math.abs((y[t + h] as number) - (forecast[h] as number));
        count++;
      }
    }
    out[method] = sum / count / scale;
  }
  return out;
}

export async function run(args: string[]): Promise<void> {
  const employees = numberArg(args, 'employees', 200);
  const months = numberArg(args, 'months', 24);
  const seed = numberArg(args, 'seed', 7);
  const started = performance.now();
  const endDate = '2026-11-22';
  const company = generateCompany({ seed, employees, months, endDate });
  const calendar = createWorkCalendar();
  const zone = calendar.timezone;
  // Whole ISO weeks covering the company's data, plus one for a start mid-week.
  const weeks = Math.ceil((company.endDay - company.startDay + 1) / 7) + 1;
  const endMonday = parseLocalDate(endDate, zone).startOf('week').toISODate() as string;
  const table = createDayTable(calendar, addDays(endMonday, -7 * (weeks - 1), zone), weeks);
  const endIndex = table.dates.length - 1;

  const totals = Object.fromEntries(METHODS.map((m) => [m, 0])) as Record<Evaluated, number>;
  let series = 0;
  for (const person of companyHistories(company)) {
    const y = weeklyUtilisation(buildTimeline(person, table), endIndex, weeks);
    const mase = seriesMase(y);
    if (!mase) continue;
    series++;
    for (const m of METHODS) totals[m] += mase[m];
  }
  for (const method of METHODS) {
    console.log(JSON.stringify({ bench: 'backtest', method, mase: Math.round((totals[method] / series) * 1000) / 1000, series, horizon_weeks: HORIZON }));
  }
  const auto = totals.auto / series;
  const naive = totals['seasonal-naive'] / series;
  console.log(
    JSON.stringify({
      bench: 'backtest',
      summary: true,
      employees,
      weeks,
      series,
      auto_mase: Math.round(auto * 1000) / 1000,
      seasonal_naive_mase: Math.round(naive * 1000) / 1000,
      auto_not_worse_than_seasonal_naive: auto <= naive,
      wall_ms: Math.round(performance.now() - started),
    }),
  );
}

if (require.main === module) {
  run(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
