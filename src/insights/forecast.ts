import type { FORECAST_METHODS } from './types';

/**
 * Weekly forecasting methods. Series are short (≤ a year of weeks) and many (one per employee), so
 * everything is a plain loop over numbers; smoothing parameters come from a small grid on the
 * one-step-ahead squared error rather than a numeric optimiser.
 */
export type ForecastMethodName = (typeof FORECAST_METHODS)[number];

/** A four-week "month" season: billing often follows monthly invoicing cycles. */
export const SEASON = 4;

export interface SmoothingParams {
  alpha: number;
  beta: number;
  /** Trend damping; 1 = Holt's linear trend. Ignored without a trend. */
  phi: number;
  trend: boolean;
}

const ALPHAS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
const BETAS = [0.05, 0.1, 0.2, 0.3, 0.5];
const PHIS = [0.8, 0.9, 0.95, 0.98];

export function meanForecast(y: readonly number[], horizon: number, fallback: number): number[] {
  const level = y.length > 0 ? y.reduce((s, v) => s + v, 0) / y.length : fallback;
  return new Array<number>(horizon).fill(level);
}

/** Repeats the last season; with less than one season of data, repeats the last value. */
export function seasonalNaive(y: readonly number[], horizon: number): number[] {
  const n = y.length;
  const out: number[] = [];
  for (let h = 0; h < horizon; h++) {
    out.push(n >= SEASON ? (y[n - SEASON + (h % SEASON)] as number) : (y[n - 1] ?? 0));
  }
  return out;
}

interface SmoothingState {
  level: number;
  trend: number;
  sse: number;
}

/**
 * Exponential smoothing filter (SES, Holt, damped trend share it). Level starts at the first value and
 * the trend at the first difference, so an exactly linear series is followed without error.
 */
function smooth(y: readonly number[], p: SmoothingParams): SmoothingState {
  const n = y.length;
  let level = y[0] ?? 0;
  let trend = p.trend && n > 1 ? (y[1] as number) - level : 0;
  const phi = p.trend ? p.phi : 0;
  let sse = 0;
  for (let t = 1; t < n; t++) {
    const value = y[t] as number;
    const oneStep = level + phi * trend;
    const error = value - oneStep;
    sse += error * error;
    const previous = level;
    level = p.alpha * value + (1 - p.alpha) * oneStep;
    if (p.trend) trend = p.beta * (level - previous) + (1 - p.beta) * phi * trend;
  }
  return { level, trend, sse };
}

export function smoothingForecast(y: readonly number[], p: SmoothingParams, horizon: number): number[] {
  const { level, trend } = smooth(y, p);
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

export function smoothingSse(y: readonly number[], p: SmoothingParams): number {
  return smooth(y, p).sse;
}

/** Grid search on one-step-ahead SSE; ties keep the first (smallest) parameters. */
export function fitSmoothing(method: 'ses' | 'holt' | 'damped', y: readonly number[]): SmoothingParams {
  const betas = method === 'ses' ? [0] : BETAS;
  const phis = method === 'damped' ? PHIS : [1];
  let best: SmoothingParams = { alpha: ALPHAS[0] as number, beta: 0, phi: 1, trend: method !== 'ses' };
  let bestSse = Infinity;
  for (const alpha of ALPHAS) {
    for (const beta of betas) {
      for (const phi of phis) {
        const p = { alpha, beta, phi, trend: method !== 'ses' };
        const sse = smoothingSse(y, p);
        if (sse < bestSse) {
          bestSse = sse;
          best = p;
        }
      }
    }
  }
  return best;
}

/**
 * Forecast `horizon` steps with one method. Smoothing parameters are fitted on `y` unless given (the
 * backtest passes parameters fitted on its first training window, to keep the loop linear).
 */
export function forecastWith(
  method: ForecastMethodName,
  y: readonly number[],
  horizon: number,
  options: { params?: SmoothingParams; fallback?: number } = {},
): number[] {
  switch (method) {
    case 'baseline':
      return meanForecast(y, horizon, options.fallback ?? 0);
    case 'seasonal-naive':
      return seasonalNaive(y, horizon);
    default:
      return smoothingForecast(y, options.params ?? fitSmoothing(method, y), horizon);
  }
}
