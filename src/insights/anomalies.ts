import { median } from 'simple-statistics';
import { ANOMALY_BASELINE_WEEKS, SHARE_BASELINE_WEEKS, type InsightContext } from './context';
import { toYmd } from './dates';
import { fullyAbsentOn, sumRange, type PersonTimeline } from './timeline';
import { AnomalyReason, type AnomalyValues, type Insight, type Severity } from './types';

/** Iglewicz–Hoaglin cut-off for the modified z-score. */
export const MODIFIED_Z_THRESHOLD = 3.5;
/**
 * Hours are logged in quarter hours and flexitime moves a day by an hour either way as a matter of
 * course. When most usual days are identical the MAD (or MeanAD) spread collapses to a few minutes and
 * an ordinary flexed hour would score far over the cut-off; with this floor a day must be more than
 * 3.5 × 35 ≈ 2 h off the usual total before its total alone counts as unusual.
 */
export const MIN_SPREAD_MINUTES = 35;
/** Fewer usual days than this is not enough to say what is usual. */
const MIN_BASELINE_DAYS = 10;
/** Billable share must fall by 20 points and by 30 % of its usual level to count as a drop. */
const SHARE_DROP_POINTS = 0.2;
const SHARE_DROP_RELATIVE = 0.3;
/** A week needs this much recorded to have a meaningful billable share. */
const SHARE_MIN_WEEK_MINUTES = 240;
const SHARE_MIN_BASELINE_WEEKS = 4;

/**
 * Modified z-score 0.6745·(x − median)/MAD. When MAD is 0 (more than half the days identical) it
 * falls back to (x − median)/(1.253314·MeanAD) as Iglewicz and Hoaglin suggest; when that is 0 too
 * every baseline value is identical and there is no scale, so the score is null (not judged).
 * `minSpread` is a floor on the spread (MAD/0.6745 or 1.253314·MeanAD, both standard-deviation-like);
 * with a floor a constant baseline is judged too.
 */
export function modifiedZScorer(baseline: readonly number[], minSpread = 0): ((x: number) => number) | null {
  if (baseline.length === 0) return null;
  const med = median(baseline as number[]);
  const deviations = baseline.map((v) => Math.abs(v - med));
  const mad = median(deviations);
  const meanAd = deviations.reduce((s, d) => s + d, 0) / deviations.length;
  const spread = Math.max(mad > 0 ? mad / 0.6745 : 1.253314 * meanAd, minSpread);
  return spread > 0 ? (x) => (x - med) / spread : null;
}

export function modifiedZScore(x: number, baseline: readonly number[]): number | null {
  const scorer = modifiedZScorer(baseline);
  return scorer ? scorer(x) : null;
}

/** A plain working day: contract workday, no holiday, no absence, something recorded. */
function isUsualWorkday(t: PersonTimeline, ctx: InsightContext, i: number): boolean {
  return t.workday[i] === 1 && ctx.table.holiday[i] === 0 && t.absence[i] === 0 && (t.recorded[i] as number) > 0;
}

function record(t: PersonTimeline, ctx: InsightContext, severity: Severity, values: AnomalyValues): Insight {
  return {
    tenantId: ctx.tenantId,
    recipientId: t.personId,
    period: ctx.period.week,
    kind: 'anomaly',
    severity,
    subjectId: null,
    values,
  };
}

const round2 = (v: number): number => Math.round(v * 100) / 100;

function shareDrop(t: PersonTimeline, ctx: InsightContext): Insight | null {
  const { startIndex, endIndex } = ctx.period;
  const weekRecorded = sumRange(t.recorded, startIndex, endIndex);
  if (weekRecorded < SHARE_MIN_WEEK_MINUTES) return null;
  const share = sumRange(t.billable, startIndex, endIndex) / weekRecorded;
  let billable = 0;
  let recorded = 0;
  let weeks = 0;
  for (let w = 1; w <= SHARE_BASELINE_WEEKS; w++) {
    const from = startIndex - 7 * w;
    if (from < 0) break;
    const r = sumRange(t.recorded, from, from + 6);
    if (r < SHARE_MIN_WEEK_MINUTES) continue;
    recorded += r;
    billable += sumRange(t.billable, from, from + 6);
    weeks++;
  }
  if (weeks < SHARE_MIN_BASELINE_WEEKS) return null;
  const usualShare = billable / recorded;
  const drop = usualShare - share;
  if (drop < SHARE_DROP_POINTS || drop < SHARE_DROP_RELATIVE * usualShare) return null;
  return record(t, ctx, 'notice', {
    date: toYmd(ctx.period.end),
    reasons: AnomalyReason.billableShareDrop,
    recordedMinutes: Math.round(weekRecorded),
    usualMinutes: Math.round(recorded / weeks),
    score: round2(drop),
  });
}

