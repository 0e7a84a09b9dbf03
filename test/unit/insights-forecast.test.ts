import { fitSmoothing, forecastWith, seasonalNaive, smoothingForecast, smoothingSse } from '../../src/insights/forecast';
import {
  backtestMethod,
  CANDIDATES,
  forecastSeries,
  maseScale,
  rollingOrigins,
  selectMethod,
} from '../../src/insights/forecast-select';
import { FORECAST_METHODS } from '../../src/insights/types';
import { mulberry32 } from '../../integrations/erp-simulator/prng';

describe('forecast methods on known series', () => {
  it('computes simple exponential smoothing by hand', () => {
    // y = 1, 2, 3, α = 0.5: level 1 → 0.5·2 + 0.5·1 = 1.5 → 0.5·3 + 0.5·1.5 = 2.25;
    // one-step errors 2 − 1 = 1 and 3 − 1.5 = 1.5, SSE = 1 + 2.25 = 3.25.
    const p = { alpha: 0.5, beta: 0, phi: 1, trend: false };
    expect(smoothingSse([1, 2, 3], p)).toBeCloseTo(3.25, 12);
    expect(smoothingForecast([1, 2, 3], p, 2)).toEqual([2.25, 2.25]);
  });

  it('computes Holt and damped trend by hand', () => {
    // y = 1, 3, 4, α = β = 0.5, level 1, trend 3 − 1 = 2.
    // Holt: t1 f = 3, l = 3, b = 0.5·2 + 0.5·2 = 2; t2 f = 5, l = 0.5·4 + 0.5·5 = 4.5,
    // b = 0.5·1.5 + 0.5·2 = 1.75 → forecasts 6.25, 8.
    expect(smoothingForecast([1, 3, 4], { alpha: 0.5, beta: 0.5, phi: 1, trend: true }, 2)).toEqual([6.25, 8]);
    // Damped φ = 0.5: t1 f = 1 + 0.5·2 = 2, l = 2.5, b = 0.5·1.5 + 0.5·0.5·2 = 1.25;
    // t2 f = 2.5 + 0.625 = 3.125, l = 3.5625, b = 0.5·1.0625 + 0.25·1.25 = 0.84375;
    // forecasts 3.5625 + 0.5·0.84375 = 3.984375 and 3.5625 + 0.75·0.84375 = 4.1953125.
    const damped = smoothingForecast([1, 3, 4], { alpha: 0.5, beta: 0.5, phi: 0.5, trend: true }, 2);
    expect(damped[0]).toBeCloseTo(3.984375, 12);
    expect(damped[1]).toBeCloseTo(4.1953125, 12);
  });

  it('repeats the last four-week season', () => {
    expect(seasonalNaive([1, 2, 3, 4, 5], 6)).toEqual([2, 3, 4, 5, 2, 3]);
    expect(seasonalNaive([0.4, 0.6], 2)).toEqual([0.6, 0.6]);
  });

  it('predicts a constant series as the constant with every method', () => {
    const y = new Array<number>(20).fill(0.7);
    for (const method of FORECAST_METHODS) {
      for (const v of forecastWith(method, y, 4)) expect(v).toBeCloseTo(0.7, 12);
    }
    expect(forecastSeries(y, 0.75)).toMatchObject({ fallback: 0, intervalLow: 0.7, intervalHigh: 0.7 });
  });

  it('lets Holt beat SES on a linear trend and follow it exactly', () => {
    const y = Array.from({ length: 20 }, (_, t) => 0.3 + 0.02 * t);
    const origins = rollingOrigins(y.length);
    const holt = backtestMethod('holt', y, origins);
    const ses = backtestMethod('ses', y, origins);
    expect(holt.mae).toBeLessThan(1e-9);
    expect(ses.mae).toBeGreaterThan(0.02);
    const next = forecastWith('holt', y, 2, { params: fitSmoothing('holt', y) });
    expect(next[0]).toBeCloseTo(0.7, 9); // 0.3 + 0.02 × 20
    expect(next[1]).toBeCloseTo(0.72, 9);
  });

  it('picks seasonal-naive for an exactly repeating four-week pattern', () => {
    const y = Array.from({ length: 24 }, (_, t) => [0.5, 0.7, 0.9, 0.6][t % 4] as number);
    const selection = selectMethod(y);
    expect(selection.method).toBe('seasonal-naive');
    expect(selection.scores['seasonal-naive'].mae).toBe(0);
  });
});

