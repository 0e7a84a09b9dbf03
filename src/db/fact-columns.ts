/**
 * How two daily-fact columns are stored, in one place for the sync that writes them and for the
 * insights and data subject export that read them back.
 */

/** A contract's working weekdays (ISO, Monday = 1) as the bit mask kept in work_contracts.workdays_mask. */
export const workdaysToMask = (days: number[]): number => days.reduce((mask, d) => mask | (1 << (d - 1)), 0);
export const maskToWorkdays = (mask: number): number[] => [1, 2, 3, 4, 5, 6, 7].filter((d) => mask & (1 << (d - 1)));

/** The envelope context of daily_facts.absence_minutes_enc: binds a value to its tenant, person and day. */
export const absenceCipherContext = (tenantId: string, personId: string, date: string) => ({
  tenantId,
  table: 'daily_facts',
  column: 'absence_minutes',
  rowId: `${personId}|${date}`,
});
