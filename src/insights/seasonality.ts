import { Matrix, solve } from 'ml-matrix';

/**
 * Seasonal periods looked for in weekly series: a four-week billing month, a quarter, half a year and a
 * year. Weekly data has 52.18 weeks a year; 52 is close enough for two or three cycles.
 */
export const CANDIDATE_PERIODS = [4, 13, 26, 52] as const;
/** One-sided 90 % normal quantile, the significance level Hyndman's thetaf uses for the same test. */
const Z90 = 1.645;
/** Full cycles of history a period needs before it is tested. */
const MIN_CYCLES = 2;
/** Harmonics of the seasonal profile: smooth enough for a yearly cycle from two years of weeks. */
const MAX_HARMONICS = 3;

/**
 * Sample autocorrelations r_1..r_maxLag (index 0 holds r_1) of values observed at whole-week `times`
 * (strictly increasing; gaps are weeks with nothing to measure). Each lag averages the products of the
 * pairs both observed, over the variance: the "unbiased" estimator, which does not shrink long lags
 * towards 0 the way the textbook one does (at lag 52 of 104 weeks, by half).
 */
export function autocorrelations(y: readonly number[], maxLag: number, times: readonly number[] = y.map((_, i) => i)): number[] {
  const n = y.length;
  const mean = y.reduce((s, v) => s + v, 0) / Math.max(1, n);
  let denominator = 0;
  for (const v of y) denominator += (v - mean) ** 2;
  const at = new Map(times.map((t, i) => [t, (y[i] as number) - mean]));
  const out: number[] = [];
  for (let k = 1; k <= maxLag; k++) {
    let sum = 0;
    let pairs = 0;
    for (const [t, d] of at) {
      const later = at.get(t + k);
      if (later === undefined) continue;
      sum += d * later;
      pairs++;
    }
    out.push(denominator > 0 && pairs > 0 ? (sum / pairs) / (denominator / n) : 0);
  }
  return out;
}

/**
 * The seasonal period of a series, or null. A candidate needs two full cycles of history and an
 * autocorrelation r_m above the Bartlett bound B = 1.645 · √((1 + 2 Σ_{k<m/2} r_k²) / n), i.e.
 * significantly positive at the 10 % level (thetaf's test, with the sum stopped at half the period: over
 * all lags below m a clean cycle's own correlations would push the bound above 1 for m = 52). r_m must
 * also exceed r at half the period by B: a real cycle is at its opposite phase there, while a merely
 * persistent series (long stretches at one level) correlates about as much or more at the shorter lag.
 * Among the candidates that pass, the largest r_m wins.
 */
export function detectPeriod(
  y: readonly number[],
  times: readonly number[] = y.map((_, i) => i),
  candidates: readonly number[] = CANDIDATE_PERIODS,
): number | null {
  const n = y.length;
  const span = n > 0 ? (times[n - 1] as number) - (times[0] as number) + 1 : 0;
  const usable = candidates.filter((m) => span >= MIN_CYCLES * m);
  if (usable.length === 0) return null;
  const r = autocorrelations(y, Math.max(...usable), times);
  let best: number | null = null;
  let bestR = -Infinity;
  for (const m of usable) {
    const halfLag = Math.floor(m / 2);
    let squares = 0;
    for (let k = 1; k < halfLag; k++) squares += (r[k - 1] as number) ** 2;
    const rm = r[m - 1] as number;
    const half = r[halfLag - 1] as number;
    const bound = Z90 * Math.sqrt((1 + 2 * squares) / n);
    if (rm > bound && rm - half > bound && rm > bestR) {
      best = m;
      bestR = rm;
    }
  }
  return best;
}

/** Seasonal effect at a week (the same time axis as the fitted values, and beyond, for forecasts). */
export interface SeasonalProfile {
  period: number;
  at(time: number): number;
}

function harmonics(period: number): number {
  return Math.min(MAX_HARMONICS, Math.floor(period / 2));
}

function seasonalTerms(t: number, period: number): number[] {
  const out: number[] = [];
  for (let k = 1; k <= harmonics(period); k++) {
    const angle = (2 * Math.PI * k * t) / period;
    out.push(Math.cos(angle));
    // sin(π t) is 0 at every whole t: the last harmonic of an even period has no sine term.
    if (2 * k !== period) out.push(Math.sin(angle));
  }
  return out;
}

/**
 * Additive seasonal profile by least squares on a level, a linear trend and the first harmonics of the
 * period (a Fourier profile). Harmonics need far fewer parameters than one index per week, which a
 * yearly cycle seen twice could not estimate; the trend term keeps a drift from leaking into them.
 */
export function fitSeasonalProfile(y: readonly number[], times: readonly number[], period: number): SeasonalProfile {
  const rows = times.map((t) => [1, t, ...seasonalTerms(t, period)]);
  const beta = solve(new Matrix(rows), Matrix.columnVector([...y])).to1DArray().slice(2);
  return {
    period,
    at: (t) => seasonalTerms(t, period).reduce((s, v, i) => s + v * (beta[i] as number), 0),
  };
}
