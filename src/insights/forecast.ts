import { linearRegression } from 'simple-statistics';
import type { FORECAST_METHODS } from './types';

/**
 * Weekly forecasting methods. Series are short (≤ two years of weeks) and many (one per employee), so
 * everything is a plain loop over numbers; smoothing parameters come from a small grid on the
 * one-step-ahead squared error rather than a numeric optimiser.
 */
export type ForecastMethodName = (typeof FORECAST_METHODS)[number];

export interface SmoothingParams {
  alpha: number;
  beta: number;
  /** Trend damping; 1 = Holt's linear trend. Ignored without a trend. */
  phi: number;
  trend: boolean;
}

const ALPHAS = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
const BETAS = [0.05, 0.1, 0.2, 0.3, 0.5];
const PHIS = [0.8, 0.9, 0.95, 0.98];

export function meanForecast(y: readonly number[], horizon: number, fallback: number): number[] {
  const level = y.length > 0 ? y.reduce((s, v) => s + v, 0) / y.length : fallback;
  return new Array<number>(horizon).fill(level);
}

/** Repeats the last `period` values; with less than one period of data, repeats the last value. */
export function seasonalNaive(y: readonly number[], horizon: number, period: number): number[] {
  const n = y.length;
  const out: number[] = [];
  for (let h = 0; h < horizon; h++) {
    out.push(n >= period ? (y[n - period + (h % period)] as number) : (y[n - 1] ?? 0));
  }
  return out;
}

interface SmoothingState {
  level: number;
  trend: number;
  /** Sums of squared and of absolute one-step errors. */
  sse: number;
  sae: number;
}

/**
 * Exponential smoothing filter (SES, Holt, damped trend share it). Level starts at the first value and
 * the trend at the first difference, so an exactly linear series is followed without error. `visit`
 * sees the state after each observation, for forecasts from every origin in one pass.
 */
function smooth(y: readonly number[], p: SmoothingParams, visit?: (t: number, level: number, trend: number) => void): SmoothingState {
  const n = y.length;
  let level = y[0] ?? 0;
  let trend = p.trend && n > 1 ? (y[1] as number) - level : 0;
  const phi = p.trend ? p.phi : 0;
  let sse = 0;
  let sae = 0;
  visit?.(1, level, trend);
  for (let t = 1; t < n; t++) {
    const value = y[t] as number;
    const oneStep = level + phi * trend;
    const error = value - oneStep;
    sse += error * error;
    sae += Math.abs(error);
    const previous = level;
    level = p.alpha * value + (1 - p.alpha) * oneStep;
    if (p.trend) trend = p.beta * (level - previous) + (1 - p.beta) * phi * trend;
    visit?.(t + 1, level, trend);
  }
  return { level, trend, sse, sae };
}

/** level + (φ + φ² + … + φ^h) · trend for h = 1..horizon. */
function project(level: number, trend: number, p: SmoothingParams, horizon: number): number[] {
  const out: number[] = [];
  let damping = 0;
  let step = 1;
  for (let h = 0; h < horizon; h++) {
    step *= p.trend ? p.phi : 0;
    damping += step;
    out.push(level + damping * trend);
  }
  return out;
}

export function smoothingForecast(y: readonly number[], p: SmoothingParams, horizon: number): number[] {
  const { level, trend } = smooth(y, p);
  return project(level, trend, p, horizon);
}

/**
 * Forecasts from every origin t (training y[0..t)) with the same parameters, in one pass: element t of
 * the result holds the `horizon` forecasts made after seeing t values (from t = 1 on).
 */
export function smoothingForecastsFromEveryOrigin(y: readonly number[], p: SmoothingParams, horizon: number): number[][] {
  const out: number[][] = [];
  smooth(y, p, (t, level, trend) => {
    out[t] = project(level, trend, p, horizon);
  });
  return out;
}

export function smoothingSse(y: readonly number[], p: SmoothingParams): number {
  return smooth(y, p).sse;
}

export function smoothingSae(y: readonly number[], p: SmoothingParams): number {
  return smooth(y, p).sae;
}

/**
 * Grid search on the one-step-ahead squared (default) or absolute errors; ties keep the first
 * (smallest) parameters.
 */
