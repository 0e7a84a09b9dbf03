import type { InsightKind } from './types';
import { ValidationError } from '../errors';

/** A work contract as the engine needs it; dates are local 'YYYY-MM-DD', end inclusive, null = open. */
export interface Contract {
  start: string;
  end: string | null;
  dailyMinutes: number;
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  workdays: number[];
}

/** One person's day; days without any entries may be absent from the array. */
export interface DayFact {
  date: string;
  recordedMinutes: number;
  billableMinutes: number;
  absenceMinutes: number;
  entryCount: number;
}

export interface PersonHistory {
  personId: string;
  managerId: string | null;
  contracts: Contract[];
  days: DayFact[];
  /** The flex balance the ERP's flextime add-on reports for the period's last day, when it has one. */
  erpFlexBalanceMinutes?: number | null;
}

export interface ProjectHistory {
  projectId: string;
  managerId: string | null;
  budgetMinutes: number | null;
  start: string | null;
  end: string | null;
  /** ISO week, e.g. '2026-W47'. */
  weeklyMinutes: { week: string; minutes: number }[];
  /** Project money per ISO week (project totals summed at sync time); absent or empty without prices. */
  weeklyMoney?: ProjectMoneyWeek[];
}

/** One project's money in one ISO week, in cents of `currency`. */
export interface ProjectMoneyWeek {
  week: string;
  currency: string | null;
  valueCents: number;
  costCents: number;
  /** Billable minutes with a price, and without one. */
  billableMinutes: number;
  unpricedMinutes: number;
  /** Minutes with a cost, and without one. */
  costedMinutes: number;
  uncostedMinutes: number;
}

export interface TenantInsightSettings {
  enabled: Record<InsightKind, boolean>;
  /** 0..1 */
  utilisationTarget: number;
  dailyMaximumMinutes: number;
  flexPeriodWeeks: number;
  trendWeeks: number;
  teamView: boolean;
  halfDayEves: boolean;
  /** ISO 3166 country code for public holidays. */
  country: string;
  /** IANA zone the tenant's local dates live in. */
  timezone: string;
}

export const ALL_INSIGHT_KINDS: readonly InsightKind[] = [
  'missing-hours',
  'flex-balance',
  'utilisation',
  'anomaly',
  'project-burn',
  'team-view',
];

export function defaultInsightSettings(overrides: Partial<TenantInsightSettings> = {}): TenantInsightSettings {
  return {
    enabled: {
      'missing-hours': true,
      'flex-balance': true,
      utilisation: true,
      anomaly: true,
      'project-burn': true,
      'team-view': true,
    },
    utilisationTarget: 0.75,
    dailyMaximumMinutes: 12 * 60,
    flexPeriodWeeks: 26,
    trendWeeks: 8,
    teamView: true,
    halfDayEves: false,
    country: 'FI',
    timezone: 'Europe/Helsinki',
    ...overrides,
  };
}

/** Rejects settings the maths cannot work with, listing every bad key. */
export function assertValidSettings(s: TenantInsightSettings): void {
  const issues: string[] = [];
  if (!(s.utilisationTarget >= 0 && s.utilisationTarget <= 1)) issues.push('utilisationTarget must be within 0..1');
  if (!(s.dailyMaximumMinutes > 0)) issues.push('dailyMaximumMinutes must be positive');
  if (!(Number.isInteger(s.flexPeriodWeeks) && s.flexPeriodWeeks >= 1 && s.flexPeriodWeeks <= 520)) {
    issues.push('flexPeriodWeeks must be a whole number of weeks, 1..520');
  }
  if (!(Number.isInteger(s.trendWeeks) && s.trendWeeks >= 2 && s.trendWeeks <= s.flexPeriodWeeks)) {
    issues.push('trendWeeks must be a whole number, 2..flexPeriodWeeks');
  }
  if (issues.length > 0) throw new ValidationError('invalid insight settings', issues);
}
