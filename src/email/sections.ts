import {
  AnomalyReason,
  type AnomalyValues,
  type FlexBalanceValues,
  type MissingHoursValues,
  type ProjectBurnValues,
  type ProjectMarginValues,
  type Severity,
  type TeamViewValues,
  type UtilisationValues,
} from '../insights/types';
import type { Formatter, PeriodInfo } from './format';
import type { Messages } from './i18n';

export interface Figure {
  label: string;
  value: string;
}

export interface Item {
  text: string;
  details: string[];
}

export type SegmentType = 'fill' | 'fill-low' | 'marker' | 'empty';

export interface ChartRow {
  label: string;
  value: string;
  segments: { type: SegmentType; widthPct: number }[];
  /** The same bar for the plain-text part. */
  textBar: string;
}

export interface Section {
  kind: string;
  tone: Severity;
  title: string;
  lead: string;
  figures: Figure[];
  items: Item[];
  chart: { caption: string; rows: ChartRow[] } | null;
  notes: string[];
  /** Where the person acts on the section (the ERP's own page), when the tenant has set one. */
  link: { label: string; url: string } | null;
}

export interface SectionContext {
  m: Messages;
  f: Formatter;
  period: PeriodInfo;
}

const TEXT_BAR_WIDTH = 20;
/** A change smaller than this (minutes per week) reads as "about the same". */
const FLAT_TREND_MINUTES = 15;

function section(kind: string, tone: Severity, title: string, lead: string, rest: Partial<Section> = {}): Section {
  return { kind, tone, title, lead, figures: [], items: [], chart: null, notes: [], link: null, ...rest };
}

export function missingHoursSection({ m, f }: SectionContext, v: MissingHoursValues, tone: Severity, erpWebUrl: string | null): Section {
  const monthNote = m.missing.monthToDate(f.hours(v.monthToDateRecordedMinutes), f.hours(v.monthToDateExpectedMinutes));
  if (v.missingMinutes <= 0) {
    return section('missing-hours', 'info', m.missing.doneTitle, m.missing.doneLead, { notes: [monthNote] });
  }
  const days = [...v.missingDays].sort((a, b) => a - b).map((d) => f.day(d));
  return section('missing-hours', tone, m.missing.title, m.missing.lead(f.hours(v.recordedMinutes), f.hours(v.expectedMinutes)), {
    figures: [
      { label: m.missing.missingLabel, value: f.hours(v.missingMinutes) },
      { label: m.missing.recordedLabel, value: f.hours(v.recordedMinutes) },
      { label: m.missing.expectedLabel, value: f.hours(v.expectedMinutes) },
    ],
    items: days.length > 0 ? [{ text: m.missing.days(days.join(', ')), details: [] }] : [],
    notes: [monthNote, m.missing.note],
    link: erpWebUrl ? { label: m.missing.fixLink, url: erpWebUrl } : null,
  });
}

export function utilisationSection({ m, f, period }: SectionContext, v: UtilisationValues, tone: Severity): Section {
  const target = f.percent(v.target);
  const notes = [
    m.utilisation.forecastNextWeek(f.percent(v.forecastNextWeek), f.percent(v.intervalLow), f.percent(v.intervalHigh)),
    m.utilisation.forecastMonth(f.percent(v.forecastRestOfMonth)),
    m.utilisation.forecastNext4(f.percent(v.forecastNext4Weeks)),
  ];
  if (v.fallback === 1) notes.push(m.utilisation.fallback);
  const weeks = period.weeksEndingWith(v.history.length);
  const scale = Math.max(1, v.target, ...v.history);
  const rows = v.history.map((value, i) => ({
    label: m.weekShort(weeks[i] ?? 0),
    value: f.percent(value),
    segments: barSegments(value / scale, v.target / scale, value >= v.target),
    textBar: textBar(value / scale),
  }));
  return section('utilisation', tone, m.utilisation.title, v.lastWeek >= v.target ? m.utilisation.leadAbove : m.utilisation.leadBelow(target), {
    figures: [
      { label: m.utilisation.lastWeekLabel, value: f.percent(v.lastWeek) },
      { label: m.utilisation.monthLabel, value: f.percent(v.monthToDate) },
      { label: m.utilisation.targetLabel, value: target },
    ],
    chart: rows.length > 0 ? { caption: m.utilisation.chartCaption(target), rows } : null,
    notes,
  });
}

/**
 * A horizontal bar as table cells: filled up to `share`, with a thin marker at `targetShare`.
 * Widths are whole percentages that add up to 100.
 */
export function barSegments(share: number, targetShare: number, meetsTarget: boolean): ChartRow['segments'] {
  const fill = clamp(Math.round(share * 100), 0, 100);
  const marker = clamp(Math.round(targetShare * 100), 0, 99);
  const bounds = [...new Set([0, fill, marker, marker + 1, 100])].sort((a, b) => a - b);
  const segments: ChartRow['segments'] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const from = bounds[i] ?? 0;
    const to = bounds[i + 1] ?? 100;
    const type: SegmentType = from === marker ? 'marker' : from < fill ? (meetsTarget ? 'fill' : 'fill-low') : 'empty';
    segments.push({ type, widthPct: to - from });
  }
  return segments;
}

