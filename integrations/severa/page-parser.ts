/**
 * Validates ERP answers. A list page must be a JSON array, or the page fails; each row in it is then
 * validated on its own, and a row that cannot be used is reported and skipped. Error messages and
 * reports name the resource, the ERP id and field paths only: values could be personal data.
 */
import { z } from 'zod';
import { UpstreamError } from '../../src/errors';
import { IMPOSSIBLE_DATE } from './wire';

export const UPSTREAM = 'severa';
const MAX_LISTED_ISSUES = 5;
/** Only an id that looks technical is echoed in logs and counters; anything else could be personal. */
const TECHNICAL_ID = /^[0-9A-Za-z;:_.-]{1,160}$/;

export type SkipReason = 'missing-field' | 'invalid-field' | typeof IMPOSSIBLE_DATE | 'unknown-user';

export interface SkippedRow {
  resource: string;
  reason: SkipReason;
  /** Dotted path of the first unusable field. */
  field: string;
  /** The row's ERP id when it has a usable one. */
  erpId: string | null;
}

function describeIssues(error: z.ZodError): string {
  const listed = error.issues
    .slice(0, MAX_LISTED_ISSUES)
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'} (${issue.code})`);
  const more = error.issues.length - listed.length;
  return listed.join(', ') + (more > 0 ? ` and ${more} more` : '');
}

function parseJson(body: string, what: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new UpstreamError(`ERP returned a malformed ${what}: not JSON`, UPSTREAM, false);
  }
}

/** The JSON value of a body, or null when it is not JSON (the schema then reports the row as missing). */
export function parseJsonOrNull(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
}

export function parseBody<T>(schema: z.ZodType<T>, body: string, what: string): T {
  const parsed = schema.safeParse(parseJson(body, what));
  if (!parsed.success) {
    throw new UpstreamError(`ERP returned a malformed ${what}: ${describeIssues(parsed.error)}`, UPSTREAM, false);
  }
  return parsed.data;
}

function valueAt(row: unknown, path: PropertyKey[]): unknown {
  let value = row;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** Why one row failed, from its first issue: absent or null, an impossible date, or a wrong value. */
export function skipOf(resource: string, row: unknown, error: z.ZodError): SkippedRow {
  const issue = error.issues[0];
  const path = issue?.path ?? [];
  const id = valueAt(row, ['guid']);
  const value = valueAt(row, path);
  const reason: SkipReason =
    issue?.message === IMPOSSIBLE_DATE ? IMPOSSIBLE_DATE : value === undefined || value === null ? 'missing-field' : 'invalid-field';
  return {
    resource,
    reason,
    field: path.map(String).join('.') || '(row)',
    erpId: typeof id === 'string' && TECHNICAL_ID.test(id) ? id : null,
  };
}

/** Parses one list page: the body must be a JSON array; rows that fail their schema go to `skip`. */
export function parseRows<T>(
  schema: z.ZodType<T>,
  body: string,
  resource: string,
  page: number,
  skip: (row: SkippedRow) => void,
): T[] {
  const json = parseJson(body, `${resource} page ${page}`);
  if (!Array.isArray(json)) throw new UpstreamError(`ERP returned a malformed ${resource} page ${page}: not a list`, UPSTREAM, false);
  const rows: T[] = [];
  for (const item of json) {
    const parsed = schema.safeParse(item);
    if (parsed.success) rows.push(parsed.data);
    else skip(skipOf(resource, item, parsed.error));
  }
  return rows;
}
