import type { Insight } from '../insights/types';

/**
 * A realistic set of insights for one person, one week: used for the admin preview of the email and
 * for the demo. Values follow src/insights/types.ts (minutes, fractions, yyyymmdd).
 */
export function sampleInsights(ids: { tenantId: string; recipientId: string; period: string }): Insight[] {
  const base = { tenantId: ids.tenantId, recipientId: ids.recipientId, period: ids.period, subjectId: null };
  return [
    {
      ...base,
      kind: 'missing-hours',
      severity: 'warning',
      values: {
        expectedMinutes: 2250,
        recordedMinutes: 1800,
        missingMinutes: 450,
        missingDays: [20261120],
        monthToDateExpectedMinutes: 6750,
        monthToDateRecordedMinutes: 6120,
      },
    },
    {
      ...base,
      kind: 'utilisation',
      severity: 'notice',
      values: {
        lastWeek: 0.72,
        monthToDate: 0.78,
        target: 0.8,
        forecastRestOfMonth: 0.79,
        forecastNext4Weeks: 0.81,
        forecastNextWeek: 0.8,
        intervalLow: 0.7,
        intervalHigh: 0.87,
        interval95Low: 0.62,
        interval95High: 0.93,
        seasonalPeriod: 0,
        method: 7,
        fallback: 0,
        history: [0.84, 0.81, 0.76, 0.88, 0.79, 0.72],
      },
    },
    {
      ...base,
      kind: 'flex-balance',
      severity: 'info',
      values: { balanceMinutes: 750, trendMinutesPerWeek: 90, projectedMonthEndMinutes: 1020, weeksInTrend: 6, fromErp: 0 },
    },
    {
      ...base,
      kind: 'anomaly',
      severity: 'notice',
      values: { date: 20261122, reasons: 2 | 1, recordedMinutes: 600, usualMinutes: 0, score: 4.2 },
    },
    {
      ...base,
      kind: 'project-burn',
      severity: 'warning',
      subjectId: 'P-1042',
      values: {
        budgetMinutes: 24000,
        usedMinutes: 19800,
        burnMinutesPerWeek: 1500,
        runOutDate: 20261215,
        projectEndDate: 20270131,
        overrunRisk: 1,
        margin: {
          currency: 'EUR',
          billableValueCents: 2_850_000,
          costCents: 1_995_000,
          marginCents: 855_000,
          marginShare: 0.3,
          recentMarginShare: 0.24,
          trendPoints: -0.04,
          costCoverage: 1,
          forecastWeeks: 10,
          forecastMarginCents: 1_180_000,
          forecastMarginShare: 0.27,
        },
      },
    },
  ];
}
