import type { Insight, MissingHoursValues, UtilisationValues } from '../insights/types';

/** No billable hour in the whole window: a row of 0 % bars and a "0 %–0 %" forecast tell the person nothing. */
function utilisationSaysSomething(v: UtilisationValues): boolean {
  return v.lastWeek > 0 || v.monthToDate > 0 || v.history.some((share) => share > 0);
}

/** Nothing expected and nothing recorded (a week of holiday or absence): "all 0 h recorded" is noise. */
function missingHoursSaysSomething(v: MissingHoursValues): boolean {
  return v.expectedMinutes > 0 || v.recordedMinutes > 0 || v.missingMinutes > 0;
}

/**
 * Whether an insight tells its recipient anything. Sections that would only show zeros are left out of
 * the email, and a person with nothing left to be told gets no email at all.
 */
export function saysSomething(insight: Insight): boolean {
  if (insight.kind === 'utilisation') return utilisationSaysSomething(insight.values);
  if (insight.kind === 'missing-hours') return missingHoursSaysSomething(insight.values);
  return true;
}
