import { fitSmoothing, forecastWith, SEASON, type ForecastMethodName, type SmoothingParams } from './forecast';
import { FORECAST_METHODS } from './types';

/**
 * Per-series method choice by rolling-origin backtest: from each of the last origins, forecast the next
 * HORIZON weeks with data before the origin only, and keep the method with the lowest mean absolute
 * error. MASE divides every method's MAE by the same per-series scale, so the lowest MAE is also the
 * lowest MASE. Seasonal-naive is a candidate and wins ties, so the chosen method's backtest error is
 * never above seasonal-naive's on the same windows.
 */
export const HORIZON = 4;
/** Below this many weeks the forecast is the safe baseline (fallback = 1). */
export const MIN_HISTORY_WEEKS = 8;
export const MAX_ORIGINS = 8;
/** One season of training before the first origin. */
const MIN_TRAIN = SEASON;
/** 80 % two-sided normal quantile. */
const Z80 = 1.2816;

export const CANDIDATES = ['seasonal-naive', 'ses', 'holt', 'damped'] as const satisfies readonly ForecastMethodName[];
export type CandidateMethod = (typeof CANDIDATES)[number];

/** Origins t (training is y[0..t)) such that a full horizon follows each, latest MAX_ORIGINS of them. */
export function rollingOrigins(n: number, horizon = HORIZON, maxOrigins = MAX_ORIGINS): number[] {
  const last = n - horizon;
  const first = Math.max(MIN_TRAIN, last - maxOrigins + 1);
  const out: number[] = [];
  for (let t = first; t <= last; t++) out.push(t);
  return out;
}

export interface BacktestScore {
  mae: number;
  /** Actual − forecast for every origin and step. */
  residuals: number[];
}

export function backtestMethod(
  method: ForecastMethodName,
  y: readonly number[],
  origins: readonly number[],
  horizon = HORIZON,
): BacktestScore {
  const first = origins[0];
  if (first === undefined) return { mae: Infinity, residuals: [] };
  const params: SmoothingParams | undefined =
    method === 'ses' || method === 'holt' || method === 'damped' ? fitSmoothing(method, y.slice(0, first)) : undefined;
  const residuals: number[] = [];
  let absSum = 0;
  for (const t of origins) {
    const train = y.slice(0, t);
    const forecast = forecastWith(method, train, horizon, { params });
    for (let h = 0; h < horizon && t + h < y.length; h++) {
      const r = (y[t + h] as number) - (forecast[h] as number);
      residuals.push(r);
      absSum += Math.abs(r);
    }
  }
  return { mae: residuals.length > 0 ? absSum / residuals.length : Infinity, residuals };
}

/** In-sample mean absolute error of the seasonal-naive one-step forecast: the MASE denominator. */
export function maseScale(y: readonly number[], season = SEASON): number {
  let sum = 0;
  let count = 0;
  for (let t = season; t < y.length; t++) {
    sum += Math.abs((y[t] as number) - (y[t - season] as number));
    count++;
  }
  return count > 0 ? sum / count : 0;
}

export interface MethodSelection {
  method: CandidateMethod;
  scores: Record<CandidateMethod, BacktestScore>;
}

export function selectMethod(y: readonly number[], horizon = HORIZON): MethodSelection {
  const origins = rollingOrigins(y.length, horizon);
  const scores = {} as Record<CandidateMethod, BacktestScore>;
  let method: CandidateMethod = 'seasonal-naive';
  for (const candidate of CANDIDATES) {
    scores[candidate] = backtestMethod(candidate, y, origins, horizon);
    if (scores[candidate].mae < scores[method].mae) method = candidate;
  }
  return { method, scores };
}

export interface SeriesForecast {
  /** Index into FORECAST_METHODS. */
  method: number;
  fallback: 0 | 1;
  /** Next weeks, clamped to [0, 1]. */
  forecasts: number[];
  /** 80 % interval around the mean of `forecasts`, clamped to [0, 1]. */
  intervalLow: number;
  intervalHigh: number;
}

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));

function interval(center: number, halfWidth: number): { intervalLow: number; intervalHigh: number } {
  return { intervalLow: clamp01(center - halfWidth), intervalHigh: clamp01(center + halfWidth) };
}

/**
 * Forecast a utilisation series. Short histories get the baseline: the mean of what exists, or the
 * target when nothing does; its interval is ±1.28 standard deviations of the history, or all of [0, 1]
 * with fewer than two weeks. Otherwise the backtest winner forecasts, and the interval is ±1.28 × RMSE
 * of its backtest residuals (pooled over steps, so slightly wide for a four-week mean).
 */
export function forecastSeries(y: readonly number[], target: number, horizon = HORIZON): SeriesForecast {
  if (y.length < MIN_HISTORY_WEEKS) {
    const forecasts = forecastWith('baseline', y, horizon, { fallback: target }).map(clamp01);
    const center = forecasts[0] as number;
    const sd =
      y.length < 2 ? Infinity : Math.sqrt(y.reduce((s, v) => s + (v - center) ** 2, 0) / (y.length - 1));
    return { method: FORECAST_METHODS.indexOf('baseline'), fallback: 1, forecasts, ...interval(center, Z80 * sd) };
  }
  const { method, scores } = selectMethod(y, horizon);
  const forecasts = forecastWith(method, y, horizon).map(clamp01);
  const residuals = scores[method].residuals;
  const rmse = Math.sqrt(residuals.reduce((s, r) => s + r * r, 0) / Math.max(1, residuals.length));
  const center = forecasts.reduce((s, v) => s + v, 0) / forecasts.length;
  return { method: FORECAST_METHODS.indexOf(method), fallback: 0, forecasts, ...interval(center, Z80 * rmse) };
}