export interface DayAnomaly {
  /** Local date 'YYYY-MM-DD'. */
  date: string;
  /** AnomalyReason bits, never 0. */
  reasons: number;
  recordedMinutes: number;
  /** Median of the usual workdays with the day's contracted minutes, else of all usual days; 0 without any. */
  usualMinutes: number;
  /** Modified z-score of the day's total; null when the day is not a usual workday or there is no scale. */
  score: number | null;
}

/**
 * The odd days between table indices from and to (inclusive). Totals are scored against the person's
 * usual workdays in the ANOMALY_BASELINE_WEEKS before `from`, so a run over one week judges it by
 * what came before it and never by itself. Only usual days with the same contracted minutes count:
 * after a move from full to part time the shorter days are the new normal, not unusual, and until ten
 * such days have passed there is no baseline to judge totals by.
 */
export function dayAnomalies(t: PersonTimeline, ctx: InsightContext, from: number, to: number): DayAnomaly[] {
  const all: number[] = [];
  const byDayLength = new Map<number, number[]>();
  for (let i = Math.max(0, from - 7 * ANOMALY_BASELINE_WEEKS); i < from; i++) {
    if (!isUsualWorkday(t, ctx, i)) continue;
    all.push(t.recorded[i] as number);
    const expected = t.expected[i] as number;
    const same = byDayLength.get(expected);
    if (same) same.push(t.recorded[i] as number);
    else byDayLength.set(expected, [t.recorded[i] as number]);
  }
  const scorers = new Map<number, ((x: number) => number) | null>();
  const scorerFor = (expected: number): ((x: number) => number) | null => {
    if (!scorers.has(expected)) {
      const baseline = byDayLength.get(expected) ?? [];
      scorers.set(expected, baseline.length >= MIN_BASELINE_DAYS ? modifiedZScorer(baseline, MIN_SPREAD_MINUTES) : null);
    }
    return scorers.get(expected) ?? null;
  };
  const usualOf = (expected: number): number => {
    const same = byDayLength.get(expected);
    return same ? median(same) : all.length > 0 ? median(all) : 0;
  };
  const out: DayAnomaly[] = [];
  for (let i = Math.max(0, from); i <= to; i++) {
    const recorded = t.recorded[i] as number;
    if (recorded === 0 && t.entries[i] === 0) continue;
    let reasons = 0;
    if (t.workday[i] === 0 || (ctx.table.holiday[i] as number) >= 1) reasons |= AnomalyReason.weekendOrHoliday;
    if (fullyAbsentOn(t, i)) reasons |= AnomalyReason.onAbsenceDay;
    if (recorded > ctx.settings.dailyMaximumMinutes) reasons |= AnomalyReason.overDailyMaximum;
    const expected = t.expected[i] as number;
    const scorer = isUsualWorkday(t, ctx, i) ? scorerFor(expected) : null;
    const score = scorer ? scorer(recorded) : null;
    if (score !== null && Math.abs(score) > MODIFIED_Z_THRESHOLD) reasons |= AnomalyReason.unusualTotal;
    if (reasons !== 0) {
      out.push({ date: ctx.table.dates[i] as string, reasons, recordedMinutes: recorded, usualMinutes: usualOf(expected), score });
    }
  }
  return out;
}

/**
 * One insight per day of the period with something odd (reasons combined in a bit set), plus one dated
 * on the period's last day for a billable-share drop; for that one `score` is the drop in share (0..1)
 * and `usualMinutes` the usual weekly total. Severity: warning when a day is over the daily maximum or
 * has hours on a full absence day (both usually a recording error that affects pay or leave), notice
 * otherwise.
 */
export function anomalyInsights(t: PersonTimeline, ctx: InsightContext): Insight[] {
  const serious = AnomalyReason.overDailyMaximum | AnomalyReason.onAbsenceDay;
  const out = dayAnomalies(t, ctx, ctx.period.startIndex, ctx.period.endIndex).map((d) =>
    record(t, ctx, d.reasons & serious ? 'warning' : 'notice', {
      date: toYmd(d.date),
      reasons: d.reasons,
      recordedMinutes: Math.round(d.recordedMinutes),
      usualMinutes: Math.round(d.usualMinutes),
      score: round2(d.score ?? 0),
    }),
  );
  const drop = shareDrop(t, ctx);
  if (drop) out.push(drop);
  return out;
}
