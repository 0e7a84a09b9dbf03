/**
 * Insight records: what the engine produces and the email renders. Values are numbers (dates as
 * yyyymmdd integers, fractions 0..1, minutes as integers, money in cents) and currency codes —
 * rendering and wording are the email's job.
 */
export type Severity = 'info' | 'notice' | 'warning';

/** ISO week period, e.g. '2026-W47', or a month '2026-11'. */
export type Period = string;

export interface MissingHoursValues {
  expectedMinutes: number;
  recordedMinutes: number;
  missingMinutes: number;
  /** Workdays under contract, not holiday, not absent, with nothing recorded (yyyymmdd). */
  missingDays: number[];
  monthToDateExpectedMinutes: number;
  monthToDateRecordedMinutes: number;
}

export interface FlexBalanceValues {
  balanceMinutes: number;
  /** Least-squares slope of the weekly balance, minutes per week. */
  trendMinutesPerWeek: number;
  projectedMonthEndMinutes: number;
  weeksInTrend: number;
  /** 1 when the balance is the ERP's own (its flextime add-on), 0 when computed from the entries. */
  fromErp: number;
}

export interface UtilisationValues {
  lastWeek: number;
  monthToDate: number;
  target: number;
  forecastRestOfMonth: number;
  forecastNext4Weeks: number;
  /** Next week's forecast and the 80 % and 95 % prediction intervals around it (calibrated by backtest). */
  forecastNextWeek: number;
  intervalLow: number;
  intervalHigh: number;
  interval95Low: number;
  interval95High: number;
  /** Seasonal period found in the history, in weeks; 0 for none. */
  seasonalPeriod: number;
  /** Index into FORECAST_METHODS. */
  method: number;
  /** 1 when history was too short and a safe baseline was used instead. */
  fallback: 0 | 1;
  /** Last weeks of utilisation (oldest first) for the bar chart. */
  history: number[];
}

export const FORECAST_METHODS = ['baseline', 'seasonal-naive', 'ses', 'holt', 'damped', 'theta', 'recent-mean', 'combined'] as const;

export interface AnomalyValues {
  /** yyyymmdd */
  date: number;
  /** Bit set of AnomalyReason. */
  reasons: number;
  recordedMinutes: number;
  usualMinutes: number;
  score: number;
}

export const AnomalyReason = {
  unusualTotal: 1,
  weekendOrHoliday: 2,
  onAbsenceDay: 4,
  overDailyMaximum: 8,
  billableShareDrop: 16,
} as const;

export interface ProjectBurnValues {
  /** Index of the project in the recipient's project list is not text: the ERP project ID goes in subjectId. */
  budgetMinutes: number;
  usedMinutes: number;
  burnMinutesPerWeek: number;
  /** yyyymmdd, or 0 when the budget does not run out at the current rate. */
  runOutDate: number;
  /** yyyymmdd, or 0 when the project has no end date. */
  projectEndDate: number;
  overrunRisk: 0 | 1;
  /** Project totals only (see project-margin.ts); absent when the ERP sent no prices and costs. */
  margin?: ProjectMarginValues;
}

/** Money in cents of `currency` (ISO 4217), shares as fractions (negative when cost exceeds value). */
export interface ProjectMarginValues {
  currency: string;
  billableValueCents: number;
  costCents: number;
  marginCents: number;
  marginShare: number;
  /** The last four weeks' margin share, and its change in points from the four weeks before. */
  recentMarginShare: number;
  trendPoints: number;
  /** Share of the project's hours with a known cost (1 = all). */
  costCoverage: number;
  /** Whole weeks from the period to the project's end; 0 without an end ahead (then no forecast). */
  forecastWeeks: number;
  forecastMarginCents: number;
  forecastMarginShare: number;
}

export interface TeamViewValues {
  teamSize: number;
  utilisationMean: number;
  missingDaysTotal: number;
  flexBalanceMeanMinutes: number;
}

export interface InsightValuesByKind {
  'missing-hours': MissingHoursValues;
  'flex-balance': FlexBalanceValues;
  utilisation: UtilisationValues;
  anomaly: AnomalyValues;
  'project-burn': ProjectBurnValues;
  'team-view': TeamViewValues;
}

export type InsightKind = keyof InsightValuesByKind;

export type Insight = {
  [K in InsightKind]: {
    tenantId: string;
    recipientId: string;
    period: Period;
    kind: K;
    severity: Severity;
    /** Technical ID of what the insight is about when it is not the recipient (project ID), else null. */
    subjectId: string | null;
    values: InsightValuesByKind[K];
  };
}[InsightKind];
