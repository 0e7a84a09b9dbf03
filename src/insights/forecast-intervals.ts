/**
 * Prediction intervals from the series' own out-of-sample errors (split-conformal style): the
 * forecaster is run from every earlier origin, and the spread of what happened around those forecasts,
 * step by step, is the spread expected around the new one. No normality is assumed, so level shifts
 * and the [0, 1] bounds of utilisation are reflected as they occur.
 */
export interface StepInterval {
  low80: number;
  high80: number;
  low95: number;
  high95: number;
}

/**
 * The conformal quantile of absolute errors for coverage `level`: the ⌈(m + 1) · level⌉-th smallest of
 * m errors; Infinity when m is too small to reach the level (fewer than 1 / (1 − level) − 1 errors).
 */
export function conformalRadius(absErrors: readonly number[], level: number): number {
  const sorted = [...absErrors].sort((a, b) => a - b);
  const rank = Math.ceil((sorted.length + 1) * level);
  return rank <= sorted.length ? (sorted[rank - 1] as number) : Infinity;
}

/** Symmetric intervals around `forecasts[h]` from the absolute errors at step h, clamped to [lo, hi]. */
export function stepIntervals(
  forecasts: readonly number[],
  errorsByStep: readonly (readonly number[])[],
  bounds: { low: number; high: number },
): StepInterval[] {
  const clamp = (v: number): number => Math.min(bounds.high, Math.max(bounds.low, v));
  return forecasts.map((f, h) => {
    const abs = (errorsByStep[h] ?? []).map(Math.abs);
    const r80 = conformalRadius(abs, 0.8);
    const r95 = conformalRadius(abs, 0.95);
    return { low80: clamp(f - r80), high80: clamp(f + r80), low95: clamp(f - r95), high95: clamp(f + r95) };
  });
}