export function fitSmoothing(
  method: 'ses' | 'holt' | 'damped',
  y: readonly number[],
  criterion: 'squared' | 'absolute' = 'squared',
): SmoothingParams {
  const betas = method === 'ses' ? [0] : BETAS;
  const phis = method === 'damped' ? PHIS : [1];
  let best: SmoothingParams = { alpha: ALPHAS[0] as number, beta: 0, phi: 1, trend: method !== 'ses' };
  let bestLoss = Infinity;
  for (const alpha of ALPHAS) {
    for (const beta of betas) {
      for (const phi of phis) {
        const p = { alpha, beta, phi, trend: method !== 'ses' };
        const { sse, sae } = smooth(y, p);
        const loss = criterion === 'squared' ? sse : sae;
        if (loss < bestLoss) {
          bestLoss = loss;
          best = p;
        }
      }
    }
  }
  return best;
}

/** Least-squares slope of y against 0, 1, 2, …; 0 with fewer than two values. */
export function linearSlope(y: readonly number[]): number {
  if (y.length < 2) return 0;
  return linearRegression(y.map((v, t) => [t, v])).m;
}

/**
 * The Theta method (Assimakopoulos & Nikolopoulos 2000, in Hyndman & Billah's form): SES plus half the
 * series' linear trend, b/2 · (h − 1 + 1/α − (1 − α)^n / α) at step h.
 */
export function thetaForecast(y: readonly number[], alpha: number, horizon: number): number[] {
  const ses = smoothingForecast(y, { alpha, beta: 0, phi: 1, trend: false }, horizon);
  const drift = linearSlope(y) / 2;
  const n = y.length;
  const lift = 1 / alpha - (1 - alpha) ** n / alpha;
  return ses.map((v, h) => v + drift * (h + lift));
}

/**
 * Forecast `horizon` steps with one method. Smoothing parameters are fitted on `y` unless given.
 * `period` is the seasonal period for seasonal-naive.
 */
export function forecastWith(
  method: ForecastMethodName,
  y: readonly number[],
  horizon: number,
  options: { params?: SmoothingParams; fallback?: number; period?: number } = {},
): number[] {
  switch (method) {
    case 'baseline':
      return meanForecast(y, horizon, options.fallback ?? 0);
    case 'seasonal-naive':
      return seasonalNaive(y, horizon, options.period ?? 1);
    case 'theta':
      return thetaForecast(y, (options.params ?? fitSmoothing('ses', y)).alpha, horizon);
    case 'recent-mean':
      return recentMeanForecast(y, horizon);
    case 'combined':
      return combinedForecast(y, horizon);
    default:
      return smoothingForecast(y, options.params ?? fitSmoothing(method, y), horizon);
  }
}

/** Weeks in the recent mean: two months, long enough to average out a week's noise. */
export const RECENT_WEEKS = 8;

/** The mean of the last RECENT_WEEKS values (all of them when fewer), for every step. */
export function recentMeanForecast(y: readonly number[], horizon: number): number[] {
  return meanForecast(y.slice(-RECENT_WEEKS), horizon, 0);
}

export interface CombinedFit {
  ses: SmoothingParams;
}

/**
 * SES's α by the least absolute one-step errors: robust to the odd outlier week, and the errors the
 * backtest's MASE counts.
 */
export function fitCombined(y: readonly number[]): CombinedFit {
  return { ses: fitSmoothing('ses', y, 'absolute') };
}

/**
 * The mean of SES and the recent mean, step by step. Utilisation moves in level shifts (a project
 * starts or ends) with a lot of week-to-week noise: SES follows the shifts, the recent mean damps the
 * noise that SES's fairly high α lets through. A combination of simple methods beats picking one per
 * series (the M3 and M4 competitions' lesson); this pair won the backtest against SES, damped trend,
 * Theta and their combinations (see README, Forecasts).
 */
export function combinedForecast(y: readonly number[], horizon: number, fit: CombinedFit = fitCombined(y)): number[] {
  const ses = smoothingForecast(y, fit.ses, horizon);
  const recent = recentMeanForecast(y, horizon);
  return ses.map((v, h) => (v + (recent[h] as number)) / 2);
}

/** combinedForecast from every origin t ≥ 1 with fixed parameters: element t holds the forecasts after t values. */
export function combinedForecastsFromEveryOrigin(y: readonly number[], fit: CombinedFit, horizon: number): number[][] {
  const ses = smoothingForecastsFromEveryOrigin(y, fit.ses, horizon);
  const out: number[][] = [];
  for (let t = 1; t <= y.length; t++) {
    const recent = recentMeanForecast(y.slice(0, t), horizon);
    out[t] = (ses[t] as number[]).map((v, h) => (v + (recent[h] as number)) / 2);
  }
  return out;
}
