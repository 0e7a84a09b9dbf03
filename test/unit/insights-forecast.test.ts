import {
  combinedForecast,
  combinedForecastsFromEveryOrigin,
  fitCombined,
  fitSmoothing,
  forecastWith,
  recentMeanForecast,
  seasonalNaive,
  smoothingForecast,
  smoothingSae,
  smoothingSse,
  thetaForecast,
} from '../../src/insights/forecast';
import { conformalRadius, stepIntervals } from '../../src/insights/forecast-intervals';
import { forecastSeries, maseScale, rollingOrigins } from '../../src/insights/forecast-select';
import { autocorrelations, detectPeriod, fitSeasonalProfile } from '../../src/insights/seasonality';
import { FORECAST_METHODS } from '../../src/insights/types';
import { mulberry32 } from '../../integrations/erp-simulator/prng';

describe('forecast methods on known series', () => {
  it('computes simple exponential smoothing by hand', () => {
    // y = 1, 2, 3, α = 0.5: level 1 → 0.5·2 + 0.5·1 = 1.5 → 0.5·3 + 0.5·1.5 = 2.25;
    // one-step errors 2 − 1 = 1 and 3 − 1.5 = 1.5, SSE = 1 + 2.25 = 3.25, SAE = 2.5.
    const p = { alpha: 0.5, beta: 0, phi: 1, trend: false };
    expect(smoothingSse([1, 2, 3], p)).toBeCloseTo(3.25, 12);
    expect(smoothingSae([1, 2, 3], p)).toBeCloseTo(2.5, 12);
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

  it('computes Theta by hand', () => {
    // y = 1, 2, 3, α = 0.5: SES level 2.25 (above); slope 1, drift 0.5;
    // 1/α − (1 − α)³/α = 2 − 0.25 = 1.75 → 2.25 + 0.5·1.75 = 3.125, then + 0.5 → 3.625.
    expect(thetaForecast([1, 2, 3], 0.5, 2)).toEqual([3.125, 3.625]);
  });

  it('takes the recent mean over the last eight weeks', () => {
    // Last eight of 0..9 are 2..9, mean 5.5; with three values all of them count.
    expect(recentMeanForecast([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 2)).toEqual([5.5, 5.5]);
    expect(recentMeanForecast([1, 2, 3], 1)).toEqual([2]);
  });

  it('combines SES and the recent mean half and half', () => {
    // SES with α = 0.5 on 1, 2, 3 is 2.25 and the mean is 2: (2.25 + 2) / 2 = 2.125.
    const fit = { ses: { alpha: 0.5, beta: 0, phi: 1, trend: false } };
    expect(combinedForecast([1, 2, 3], 2, fit)).toEqual([2.125, 2.125]);
  });

  it('gives the same combined forecasts from every origin in one pass as one origin at a time', () => {
    const random = mulberry32(3);
    const y = Array.from({ length: 30 }, () => random());
    const fit = fitCombined(y);
    const all = combinedForecastsFromEveryOrigin(y, fit, 4);
    for (const t of [1, 5, 8, 29, 30]) {
      const one = combinedForecast(y.slice(0, t), 4, fit);
      (all[t] as number[]).forEach((v, h) => expect(v).toBeCloseTo(one[h] as number, 12));
    }
  });

  it('fits α by absolute errors when asked, so one outlier week moves it less', () => {
    // A flat series with one spike: each criterion's grid optimum is at least as good as the other's by its own measure.
    const y = [0.5, 0.5, 0.5, 0.5, 1, 0.5, 0.5, 0.5, 0.5, 0.5];
    const squared = fitSmoothing('ses', y);
    const absolute = fitSmoothing('ses', y, 'absolute');
    expect(smoothingSae(y, absolute)).toBeLessThanOrEqual(smoothingSae(y, squared));
    expect(smoothingSse(y, squared)).toBeLessThanOrEqual(smoothingSse(y, absolute));
  });

  it('repeats the last season of the given period', () => {
    expect(seasonalNaive([1, 2, 3, 4, 5], 6, 4)).toEqual([2, 3, 4, 5, 2, 3]);
    expect(seasonalNaive([0.4, 0.6], 2, 4)).toEqual([0.6, 0.6]);
  });

  it('predicts a constant series as the constant with every method, with no spread', () => {
    // 40 weeks leave origins 8..36 for the intervals: 29 errors per step, enough for 95 %.
    const y = new Array<number>(40).fill(0.7);
    for (const method of FORECAST_METHODS) {
      for (const v of forecastWith(method, y, 4, { period: 4 })) expect(v).toBeCloseTo(0.7, 12);
    }
    const f = forecastSeries(y, 0.75);
    expect(f.fallback).toBe(0);
    expect(f.method).toBe(FORECAST_METHODS.indexOf('combined'));
    for (const i of f.intervals) {
      expect(i.low80).toBeCloseTo(0.7, 12);
      expect(i.high95).toBeCloseTo(0.7, 12);
    }
  });
});

describe('seasonal period detection', () => {
  it('computes autocorrelations by hand, with and without gaps', () => {
    // 1, 2, 1, 2: deviations ∓0.5, variance 0.25; lag 1 products all −0.25 → −1, lag 2 all +0.25 → 1.
    const r = autocorrelations([1, 2, 1, 2], 2);
    expect(r[0]).toBeCloseTo(-1, 12);
    expect(r[1]).toBeCloseTo(1, 12);
    // Weeks 0, 2, 4 hold 1, 2, 1: no pair one week apart; two weeks apart the products are −2/9 each,
    // over a variance of 2/9 → −1.
    const gaps = autocorrelations([1, 2, 1], 2, [0, 2, 4]);
    expect(gaps[0]).toBe(0);
    expect(gaps[1]).toBeCloseTo(-1, 12);
  });

  it('finds a 13-week cycle and a yearly one, and rarely one in noise or level shifts', () => {
    const random = mulberry32(11);
    const quarterly = Array.from({ length: 52 }, (_, t) => 0.6 + 0.2 * Math.cos((2 * Math.PI * t) / 13) + 0.02 * random());
    expect(detectPeriod(quarterly)).toBe(13);
    const yearly = Array.from({ length: 110 }, (_, t) => 0.6 + 0.2 * Math.cos((2 * Math.PI * t) / 52) + 0.05 * random());
    expect(detectPeriod(yearly)).toBe(52);
    // A 10 % test on four candidates: about one white-noise series in ten gets a period by chance.
    // Irregular level shifts (a project starts or ends) correlate at every short lag, and are no cycle.
    let noiseHits = 0;
    let shiftHits = 0;
    for (let s = 0; s < 100; s++) {
      if (detectPeriod(Array.from({ length: 104 }, () => 0.6 + 0.2 * random())) !== null) noiseHits++;
      let level = 0.5;
      const shifts = Array.from({ length: 104 }, () => {
        if (random() < 0.05) level = random();
        return level + 0.1 * random();
      });
      if (detectPeriod(shifts) !== null) shiftHits++;
    }
    expect(noiseHits).toBeLessThanOrEqual(15);
    expect(shiftHits).toBeLessThanOrEqual(5);
    // Two full cycles are needed before a period is tested.
    expect(detectPeriod(yearly.slice(0, 100))).not.toBe(52);
  });

  it('keeps a yearly cycle in phase across missing weeks', () => {
    const weeks = Array.from({ length: 110 }, (_, t) => t).filter((t) => t % 52 < 26 || t % 52 > 29);
    const y = weeks.map((t) => 0.6 + 0.2 * Math.cos((2 * Math.PI * t) / 52));
    expect(detectPeriod(y, weeks)).toBe(52);
  });

  it('fits a Fourier profile that reproduces an exact cycle on a trend', () => {
    const weeks = Array.from({ length: 104 }, (_, t) => t);
    const y = weeks.map((t) => 0.5 + 0.001 * t + 0.1 * Math.cos((2 * Math.PI * t) / 52));
    const profile = fitSeasonalProfile(y, weeks, 52);
    expect(profile.at(0)).toBeCloseTo(0.1, 9);
    expect(profile.at(13)).toBeCloseTo(0, 9);
    expect(profile.at(26)).toBeCloseTo(-0.1, 9);
    expect(profile.at(104)).toBeCloseTo(0.1, 9);
  });
});

describe('calibrated intervals', () => {
  it('takes the conformal rank of the absolute errors', () => {
    const errors = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    // ⌈10 · 0.8⌉ = 8th smallest; ⌈10 · 0.95⌉ = 10 > 9 errors: not enough for 95 %.
    expect(conformalRadius(errors, 0.8)).toBe(8);
    expect(conformalRadius(errors, 0.95)).toBe(Infinity);
    expect(conformalRadius([...errors, ...errors.map((e) => -e), 10, -10], 0.95)).toBe(10);
  });

  it('centres symmetric intervals on each step and clamps them', () => {
    const errors = [[0.1, -0.2, 0.05, 0.1]];
    // 4 errors: 80 % → ⌈5 · 0.8⌉ = 4th = 0.2; 95 % → ⌈4.75⌉ = 5 > 4, unbounded: the whole range.
    expect(stepIntervals([0.5], errors, { low: 0, high: 1 })).toEqual([{ low80: 0.3, high80: 0.7, low95: 0, high95: 1 }]);
    const many = [Array.from({ length: 19 }, (_, i) => (i + 1) / 100)];
    // 19 errors 0.01..0.19: 80 % → 16th = 0.16, 95 % → 19th = 0.19.
    const [i] = stepIntervals([0.9], many, { low: 0, high: 1 });
    expect(i?.low80).toBeCloseTo(0.74, 12);
    expect(i?.high80).toBe(1);
    expect(i?.low95).toBeCloseTo(0.71, 12);
  });
});

describe('forecastSeries', () => {
  it('uses the last eight origins that leave a full horizon and enough training', () => {
    // n = 20: last origin 20 − 4 = 16, first max(8, 16 − 8 + 1) = 9.
    expect(rollingOrigins(20, 4, 8, 8)).toEqual([9, 10, 11, 12, 13, 14, 15, 16]);
    expect(rollingOrigins(12, 4, 8, 8)).toEqual([8]);
  });

  it('computes the MASE scale as the seasonal-naive in-sample error', () => {
    // |5 − 1| + |7 − 2| = 9 over 2 steps.
    expect(maseScale([1, 2, 3, 4, 5, 7], 4)).toBe(4.5);
  });

  it('follows a yearly cycle it has seen twice', () => {
    const random = mulberry32(5);
    const cycle = (t: number): number => 0.6 + 0.2 * Math.cos((2 * Math.PI * t) / 52);
    const y = Array.from({ length: 106 }, (_, t) => cycle(t) + 0.04 * (random() - 0.5));
    const f = forecastSeries(y, 0.75);
    expect(f.period).toBe(52);
    f.forecasts.forEach((v, h) => expect(Math.abs(v - cycle(106 + h))).toBeLessThan(0.03));
    for (const [h, i] of f.intervals.entries()) {
      expect(i.low95).toBeLessThanOrEqual(i.low80);
      expect(i.low80).toBeLessThanOrEqual(f.forecasts[h] as number);
      expect(i.high80).toBeLessThanOrEqual(i.high95);
    }
  });

  it('uses the mean of a single week with the widest interval', () => {
    const f = forecastSeries([0.6], 0.75);
    expect(f).toMatchObject({ method: FORECAST_METHODS.indexOf('baseline'), fallback: 1, period: 0, forecasts: [0.6, 0.6, 0.6, 0.6] });
    expect(f.intervals[0]).toEqual({ low80: 0, high80: 1, low95: 0, high95: 1 });
  });

  it('uses the target when there is no history at all', () => {
    expect(forecastSeries([], 0.75).forecasts).toEqual([0.75, 0.75, 0.75, 0.75]);
  });

  it('uses the mean ± 1.28 and ± 1.96 standard deviations below eight weeks', () => {
    // Mean of 0.5, 0.7 = 0.6; sample sd = √((0.01 + 0.01) / 1) = 0.141421; × 1.2816 = 0.181245, × 1.96 = 0.277186.
    const [i] = forecastSeries([0.5, 0.7], 0.75).intervals;
    expect(i?.low80).toBeCloseTo(0.6 - 0.181245, 5);
    expect(i?.high80).toBeCloseTo(0.6 + 0.181245, 5);
    expect(i?.low95).toBeCloseTo(0.6 - 0.277186, 5);
  });

  it('forecasts properly from eight weeks on, clamped to [0, 1]', () => {
    const y = [0.8, 0.85, 0.9, 0.95, 0.97, 0.99, 1, 1];
    const f = forecastSeries(y, 0.75);
    expect(f.fallback).toBe(0);
    expect(f.method).toBe(FORECAST_METHODS.indexOf('combined'));
    for (const v of [...f.forecasts, ...f.intervals.flatMap((i) => [i.low80, i.high80, i.low95, i.high95])]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
  });
});
