/** Row-level faults a test can ask for: rows that break the published types or the calendar. */
import { parseIsoDate } from './calendar';
import { impossibleDate } from './wire-format';

type Row = Record<string, unknown>;

/** Breaks the published types in a way a validating client must notice (types, not just values). */
export function malformed(row: Row): Row {
  if ('quantity' in row) return { ...row, quantity: String(row.quantity) };
  if ('isActive' in row) return { ...row, isActive: 'yes' };
  if ('isClosed' in row) return { ...row, isClosed: 'no' };
  if ('activityType' in row) return { ...row, startDateTime: 'tomorrow morning' };
  return { ...row, guid: 42 };
}

const DATE_FIELDS = ['eventDate', 'startDateTime', 'startDate', 'deadline'] as const;

function broken(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const day = parseIsoDate(value.slice(0, 10));
  return day === undefined ? undefined : `${impossibleDate(day)}${value.slice(10)}`;
}

/** The row's main date becomes an impossible one in the same month (a user's current contract start). */
export function withImpossibleDate(row: Row): Row {
  for (const field of DATE_FIELDS) {
    const value = broken(row[field]);
    if (value !== undefined) return { ...row, [field]: value };
  }
  const contract = row.workContract as Row | undefined;
  const start = broken(contract?.startDate);
  if (contract && start !== undefined) return { ...row, workContract: { ...contract, startDate: start } };
  return row;
}
