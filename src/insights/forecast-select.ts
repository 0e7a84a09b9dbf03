import { combinedForecast, combinedForecastsFromEveryOrigin, fitCombined } from './forecast';
import { stepIntervals, type StepInterval } from './forecast-intervals';
import { detectPeriod, fitSeasonalProfile } from './seasonality';
import { FORECAST_METHODS } from './types';

/**
 * The forecast the emails use: the seasonal period is detected per series (none, 4, 13, 26 or 52
 * weeks); a detected season is removed with a Fourier profile, the rest is forecast by the mean of SES,
 * damped trend and Theta, and the season is added back. Intervals come from the same forecaster's
 * errors from every earlier origin of the series, per step.
 */
export const HORIZON = 4;
/** Below this many weeks the forecast is the safe baseline (fallback = 1). */
export const MIN_HISTORY_WEEKS = 8;
/** Origins with less training than this do not feed the interval: their errors say little of today's. */
const MIN_TRAIN_FOR_ERRORS = 8;
/** Normal quantiles for the baseline's intervals. */
const Z80 = 1.2816;
const Z95 = 1.96;

/** Origins t (training is y[0..t)) such that a full horizon follows each, latest maxOrigins of them. */
export function rollingOrigins(n: number, horizon: number, maxOrigins: number, minTrain: number): number[] {
  const last = n - horizon;
  const first = Math.max(minTrain, last - maxOrigins + 1);
  const out: number[] = [];
  for (let t = first; t <= last; t++) out.push(t);
  return out;
}

/** In-sample mean absolute error of the seasonal-naive one-step forecast: the MASE denominator. */
export function maseScale(y: readonly number[], period: number): number {
  let sum = 0;
  let count = 0;
  for (let t = period; t < y.length; t++) {
    sum += Math.abs((y[t] as number) - (y[t - period] as number));
    count++;
  }
  return count > 0 ? sum / count : 0;
}

export interface SeriesForecast {
  /** Index into FORECAST_METHODS. */
  method: number;
  fallback: 0 | 1;
  /** Detected seasonal period in weeks, 0 for none. */
  period: number;
  /** Next weeks, clamped to [0, 1]. */
  forecasts: number[];
  /** 80 % and 95 % intervals per week ahead, clamped to [0, 1]. */
  intervals: StepInterval[];
}

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));
const UNIT = { low: 0, high: 1 };

/**
 * Short histories get the baseline: the mean of what exists, or the target when nothing does, with
 * ±z standard deviations of the history (all of [0, 1] with fewer than two weeks).
 */
function baselineForecast(y: readonly number[], target: number, horizon: number): SeriesForecast {
  const center = clamp01(y.length > 0 ? y.reduce((s, v) => s + v, 0) / y.length : target);
  const sd = y.length < 2 ? Infinity : Math.sqrt(y.reduce((s, v) => s + (v - center) ** 2, 0) / (y.length - 1));
  const interval: StepInterval = {
    low80: clamp01(center - Z80 * sd),
    high80: clamp01(center + Z80 * sd),
    low95: clamp01(center - Z95 * sd),
    high95: clamp01(center + Z95 * sd),
  };
  return {
    method: FORECAST_METHODS.indexOf('baseline'),
    fallback: 1,
    period: 0,
    forecasts: new Array<number>(horizon).fill(center),
    intervals: new Array<StepInterval>(horizon).fill(interval),
  };
}

/** Actual − forecast at each step, from every origin with enough training and a full horizon after it. */
function errorsByStep(y: readonly number[], fromEveryOrigin: readonly (readonly number[] | undefined)[], horizon: number): number[][] {
  const out: number[][] = Array.from({ length: horizon }, () => []);
  for (let t = MIN_TRAIN_FOR_ERRORS; t + horizon <= y.length; t++) {
    const forecast = fromEveryOrigin[t] as readonly number[];
    for (let h = 0; h < horizon; h++) (out[h] as number[]).push((y[t + h] as number) - (forecast[h] as number));
  }
  return out;
}

/**
 * `times` are the calendar weeks of the values (strictly increasing, gaps for weeks with nothing to
 * measure, which are left out of `y`); the forecasts are for the `horizon` weeks after the last one.
 * The season is a function of the calendar week, so a yearly cycle stays in phase across holidays;
 * the smoothing methods see the values in order.
 */
export function forecastSeries(
  y: readonly number[],
  target: number,
  horizon = HORIZON,
  times: readonly number[] = y.map((_, i) => i),
): SeriesForecast {
  if (y.length < MIN_HISTORY_WEEKS) return baselineForecast(y, target, horizon);
  const period = detectPeriod(y, times);
  const profile = period === null ? null : fitSeasonalProfile(y, times, period);
  const season = (time: number): number => (profile ? profile.at(time) : 0);
  const adjusted = y.map((v, i) => v - season(times[i] as number));
  const last = times[times.length - 1] as number;
  const fit = fitCombined(adjusted);
  const forecasts = combinedForecast(adjusted, horizon, fit).map((v, h) => clamp01(v + season(last + 1 + h)));
  const errors = errorsByStep(adjusted, combinedForecastsFromEveryOrigin(adjusted, fit, horizon), horizon);
  return {
    method: FORECAST_METHODS.indexOf('combined'),
    fallback: 0,
    period: period ?? 0,
    forecasts,
    intervals: stepIntervals(forecasts, errors, UNIT),
  };
}
