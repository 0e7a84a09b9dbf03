import type { AnomalyReason } from '../../insights/types';

/**
 * Every sentence of the insight email. Functions take already formatted figures so each language can
 * word (and, in Finnish, avoid inflecting) them naturally. No HTML here: templates escape everything.
 */
export interface Messages {
  /** BCP 47 tag for Intl number and date formatting. */
  locale: string;
  /** luxon format for a short date with weekday, e.g. "ma 17.11.". */
  dayFormat: string;
  /** luxon format for a full date, e.g. "17.11.2026". */
  dateFormat: string;
  /** How the month is written in a week's date range: "17.–23.11.2026" vs "17–23 Nov 2026". */
  rangeMonth: 'numeric' | 'short';
  week(week: number): string;
  weekShort(week: number): string;
  greeting(firstName: string | null): string;
  intro: string;
  subject: {
    missing(period: string, missing: string): string;
    utilisation(period: string, value: string): string;
    flex(period: string, balance: string): string;
    anomalies(period: string, days: number): string;
    projects(period: string): string;
    team(period: string): string;
    generic(period: string): string;
  };
  missing: {
    title: string;
    doneTitle: string;
    doneLead: string;
    lead(recorded: string, expected: string): string;
    missingLabel: string;
    recordedLabel: string;
    expectedLabel: string;
    days(list: string): string;
    monthToDate(recorded: string, expected: string): string;
    note: string;
    /** The link to the tenant's ERP, where the hours are recorded. */
    fixLink: string;
  };
  utilisation: {
    title: string;
    lastWeekLabel: string;
    monthLabel: string;
    targetLabel: string;
    leadAbove: string;
    leadBelow(target: string): string;
    chartCaption(target: string): string;
    /** Next week's forecast with its 80 % interval, said as "8 weeks in 10". */
    forecastNextWeek(value: string, low: string, high: string): string;
    forecastMonth(value: string): string;
    forecastNext4(value: string): string;
    fallback: string;
  };
  flex: {
    title: string;
    balanceLabel: string;
    trendLabel: string;
    projectedLabel: string;
    leadUp(perWeek: string, weeks: number): string;
    leadDown(perWeek: string, weeks: number): string;
    leadFlat(weeks: number): string;
    /** Where the balance comes from: Severa's own flextime, or computed from the entries. */
    fromErp: string;
    computed: string;
  };
  anomaly: {
    title: string;
    lead: string;
    item(date: string, recorded: string, usual: string): string;
    reasons: Record<keyof typeof AnomalyReason, string>;
    note: string;
  };
  projects: {
    title: string;
    name(projectId: string): string;
    item(name: string, used: string, budget: string, share: string): string;
    runsOut(burn: string, date: string): string;
    runsOutBeforeEnd(burn: string, date: string, end: string): string;
    lasts(burn: string): string;
    /** Project totals: billable value − cost = margin (share of the value). */
    margin(margin: string, share: string, value: string, cost: string): string;
    marginRecent(share: string, trendPoints: string): string;
    marginForecast(margin: string, share: string, end: string): string;
    costCoverage(share: string): string;
  };
  team: {
    title: string;
    lead: string;
    sizeLabel: string;
    utilisationLabel: string;
    missingDaysLabel: string;
    flexLabel: string;
  };
  footer: {
    why(tenant: string): string;
    privacy: string;
    preferences: string;
    unsubscribe: string;
  };
}