describe('rolling-origin selection', () => {
  it('uses the last eight origins that leave a full four-week horizon', () => {
    // n = 20: last origin 20 − 4 = 16, first max(4, 16 − 8 + 1) = 9.
    expect(rollingOrigins(20)).toEqual([9, 10, 11, 12, 13, 14, 15, 16]);
    // n = 8: only origin 4 (one season of training).
    expect(rollingOrigins(8)).toEqual([4]);
  });

  it('computes the MASE scale as the seasonal-naive in-sample error', () => {
    // |5 − 1| + |7 − 2| = 9 over 2 steps.
    expect(maseScale([1, 2, 3, 4, 5, 7])).toBe(4.5);
  });

  it('never picks a method whose backtest MASE exceeds seasonal-naive on synthetic series', () => {
    const random = mulberry32(42);
    const shapes = [
      () => 0.6 + 0.1 * (random() - 0.5), // noise around a level
      (t: number) => 0.3 + 0.015 * t + 0.05 * (random() - 0.5), // trend
      (t: number) => 0.6 + 0.15 * Math.sin((t * Math.PI) / 2) + 0.05 * random(), // four-week season
      (t: number) => (t < 15 ? 0.8 : 0.5) + 0.05 * random(), // level shift
    ];
    let seriesChecked = 0;
    for (let s = 0; s < 60; s++) {
      const shape = shapes[s % shapes.length] as (t: number) => number;
      const y = Array.from({ length: 12 + (s % 30) }, (_, t) => shape(t));
      const { method, scores } = selectMethod(y);
      const scale = maseScale(y);
      const chosen = scores[method].mae / scale;
      const naive = scores['seasonal-naive'].mae / scale;
      expect(chosen).toBeLessThanOrEqual(naive);
      for (const candidate of CANDIDATES) expect(scores[method].mae).toBeLessThanOrEqual(scores[candidate].mae);
      seriesChecked++;
    }
    expect(seriesChecked).toBe(60);
  });
});

describe('forecast fallback for short histories', () => {
  it('uses the mean of a single week with the widest interval', () => {
    expect(forecastSeries([0.6], 0.75)).toEqual({
      method: FORECAST_METHODS.indexOf('baseline'),
      fallback: 1,
      forecasts: [0.6, 0.6, 0.6, 0.6],
      intervalLow: 0,
      intervalHigh: 1,
    });
  });

  it('uses the target when there is no history at all', () => {
    expect(forecastSeries([], 0.75).forecasts).toEqual([0.75, 0.75, 0.75, 0.75]);
  });

  it('uses the mean ± 1.28 standard deviations below eight weeks', () => {
    // Mean of 0.5, 0.7 = 0.6; sample sd = √((0.01 + 0.01) / 1) = 0.141421; 1.2816 × 0.141421 = 0.181245.
    const f = forecastSeries([0.5, 0.7], 0.75);
    expect(f.fallback).toBe(1);
    expect(f.intervalLow).toBeCloseTo(0.6 - 0.181245, 5);
    expect(f.intervalHigh).toBeCloseTo(0.6 + 0.181245, 5);
  });

  it('forecasts properly from eight weeks on, clamped to [0, 1]', () => {
    const y = [0.8, 0.85, 0.9, 0.95, 0.97, 0.99, 1, 1];
    const f = forecastSeries(y, 0.75);
    expect(f.fallback).toBe(0);
    expect(f.method).toBeGreaterThan(0);
    for (const v of [...f.forecasts, f.intervalLow, f.intervalHigh]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
  });
});
