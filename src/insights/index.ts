/** The insight engine's public surface: pure functions from daily facts to insight records. */
export { computeInsights, type ComputeInsightsInput } from './engine';
export { createWorkCalendar, expectedMinutes, type WorkCalendar, type WorkCalendarOptions } from './calendar';
export { lastCompletedWeek } from './dates';
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
