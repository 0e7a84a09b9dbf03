/** The insight engine's public surface: pure functions from daily facts to insight records. */
export { computeInsights, type ComputeInsightsInput } from './engine';
export { createWorkCalendar, expectedMinutes, type WorkCalendar, type WorkCalendarOptions } from './calendar';
export { lastCompletedWeek } from './dates';
export { createInsightContext, type InsightContext } from './context';
export { buildTimeline, type DayTable, type PersonTimeline } from './timeline';
export { missingWorkdays } from './missing-hours';
export { dayAnomalies, MODIFIED_Z_THRESHOLD, type DayAnomaly } from './anomalies';
export {
  ALL_INSIGHT_KINDS,
  assertValidSettings,
  defaultInsightSettings,
  type Contract,
  type DayFact,
  type PersonHistory,
  type ProjectHistory,
  type TenantInsightSettings,
} from './input';
export * from './types';