function textBar(share: number): string {
  const filled = clamp(Math.round(share * TEXT_BAR_WIDTH), 0, TEXT_BAR_WIDTH);
  return '█'.repeat(filled) + '░'.repeat(TEXT_BAR_WIDTH - filled);
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

export function flexSection({ m, f }: SectionContext, v: FlexBalanceValues, tone: Severity): Section {
  const perWeek = f.hours(Math.abs(v.trendMinutesPerWeek));
  const lead =
    Math.abs(v.trendMinutesPerWeek) < FLAT_TREND_MINUTES
      ? m.flex.leadFlat(v.weeksInTrend)
      : v.trendMinutesPerWeek > 0
        ? m.flex.leadUp(perWeek, v.weeksInTrend)
        : m.flex.leadDown(perWeek, v.weeksInTrend);
  return section('flex-balance', tone, m.flex.title, lead, {
    figures: [
      { label: m.flex.balanceLabel, value: f.signedHours(v.balanceMinutes) },
      { label: m.flex.trendLabel, value: f.signedHours(v.trendMinutesPerWeek) },
      { label: m.flex.projectedLabel, value: f.signedHours(v.projectedMonthEndMinutes) },
    ],
    notes: [v.fromErp === 1 ? m.flex.fromErp : m.flex.computed],
  });
}

const REASON_KEYS = Object.keys(AnomalyReason) as (keyof typeof AnomalyReason)[];

export function anomalySection({ m, f }: SectionContext, anomalies: AnomalyValues[]): Section {
  const items = [...anomalies]
    .sort((a, b) => a.date - b.date)
    .map((a) => ({
      text: m.anomaly.item(f.day(a.date), f.hours(a.recordedMinutes), f.hours(a.usualMinutes)),
      details: REASON_KEYS.filter((key) => (a.reasons & AnomalyReason[key]) !== 0).map((key) => m.anomaly.reasons[key]),
    }));
  // Anomalies are questions, not findings: always the calm "notice" tone, whatever the score.
  return section('anomaly', 'notice', m.anomaly.title, m.anomaly.lead, { items, notes: [m.anomaly.note] });
}

export interface ProjectBurn {
  name: string;
  values: ProjectBurnValues;
  severity: Severity;
}

/** The project's money, as totals only: the recipient is the project's manager. */
function marginLines({ m, f }: SectionContext, v: ProjectMarginValues | undefined, projectEndDate: number): string[] {
  if (!v) return [];
  const money = (cents: number): string => f.money(cents, v.currency);
  const lines = [m.projects.margin(money(v.marginCents), f.percent(v.marginShare), money(v.billableValueCents), money(v.costCents))];
  lines.push(m.projects.marginRecent(f.percent(v.recentMarginShare), f.points(v.trendPoints)));
  if (v.forecastWeeks > 0) lines.push(m.projects.marginForecast(money(v.forecastMarginCents), f.percent(v.forecastMarginShare), f.date(projectEndDate)));
  if (v.costCoverage < 1) lines.push(m.projects.costCoverage(f.percent(v.costCoverage)));
  return lines;
}

export function projectSection(ctx: SectionContext, projects: ProjectBurn[]): Section {
  const { m, f } = ctx;
  const items = projects.map(({ name, values: v }) => {
    const share = v.budgetMinutes > 0 ? f.percent(v.usedMinutes / v.budgetMinutes) : '–';
    const burn = f.hours(v.burnMinutesPerWeek);
    const pace =
      v.runOutDate === 0
        ? m.projects.lasts(burn)
        : v.projectEndDate !== 0 && v.runOutDate < v.projectEndDate
          ? m.projects.runsOutBeforeEnd(burn, f.date(v.runOutDate), f.date(v.projectEndDate))
          : m.projects.runsOut(burn, f.date(v.runOutDate));
    return { text: m.projects.item(name, f.hours(v.usedMinutes), f.hours(v.budgetMinutes), share), details: [pace, ...marginLines(ctx, v.margin, v.projectEndDate)] };
  });
  const tone = worstSeverity(projects.map((p) => (p.values.overrunRisk === 1 ? 'warning' : p.severity)));
  return section('project-burn', tone, m.projects.title, '', { items });
}

/** Team figures are aggregates only; absence is never part of a team view. */
export function teamSection({ m, f }: SectionContext, v: TeamViewValues, tone: Severity): Section {
  return section('team-view', tone, m.team.title, m.team.lead, {
    figures: [
      { label: m.team.sizeLabel, value: f.integer(v.teamSize) },
      { label: m.team.utilisationLabel, value: f.percent(v.utilisationMean) },
      { label: m.team.missingDaysLabel, value: f.integer(v.missingDaysTotal) },
      { label: m.team.flexLabel, value: f.signedHours(v.flexBalanceMeanMinutes) },
    ],
  });
}

const SEVERITY_ORDER: Severity[] = ['info', 'notice', 'warning'];

function worstSeverity(severities: Severity[]): Severity {
  return severities.reduce<Severity>(
    (worst, s) => (SEVERITY_ORDER.indexOf(s) > SEVERITY_ORDER.indexOf(worst) ? s : worst),
    'info',
  );
}
